"""The central bucket that receives session logs and RDP recordings, and its locked replica."""

from __future__ import annotations

from dataclasses import dataclass

from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration import (
    S3BucketLifecycleConfigurationRule,
)
from cdktf_cdktf_provider_aws.s3_bucket_logging import (
    S3BucketLoggingA,
    S3BucketLoggingTargetObjectKeyFormat,
    S3BucketLoggingTargetObjectKeyFormatPartitionedPrefix,
)
from cdktf_cdktf_provider_aws.s3_bucket_notification import S3BucketNotification
from cdktf_cdktf_provider_aws.s3_bucket_object_lock_configuration import (
    S3BucketObjectLockConfigurationA,
    S3BucketObjectLockConfigurationRuleA,
    S3BucketObjectLockConfigurationRuleDefaultRetentionA,
)
from constructs import Construct

from components.bucket_defaults import KeptBucket, encrypted_with_key
from components.iam_policy import PolicyDocument


@dataclass(frozen=True)
class ObjectLock:
    """The default retention of every object version (S3 user guide, "Locking objects with Object Lock")."""

    mode: str
    days: int


@dataclass(frozen=True)
class AccessLogTarget:
    """Where S3 server access logging writes this bucket's log: a bucket and a prefix of its own."""

    bucket: str
    prefix: str


class CentralLogBucket(KeptBucket):
    """A versioned, SSE-KMS encrypted, never public bucket that Terraform will not destroy.

    It logs every request to `access_logs`, announces new objects to
    EventBridge, and with `object_lock` keeps every version immutable for
    that long.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        provider: AwsProvider,
        name: str,
        key_arn: str,
        policy: PolicyDocument,
        lifecycle_rules: list[S3BucketLifecycleConfigurationRule],
        access_logs: AccessLogTarget,
        object_lock: ObjectLock | None = None,
    ) -> None:
        super().__init__(
            scope,
            id,
            provider=provider,
            name=name,
            encryption=encrypted_with_key(key_arn),
            policy=policy,
            lifecycle_rules=lifecycle_rules,
            object_lock_enabled=object_lock is not None,
        )
        self._log_requests(provider, access_logs)
        # Free for every S3 event delivered to the default bus; rules there
        # pick what a SIEM wants (S3 user guide, "Using EventBridge").
        S3BucketNotification(
            self, "eventbridge", provider=provider, bucket=self.bucket.id, eventbridge=True
        )
        if object_lock:
            self._lock(provider, object_lock)

    def _log_requests(self, provider: AwsProvider, target: AccessLogTarget) -> None:
        # Log objects under <account>/<region>/<bucket>/yyyy/mm/dd/ by the
        # time of the request (S3 user guide, "Log object key format").
        S3BucketLoggingA(
            self,
            "access-logging",
            provider=provider,
            bucket=self.bucket.id,
            target_bucket=target.bucket,
            target_prefix=target.prefix,
            target_object_key_format=S3BucketLoggingTargetObjectKeyFormat(
                partitioned_prefix=S3BucketLoggingTargetObjectKeyFormatPartitionedPrefix(
                    partition_date_source="EventTime"
                )
            ),
        )

    def _lock(self, provider: AwsProvider, lock: ObjectLock) -> None:
        S3BucketObjectLockConfigurationA(
            self,
            "object-lock",
            provider=provider,
            bucket=self.bucket.id,
            rule=S3BucketObjectLockConfigurationRuleA(
                default_retention=S3BucketObjectLockConfigurationRuleDefaultRetentionA(
                    mode=lock.mode, days=lock.days
                )
            ),
            depends_on=[self.versioning],
        )
