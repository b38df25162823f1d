"""terraform init and validate of every stack with the real binary and the mirrored provider."""

from __future__ import annotations

import shutil

import pytest

from config.provider_locks import lock_file
from stacks.registry import STACKS_IN_DEPLOY_ORDER
from tools.terraform_cli import TerraformUnavailable, find_provider_mirror, run_terraform

pytestmark = pytest.mark.terraform


@pytest.mark.parametrize(
    "synth_name", ["default_synth", "three_region_synth", "every_option_synth"]
)
@pytest.mark.parametrize("stack", STACKS_IN_DEPLOY_ORDER)
def test_stack_validates(request, terraform_cli_config, tmp_path, synth_name, stack):
    synth = request.getfixturevalue(synth_name)
    workdir = tmp_path / stack
    shutil.copytree(synth.outdir / "stacks" / stack, workdir)
    shutil.copyfile(lock_file(stack), workdir / ".terraform.lock.hcl")
    # readonly: the mirrored provider must match a checksum in the committed lock.
    run_terraform(
        ["init", "-backend=false", "-input=false", "-lockfile=readonly"],
        cwd=workdir,
        cli_config=terraform_cli_config,
    )
    result = run_terraform(["validate"], cwd=workdir, cli_config=terraform_cli_config, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "The configuration is valid" in result.stdout


def test_validate_reports_a_broken_stack(default_synth, terraform_cli_config, tmp_path):
    workdir = tmp_path / "broken"
    shutil.copytree(default_synth.outdir / "stacks" / "member-stackset", workdir)
    stack_file = workdir / "cdk.tf.json"
    stack_file.write_text(stack_file.read_text().replace('"permission_model"', '"permission_mode"'))
    run_terraform(
        ["init", "-backend=false", "-input=false"], cwd=workdir, cli_config=terraform_cli_config
    )
    result = run_terraform(["validate"], cwd=workdir, cli_config=terraform_cli_config, check=False)
    assert result.returncode != 0
    assert "permission_mode" in result.stderr


def test_the_mirror_setting_must_hold_the_provider(monkeypatch, tmp_path):
    monkeypatch.setenv("SESSION_LOGS_PROVIDER_MIRROR", str(tmp_path))
    with pytest.raises(TerraformUnavailable, match=r"SESSION_LOGS_PROVIDER_MIRROR=.* has no"):
        find_provider_mirror("5.100.0")
