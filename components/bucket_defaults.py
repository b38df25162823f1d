"""What every bucket of the project has, as a construct its buckets build on.

Kept from destroy, versioned, no public access, the bucket owner owning
every object, default encryption, a lifecycle configuration that waits for
versioning, and a bucket policy.
"""

from __future__ import annotations

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket
from cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration import (
    S3BucketLifecycleConfiguration,
    S3BucketLifecycleConfigurationRule,
)
from cdktf_cdktf_provider_aws.s3_bucket_ownership_controls import (
    S3BucketOwnershipControls,
    S3BucketOwnershipControlsRule,
)
from cdktf_cdktf_provider_aws.s3_bucket_policy import S3BucketPolicy
from cdktf_cdktf_provider_aws.s3_bucket_public_access_block import S3BucketPublicAccessBlock
from cdktf_cdktf_provider_aws.s3_bucket_server_side_encryption_configuration import (
    S3BucketServerSideEncryptionConfigurationA,
    S3BucketServerSideEncryptionConfigurationRuleA,
    S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA,
)
from cdktf_cdktf_provider_aws.s3_bucket_versioning import (
    S3BucketVersioningA,
    S3BucketVersioningVersioningConfiguration,
)
from constructs import Construct

from components.iam_policy import PolicyDocument, render_policy
from synth.named_stack import DEFAULT_CHILD


def encrypted_with_key(key_arn: str) -> S3BucketServerSideEncryptionConfigurationRuleA:
    """SSE-KMS with the key, and a bucket key: one KMS request per bucket key, not per object."""
    return S3BucketServerSideEncryptionConfigurationRuleA(
        apply_server_side_encryption_by_default=(
            S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA(
                sse_algorithm="aws:kms", kms_master_key_id=key_arn
            )
        ),
        bucket_key_enabled=True,
    )


class KeptBucket(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        provider: AwsProvider,
        name: str,
        encryption: S3BucketServerSideEncryptionConfigurationRuleA,
        policy: PolicyDocument,
        lifecycle_rules: list[S3BucketLifecycleConfigurationRule],
        object_lock_enabled: bool = False,
    ) -> None:
        super().__init__(scope, id)
        self.bucket = S3Bucket(
            self,
            DEFAULT_CHILD,
            provider=provider,
            bucket=name,
            # Object Lock can only be switched on when a bucket is created here.
            object_lock_enabled=True if object_lock_enabled else None,
            lifecycle=TerraformResourceLifecycle(prevent_destroy=True),
        )
        self.name: str = self.bucket.bucket
        self.arn: str = self.bucket.arn
        bucket_id = self.bucket.id
        S3BucketPublicAccessBlock(
            self,
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
            self,
            "ownership",
            provider=provider,
            bucket=bucket_id,
            rule=S3BucketOwnershipControlsRule(object_ownership="BucketOwnerEnforced"),
        )
        self.versioning = S3BucketVersioningA(
            self,
            "versioning",
            provider=provider,
            bucket=bucket_id,
            versioning_configuration=S3BucketVersioningVersioningConfiguration(status="Enabled"),
        )
        S3BucketServerSideEncryptionConfigurationA(
            self, "encryption", provider=provider, bucket=bucket_id, rule=[encryption]
        )
        S3BucketLifecycleConfiguration(
            self,
            "lifecycle",
            provider=provider,
            bucket=bucket_id,
            rule=lifecycle_rules,
            # A lifecycle configuration applies to versions only once versioning is on.
            depends_on=[self.versioning],
        )
        self.policy = S3BucketPolicy(
            self, "policy", provider=provider, bucket=bucket_id, policy=render_policy(policy)
        )
