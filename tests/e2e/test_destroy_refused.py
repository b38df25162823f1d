"""The log archive cannot be destroyed by Terraform: prevent_destroy stops it before any call."""

from __future__ import annotations

import pytest

from tests.e2e.support import stored_log_archive_state


@pytest.fixture(scope="module")
def refused_destroy(follow_ups):
    return follow_ups.refused_destroy.result()


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
    assert stored_log_archive_state(deployment) == before
    archive = deployment.organization.log_archive_account
    s3 = deployment.client("s3", account=archive)
    assert s3.get_bucket_policy(Bucket=deployment.config.names.bucket)["Policy"]
    home = deployment.client("kms", account=archive, region=deployment.config.home_region)
    key_id = home.describe_key(KeyId=deployment.config.names.key_alias)["KeyMetadata"]["KeyId"]
    for region in deployment.config.key_regions:
        kms = deployment.client("kms", account=archive, region=region)
        assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Enabled"
