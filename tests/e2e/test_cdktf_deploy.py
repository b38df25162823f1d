"""`make deploy`'s cdktf deploy, run against the emulator with no registry to reach.

It runs what the deploy workflow's second job runs, `make deploy
STACKS=member-stackset`, on the state the session's terraform apply left:
cdktf synthesizes the whole app, reads log-archive's outputs through the
remote state and finds nothing to change. (Both stacks in one cdktf call
would add half a minute of provider start-ups to every `make test`; which
stacks cdktf gets, in which order, is tested in tests/test_cdktf_cli.py.)
"""

from __future__ import annotations

import shutil

import pytest

from config.provider_locks import LOCK_FILE, lock_file
from stacks.registry import LOG_ARCHIVE_STACK, STACKS_IN_DEPLOY_ORDER
from tests.e2e.support import run_with_cdktf
from tools.cdktf_cli import CDKTF

NOTHING_TO_DO = "Apply complete! Resources: 0 added, 0 changed, 0 destroyed."


@pytest.fixture(scope="module")
def deployed_with_cdktf(follow_ups):
    deployed = follow_ups.cdktf_deploy.result()
    if deployed is None:
        pytest.skip("CDKTF DEPLOY NOT RUN: node_modules missing; `make test` installs it")
    return deployed


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
    result = run_with_cdktf(diff, deployment)
    assert result.returncode != 0
    assert "Could not retrieve providers for locking" in result.stdout + result.stderr
