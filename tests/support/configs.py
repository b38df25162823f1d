"""The config files the tests build from: the project's default and the fixtures."""

from __future__ import annotations

from pathlib import Path

from config.loader import DEFAULT_CONFIG

FIXTURES = Path(__file__).parent.parent / "fixtures"
THREE_REGIONS_CONFIG = FIXTURES / "three-regions.yaml"
EVERY_OPTION_CONFIG = FIXTURES / "every-option.yaml"

__all__ = ["DEFAULT_CONFIG", "EVERY_OPTION_CONFIG", "FIXTURES", "THREE_REGIONS_CONFIG"]
