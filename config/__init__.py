from config.loader import CONFIG_ENV_VAR, ConfigError, config_path_from_env, load_config
from config.schema import LOG_ARCHIVE_STACK, MEMBER_STACKSET_STACK, SessionLogsConfig

__all__ = [
    "CONFIG_ENV_VAR",
    "LOG_ARCHIVE_STACK",
    "MEMBER_STACKSET_STACK",
    "ConfigError",
    "SessionLogsConfig",
    "config_path_from_env",
    "load_config",
]
