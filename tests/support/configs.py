"""The config files the tests build from (the project's default and the fixtures), and changed copies."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from config import ConfigError, load_config
from config.loader import DEFAULT_CONFIG

FIXTURES = Path(__file__).parent.parent / "fixtures"
THREE_REGIONS_CONFIG = FIXTURES / "three-regions.yaml"
EVERY_OPTION_CONFIG = FIXTURES / "every-option.yaml"

__all__ = [
    "DEFAULT_CONFIG",
    "EVERY_OPTION_CONFIG",
    "FIXTURES",
    "THREE_REGIONS_CONFIG",
    "problems",
    "with_changes",
]


def with_changes(tmp_path: Path, **changes) -> Path:
    """The default config with top-level keys replaced (None removes a key)."""
    settings = yaml.safe_load(DEFAULT_CONFIG.read_text())
    for key, value in changes.items():
        if value is None:
            settings.pop(key)
        else:
            settings[key] = value
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(settings))
    return path


def problems(path: Path) -> str:
    """The message of the ConfigError the config at `path` raises."""
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    return str(raised.value)
