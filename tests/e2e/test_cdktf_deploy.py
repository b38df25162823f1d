"""`make deploy`'s cdktf deploy, run against the emulator with no registry to reach.

It runs what the deploy workflow's second job runs, `make deploy
STACKS=member-stackset`, on the state the session's terraform apply left:
cdktf synthesizes the whole app, reads log-archive's outputs through the
remote state and finds nothing to change. (Both stacks in one cdktf call
would add half a minute of provider start-ups to every `make test`; which
stacks cdktf gets, in which order, is tested in tests/test_cdktf_cli.py.)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from config.provider_locks import LOCK_FILE, lock_file
from config.schema import LOG_ARCHIVE_STACK, MEMBER_STACKSET_STACK, STACKS_IN_DEPLOY_ORDER
from tools.cdktf_cli import CDKTF, PROJECT_ROOT

NOTHING_TO_DO = "Apply complete! Resources: 0 added, 0 changed, 0 destroyed."


def run(command: list[str], deployment) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "SESSION_LOGS_CONFIG": str(deployment.config_file),
        "TF_CLI_CONFIG_FILE": str(deployment.cli_config),
        # Plain output: no colours, no progress spinner.
        "CI": "1",
        "FORCE_COLOR": "0",
    }
    return subprocess.run(
        command,
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def deployed_with_cdktf(deployment, tmp_path_factory):
    if not CDKTF.exists():
        pytest.skip("CDKTF DEPLOY NOT RUN: node_modules missing; `make test` installs it")
    output = tmp_path_factory.mktemp("cdktf-deploy") / "cdktf.out"
    make_deploy = [sys.executable, "-m", "tools.cdktf_cli", "deploy", MEMBER_STACKSET_STACK]
    return output, run([*make_deploy, "--auto-approve", "--output", str(output)], deployment)


def test_cdktf_deploy_succeeds_without_the_registry_and_changes_nothing(deployed_with_cdktf):
    output, result = deployed_with_cdktf
    assert result.returncode == 0, result.stdout + result.stderr
    # Already applied by terraform: cdktf must find the same state.
    assert result.stdout.count(NOTHING_TO_DO) == 1
    assert "data.terraform_remote_state.cross_stack_reference_input_log_archive: Read complete" in (
        result.stdout
    )
    for stack in STACKS_IN_DEPLOY_ORDER:
        written = output / "stacks" / stack / LOCK_FILE
        assert written.read_text() == lock_file(stack).read_text()


def test_without_the_committed_lock_cdktf_asks_the_registry(
    deployment, deployed_with_cdktf, tmp_path
):
    output, _ = deployed_with_cdktf
    copy = tmp_path / "cdktf.out"
    shutil.copytree(output, copy, symlinks=True)
    (copy / "stacks" / LOG_ARCHIVE_STACK / LOCK_FILE).unlink()
    diff = [str(CDKTF), "diff", LOG_ARCHIVE_STACK, "--skip-synth", "--output", str(copy)]
    result = run(diff, deployment)
    assert result.returncode != 0
    assert "Could not retrieve providers for locking" in result.stdout + result.stderr
