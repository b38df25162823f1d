from config.loader import CONFIG_ENV_VAR, ConfigError, config_path_from_env, load_config
from config.models import SessionLogsConfig
from stacks.registry import LOG_ARCHIVE_STACK, MEMBER_STACKSET_STACK

__all__ = [
    "CONFIG_ENV_VAR",
    "LOG_ARCHIVE_STACK",
    "MEMBER_STACKSET_STACK",
    "ConfigError",
    "SessionLogsConfig",
    "config_path_from_env",
    "load_config",
]
