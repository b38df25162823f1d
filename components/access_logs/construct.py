"""The bucket that records who read and wrote the archive: S3 server access logs.

Server access logs rather than CloudTrail data events: they need no trail,
cost only their storage, and also record requests that failed
authentication, which CloudTrail does not (S3 user guide, "Logging options
for Amazon S3"). Their delivery is best effort, within hours; an
organization trail with S3 data events for these buckets adds integrity
validation and five-minute delivery, at a price per event (docs/archive.md).
A log destination must not have an Object Lock default retention and takes
only SSE-S3 (S3 user guide, "Enabling Amazon S3 server access logging").
"""

from __future__ import annotations

from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration import (
    S3BucketLifecycleConfigurationRule,
)
from cdktf_cdktf_provider_aws.s3_bucket_server_side_encryption_configuration import (
    S3BucketServerSideEncryptionConfigurationRuleA,
    S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA,
)
from constructs import Construct

from components.bucket_defaults import KeptBucket
from components.iam_policy import PolicyDocument


class AccessLogBucket(KeptBucket):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        provider: AwsProvider,
        name: str,
        policy: PolicyDocument,
        lifecycle_rules: list[S3BucketLifecycleConfigurationRule],
    ) -> None:
        super().__init__(
            scope,
            id,
            provider=provider,
            name=name,
            encryption=S3BucketServerSideEncryptionConfigurationRuleA(
                apply_server_side_encryption_by_default=(
                    S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA(
                        sse_algorithm="AES256"
                    )
                )
            ),
            policy=policy,
            lifecycle_rules=lifecycle_rules,
        )
        # The name as the policy's attribute, so that a bucket logging here
        # is set up only once the policy lets S3 deliver its logs.
        self.name = self.policy.bucket
