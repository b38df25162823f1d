"""The S3 backends lock their state with a lock file next to it in the emulated state bucket."""

from __future__ import annotations

import pytest

from stacks.registry import LOG_ARCHIVE_STACK, STACKS_IN_DEPLOY_ORDER
from tests.e2e.support import STATE_BUCKET


@pytest.fixture
def state_bucket(deployment, follow_ups):
    # The lock checks need a state nobody else is working on.
    follow_ups.wait()
    return deployment.client("s3", account=deployment.organization.management_account)


def state_key(deployment, stack: str) -> str:
    return deployment.config.account_by_stack[stack].backend.key


def test_runs_leave_the_state_and_release_the_lock(deployment, state_bucket):
    keys = {o["Key"] for o in state_bucket.list_objects_v2(Bucket=STATE_BUCKET)["Contents"]}
    assert keys == {state_key(deployment, stack) for stack in STACKS_IN_DEPLOY_ORDER}


def test_a_held_lock_stops_a_second_run(deployment, state_bucket):
    lock = f"{state_key(deployment, LOG_ARCHIVE_STACK)}.tflock"
    state_bucket.put_object(Bucket=STATE_BUCKET, Key=lock, Body=b'{"ID": "held-by-a-test"}')
    try:
        result = deployment.terraform(
            LOG_ARCHIVE_STACK, "plan", "-input=false", "-lock-timeout=0s", check=False
        )
    finally:
        state_bucket.delete_object(Bucket=STATE_BUCKET, Key=lock)
    assert result.returncode == 1
    assert "Error acquiring the state lock" in result.stderr
