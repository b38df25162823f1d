"""Shared fixtures: one synthesis of each config, made once per test session, and harnesses.

Importing the provider bindings and starting jsii is the expensive part of a
synth, so every test that reads synthesized Terraform shares these. Helpers
and constants the tests share are in tests/support/; this file keeps only
fixtures and pytest hooks.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from config import load_config
from synth.provider_import import import_provider_package
from tests.support.configs import DEFAULT_CONFIG, EVERY_OPTION_CONFIG, THREE_REGIONS_CONFIG
from tests.support.custom_resources import (
    MOTO_ENVIRONMENT,
    CloudFormationStandIn,
    cloudformation_stand_in,
)
from tests.support.synth import Synthesized, synthesize_config
from tools.terraform_cli import (
    TerraformUnavailable,
    mirror_cli_config,
    terraform_binary,
)

if TYPE_CHECKING:
    from components.member_template.builder import MemberTemplate

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
# Before any test module imports a provider class, as main.py does.
import_provider_package()


# First: pytest-xdist reads the groups in its own hook of the same name.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Two groups for pytest-xdist (`make test` runs two workers): the end-to-end
    tests, which share one deployment and mostly wait on the emulated AWS, and
    everything else, which then runs beside them."""
    end_to_end_tests = Path(__file__).parent / "e2e"
    for item in items:
        end_to_end = end_to_end_tests in item.path.parents
        if end_to_end:
            item.add_marker(pytest.mark.terraform)
        item.add_marker(pytest.mark.xdist_group("emulator" if end_to_end else "unit"))


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


# The member template of a config, built without a synth; tests must not change it.
@pytest.fixture(scope="session")
def default_template() -> MemberTemplate:
    from tests.support.templates import member_template

    return member_template(load_config(DEFAULT_CONFIG))


@pytest.fixture(scope="session")
def every_option_template() -> MemberTemplate:
    from tests.support.templates import member_template

    return member_template(load_config(EVERY_OPTION_CONFIG))


@pytest.fixture(scope="session")
def _cloudformation_stand_in() -> Iterator[CloudFormationStandIn]:
    with cloudformation_stand_in() as stand_in:
        yield stand_in


@pytest.fixture
def cloudformation(
    _cloudformation_stand_in: CloudFormationStandIn, monkeypatch: pytest.MonkeyPatch
) -> Iterator[CloudFormationStandIn]:
    """CloudFormation for a custom resource handler, with moto as the AWS the handler calls."""
    from moto import mock_aws

    for name, value in MOTO_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    _cloudformation_stand_in.answers.clear()
    with mock_aws():
        yield _cloudformation_stand_in
