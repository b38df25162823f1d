from config.loader import CONFIG_ENV_VAR, ConfigError, config_path_from_env, load_config
from config.models import SessionLogsConfig

__all__ = [
    "CONFIG_ENV_VAR",
    "ConfigError",
    "SessionLogsConfig",
    "config_path_from_env",
    "load_config",
]
