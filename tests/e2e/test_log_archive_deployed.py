"""What `terraform apply` of the log-archive stack left in the log archive account."""

from __future__ import annotations

import json

import pytest

from components.central_bucket.policies import central_bucket_policy_document
from components.session_log_key.construct import JUST_IN_TIME_TAG
from stacks.log_archive_stack import key_policy
from tests.e2e.support import HOME_REGION, MEMBER_REGIONS

REPLICA_REGIONS = [region for region in MEMBER_REGIONS if region != HOME_REGION]


class Archive:
    """Clients in the log archive account, and what the stack should have put there."""

    def __init__(self, deployment) -> None:
        self._deployment = deployment
        self.account = deployment.organization.log_archive_account
        self.organization_id = deployment.organization.id
        self.bucket = deployment.config.names.bucket
        self.alias = deployment.config.names.key_alias
        self.default_tags = deployment.config.tags

    def client(self, service: str, region: str = HOME_REGION):
        return self._deployment.client(service, account=self.account, region=region)

    def key(self, region: str = HOME_REGION) -> dict:
        """The primary (found by its alias) or, by the shared key id, its replica in `region`."""
        kms = self.client("kms", HOME_REGION)
        key_id = kms.describe_key(KeyId=self.alias)["KeyMetadata"]["KeyId"]
        return self.client("kms", region).describe_key(KeyId=key_id)["KeyMetadata"]

    def expected_key_policy(self, region: str) -> dict:
        return key_policy(self._deployment.config, region)


@pytest.fixture(scope="module")
def archive(deployment) -> Archive:
    return Archive(deployment)


def test_bucket_policy_is_the_reviewed_document(archive):
    s3 = archive.client("s3")
    policy = json.loads(s3.get_bucket_policy(Bucket=archive.bucket)["Policy"])
    assert policy == central_bucket_policy_document(
        bucket_name=archive.bucket, organization_id=archive.organization_id
    )
    assert [s["Sid"] for s in policy["Statement"]] == [
        "DenyRequestsWithoutTls",
        "GuiConnectWritesRdpRecordings",
    ]


def test_bucket_encrypts_with_the_primary_key_and_a_bucket_key(archive):
    s3 = archive.client("s3")
    rules = s3.get_bucket_encryption(Bucket=archive.bucket)["ServerSideEncryptionConfiguration"]
    assert rules["Rules"] == [
        {
            "ApplyServerSideEncryptionByDefault": {
                "SSEAlgorithm": "aws:kms",
                "KMSMasterKeyID": archive.key()["Arn"],
            },
            "BucketKeyEnabled": True,
        }
    ]


def test_bucket_is_versioned_private_and_owner_enforced(archive):
    s3 = archive.client("s3")
    assert s3.get_bucket_versioning(Bucket=archive.bucket)["Status"] == "Enabled"
    block = s3.get_public_access_block(Bucket=archive.bucket)["PublicAccessBlockConfiguration"]
    assert block == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }
    ownership = s3.get_bucket_ownership_controls(Bucket=archive.bucket)["OwnershipControls"]
    assert ownership["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]


def test_bucket_aborts_incomplete_uploads_and_carries_the_tags(archive):
    s3 = archive.client("s3")
    rules = s3.get_bucket_lifecycle_configuration(Bucket=archive.bucket)["Rules"]
    [rule] = [r for r in rules if r["ID"] == "abort-incomplete-multipart-uploads"]
    assert rule["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 7}
    assert rule["Status"] == "Enabled"
    tags = {t["Key"]: t["Value"] for t in s3.get_bucket_tagging(Bucket=archive.bucket)["TagSet"]}
    assert tags == archive.default_tags


def test_primary_key_is_multi_region_rotating_and_has_the_home_policy(archive):
    kms = archive.client("kms")
    key = archive.key()
    assert key["MultiRegion"] is True
    assert key["KeyState"] == "Enabled"
    config = key["MultiRegionConfiguration"]
    assert config["MultiRegionKeyType"] == "PRIMARY"
    assert sorted(r["Region"] for r in config["ReplicaKeys"]) == sorted(REPLICA_REGIONS)
    assert kms.get_key_rotation_status(KeyId=key["KeyId"])["KeyRotationEnabled"] is True
    policy = json.loads(kms.get_key_policy(KeyId=key["KeyId"], PolicyName="default")["Policy"])
    assert policy == archive.expected_key_policy(HOME_REGION)
    tags = kms.list_resource_tags(KeyId=key["KeyId"])["Tags"]
    assert {t["TagKey"]: t["TagValue"] for t in tags} == {
        **archive.default_tags,
        **JUST_IN_TIME_TAG,
    }


@pytest.mark.parametrize("region", REPLICA_REGIONS)
def test_replica_key_has_its_regions_policy_and_the_tags(archive, region):
    kms = archive.client("kms", region)
    replica = archive.key(region)
    assert replica["Arn"] == archive.key()["Arn"].replace(HOME_REGION, region)
    assert replica["MultiRegionConfiguration"]["MultiRegionKeyType"] == "REPLICA"
    assert replica["MultiRegionConfiguration"]["PrimaryKey"]["Region"] == HOME_REGION
    assert replica["KeyState"] == "Enabled"
    policy = json.loads(kms.get_key_policy(KeyId=replica["KeyId"], PolicyName="default")["Policy"])
    assert policy == archive.expected_key_policy(region)
    tags = kms.list_resource_tags(KeyId=replica["KeyId"])["Tags"]
    assert {t["TagKey"]: t["TagValue"] for t in tags} == {
        **archive.default_tags,
        **JUST_IN_TIME_TAG,
    }
