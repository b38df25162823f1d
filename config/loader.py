"""Reads the YAML config file and turns every problem in it into one clear message."""

from __future__ import annotations

import os
from pathlib import Path

import yaml
from pydantic import ValidationError

from config.models import SessionLogsConfig

CONFIG_ENV_VAR = "SESSION_LOGS_CONFIG"
DEFAULT_CONFIG = Path(__file__).with_name("default.yaml")
# libyaml's safe loader reads a config of 500 OU ids in a sixth of the time of
# the pure-Python one; PyYAML's wheels include it, a build from source may not.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ConfigError(Exception):
    """The config file is missing, unreadable or invalid; the message lists every problem."""


def config_path_from_env() -> Path:
    return Path(os.environ.get(CONFIG_ENV_VAR) or DEFAULT_CONFIG)


def load_config(path: Path) -> SessionLogsConfig:
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
    except OSError as error:
        raise ConfigError(f"{path}: cannot read config file: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise ConfigError(
            f"{path}: not UTF-8 text: byte {error.object[error.start]:#04x} at offset "
            f"{error.start} (save the file as UTF-8)"
        ) from None
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping of settings, got {_shown(raw)}")
    try:
        return SessionLogsConfig.model_validate(raw)
    except ValidationError as error:
        raise ConfigError(_describe(path, error)) from None


def _describe(path: Path, error: ValidationError) -> str:
    problems = [f"  - {_problem(item)}" for item in error.errors(include_url=False)]
    count = len(problems)
    heading = f"{path}: {count} problem{'s' if count > 1 else ''} in the config"
    return "\n".join([heading, *problems])


def _problem(item: dict) -> str:
    field = _field_path(item["loc"])
    if item["type"] == "missing":
        return f"{field}: required setting is missing"
    if not item["loc"]:
        # Checks across settings name their fields and values in the message;
        # their input is the whole config.
        return _reason(item)
    return f"{field}: {_reason(item)} (got {_shown(item['input'])})"


def _field_path(loc: tuple) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part in ("local", "s3", "[key]"):  # pydantic's markers, not setting names
            continue
        else:
            path += f".{part}" if path else str(part)
    return path or "(top level)"


def _reason(item: dict) -> str:
    if item["type"] == "extra_forbidden":
        return "unknown setting (check the spelling against docs/configuration.md)"
    if item["type"] == "string_type":
        return "must be text (put it in quotes in YAML)"
    return item["msg"].removeprefix("Value error, ")


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."
