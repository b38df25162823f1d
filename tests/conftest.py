"""Shared fixtures: the configs and one synthesis of each, made once per test session.

Importing the provider bindings and starting jsii is the expensive part of a
synth, so every test that reads synthesized Terraform shares these.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from config import load_config
from config.loader import DEFAULT_CONFIG
from config.models import SessionLogsConfig
from project import SYNTH_OUTDIR
from synth.provider_import import import_provider_package
from tools.terraform_cli import (
    TerraformUnavailable,
    mirror_cli_config,
    terraform_binary,
)

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
# Before any test module imports a provider class, as main.py does.
import_provider_package()

FIXTURES = Path(__file__).parent / "fixtures"
E2E_TESTS = Path(__file__).parent / "e2e"
THREE_REGIONS_CONFIG = FIXTURES / "three-regions.yaml"
EVERY_OPTION_CONFIG = FIXTURES / "every-option.yaml"


# First: pytest-xdist reads the groups in its own hook of the same name.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Two groups for pytest-xdist (`make test` runs two workers): the end-to-end
    tests, which share one deployment and mostly wait on the emulated AWS, and
    everything else, which then runs beside them."""
    for item in items:
        end_to_end = E2E_TESTS in item.path.parents
        if end_to_end:
            item.add_marker(pytest.mark.terraform)
        item.add_marker(pytest.mark.xdist_group("emulator" if end_to_end else "unit"))


class Synthesized:
    """The files one synthesis wrote, parsed."""

    def __init__(self, outdir: Path, config: SessionLogsConfig) -> None:
        self.outdir = outdir
        self.config = config

    def stack(self, name: str) -> dict:
        return json.loads(self.stack_path(name).read_text())

    def stack_path(self, name: str) -> Path:
        return self.outdir / "stacks" / name / "cdk.tf.json"

    def resources(self, name: str, resource_type: str) -> dict[str, dict]:
        return self.stack(name)["resource"].get(resource_type, {})

    def resource(self, name: str, resource_type: str, address: str) -> dict:
        return self.resources(name, resource_type)[address]


def synthesize_config(config_file: Path, outdir: Path) -> Synthesized:
    from stacks.app import build_app

    config = load_config(config_file)
    # Backend paths are computed for the real output folder, as `make synth` does.
    build_app(config, outdir=outdir, final_outdir=SYNTH_OUTDIR).synth()
    return Synthesized(outdir, config)


@pytest.fixture(scope="session")
def terraform_cli_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Terraform CLI config that installs the AWS provider from this machine's mirror."""
    try:
        terraform_binary()
        return mirror_cli_config(tmp_path_factory.mktemp("terraform"))
    except TerraformUnavailable as missing:
        pytest.skip(f"TERRAFORM TESTS NOT RUN: {missing}")


@pytest.fixture(scope="session")
def default_synth(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return synthesize_config(DEFAULT_CONFIG, tmp_path_factory.mktemp("default-synth"))


@pytest.fixture(scope="session")
def three_region_synth(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return synthesize_config(THREE_REGIONS_CONFIG, tmp_path_factory.mktemp("three-region-synth"))


@pytest.fixture(scope="session")
def every_option_synth(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return synthesize_config(EVERY_OPTION_CONFIG, tmp_path_factory.mktemp("every-option-synth"))
