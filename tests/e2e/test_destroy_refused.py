"""The log archive cannot be destroyed by Terraform: prevent_destroy stops it before any call."""

from __future__ import annotations

import json

import pytest

from config.schema import LOG_ARCHIVE_STACK
from tests.e2e.conftest import STATE_BUCKET


def stored_state(deployment) -> dict:
    """The log-archive state object itself, as the S3 backend keeps it in the emulator."""
    s3 = deployment.client("s3", account=deployment.organization.management_account)
    key = deployment.config.log_archive.backend.key
    return json.loads(s3.get_object(Bucket=STATE_BUCKET, Key=key)["Body"].read())


@pytest.fixture(scope="module")
def refused_destroy(deployment):
    before = stored_state(deployment)
    # prevent_destroy is checked while the destroy is planned, whatever a
    # refresh would find, so skipping the refresh only saves time.
    result = deployment.terraform(
        LOG_ARCHIVE_STACK, "destroy", "-auto-approve", "-input=false", "-refresh=false", check=False
    )
    return before, result


def test_destroy_of_the_log_archive_fails_on_prevent_destroy(refused_destroy):
    _, result = refused_destroy
    assert result.returncode != 0
    assert "Error: Instance cannot be destroyed" in result.stderr
    assert (
        "lifecycle.prevent_destroy set, but the plan calls for this resource to be destroyed"
        in (" ".join(result.stderr.split()))
    )


def test_refused_destroy_leaves_state_bucket_and_keys(deployment, refused_destroy):
    before, _ = refused_destroy
    assert {r["type"] for r in before["resources"]} >= {"aws_s3_bucket", "aws_kms_replica_key"}
    assert stored_state(deployment) == before
    archive = deployment.organization.log_archive_account
    s3 = deployment.client("s3", account=archive)
    assert s3.get_bucket_policy(Bucket=deployment.config.names.bucket)["Policy"]
    for region in deployment.config.key_regions:
        kms = deployment.client("kms", account=archive, region=region)
        key = kms.describe_key(KeyId=deployment.config.names.key_alias)["KeyMetadata"]
        assert key["KeyState"] == "Enabled"
