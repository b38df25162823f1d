"""What every bucket of the project has: versioning, no public access, the bucket owner owning every object."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_aws.s3_bucket_ownership_controls import (
    S3BucketOwnershipControls,
    S3BucketOwnershipControlsRule,
)
from cdktf_cdktf_provider_aws.s3_bucket_public_access_block import S3BucketPublicAccessBlock
from cdktf_cdktf_provider_aws.s3_bucket_versioning import (
    S3BucketVersioningA,
    S3BucketVersioningVersioningConfiguration,
)
from constructs import Construct


def bucket_defaults(
    scope: Construct, *, provider: AwsProvider, bucket_id: str
) -> S3BucketVersioningA:
    """Adds the three to `scope`; returns the versioning, which lifecycle and replication wait for."""
    S3BucketPublicAccessBlock(
        scope,
        "public-access-block",
        provider=provider,
        bucket=bucket_id,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
    )
    # ACLs off: only policies grant access, S3's log delivery included.
    S3BucketOwnershipControls(
        scope,
        "ownership",
        provider=provider,
        bucket=bucket_id,
        rule=S3BucketOwnershipControlsRule(object_ownership="BucketOwnerEnforced"),
    )
    return S3BucketVersioningA(
        scope,
        "versioning",
        provider=provider,
        bucket=bucket_id,
        versioning_configuration=S3BucketVersioningVersioningConfiguration(status="Enabled"),
    )
