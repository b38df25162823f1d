"""emulator_endpoint sends every provider and state backend to a local AWS API emulator."""

from __future__ import annotations

import pytest
import yaml

from components.aws_providers import EMULATED_SERVICES
from stacks.registry import STACKS_IN_DEPLOY_ORDER
from tests.support.configs import THREE_REGIONS_CONFIG
from tests.support.synth import synthesize_config

EMULATOR = "http://127.0.0.1:4566"


@pytest.fixture(scope="module")
def emulator_synth(tmp_path_factory):
    folder = tmp_path_factory.mktemp("emulator-synth")
    settings = yaml.safe_load(THREE_REGIONS_CONFIG.read_text())
    config_file = folder / "config.yaml"
    config_file.write_text(yaml.safe_dump({**settings, "emulator_endpoint": EMULATOR}))
    return synthesize_config(config_file, folder / "out")


@pytest.mark.parametrize("stack", STACKS_IN_DEPLOY_ORDER)
def test_every_provider_calls_the_emulator_with_path_style_s3(emulator_synth, stack):
    providers = emulator_synth.stack(stack)["provider"]["aws"]
    assert providers
    for provider in providers:
        assert provider["endpoints"] == [dict.fromkeys(EMULATED_SERVICES, EMULATOR)]
        assert provider["s3_use_path_style"] is True
        assert provider["skip_credentials_validation"] is True
        assert provider["skip_metadata_api_check"] == "true"


@pytest.mark.parametrize("stack", STACKS_IN_DEPLOY_ORDER)
def test_state_backend_keeps_state_in_the_emulator_with_the_lockfile(emulator_synth, stack):
    backend = emulator_synth.stack(stack)["terraform"]["backend"]["s3"]
    assert backend["endpoints"] == {
        "s3": EMULATOR,
        "sts": EMULATOR,
        "iam": EMULATOR,
        "dynamodb": EMULATOR,
    }
    assert backend["use_path_style"] is True
    assert backend["use_lockfile"] is True


def test_member_stack_reads_the_log_archive_state_from_the_emulator(emulator_synth):
    archive_backend = emulator_synth.stack("log-archive")["terraform"]["backend"]["s3"]
    [remote] = emulator_synth.stack("member-stackset")["data"]["terraform_remote_state"].values()
    assert remote["backend"] == "s3"
    assert remote["config"]["endpoints"] == archive_backend["endpoints"]
    assert remote["config"]["key"] == archive_backend["key"]
    assert remote["config"]["use_path_style"] is True


@pytest.mark.parametrize("stack", STACKS_IN_DEPLOY_ORDER)
def test_without_the_setting_nothing_points_at_an_emulator(three_region_synth, stack):
    synthesized = three_region_synth.stack(stack)
    assert all("endpoints" not in p for p in synthesized["provider"]["aws"])
    assert "endpoints" not in synthesized["terraform"]["backend"]["s3"]
