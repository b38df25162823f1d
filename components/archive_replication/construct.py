"""Live replication of the central bucket into its Object Lock replica.

Why a replica and not a lock on the central bucket itself: a PutObject into
a bucket with a default retention must carry Content-MD5 or an
x-amz-checksum header (S3 user guide, "Using S3 Object Lock", Object Lock
considerations), and neither the Firehose nor the Fleet Manager
documentation says whether those writers send one. Replicating into a
locked bucket leaves both writers as they are, which is also what AWS
Landing Zone Accelerator's maintainers advised for their central log bucket
(awslabs/landing-zone-accelerator-on-aws PR #137). docs/archive.md has the
details and what only real AWS can prove.
"""

from __future__ import annotations

from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_aws.s3_bucket_replication_configuration import (
    S3BucketReplicationConfigurationA,
    S3BucketReplicationConfigurationRule,
    S3BucketReplicationConfigurationRuleDeleteMarkerReplication,
    S3BucketReplicationConfigurationRuleDestination,
    S3BucketReplicationConfigurationRuleDestinationEncryptionConfiguration,
    S3BucketReplicationConfigurationRuleFilter,
    S3BucketReplicationConfigurationRuleSourceSelectionCriteria,
    S3BucketReplicationConfigurationRuleSourceSelectionCriteriaSseKmsEncryptedObjects,
)
from constructs import Construct

from components.archive_replication.policies import (
    replication_permissions_document,
    replication_trust_document,
)
from components.central_bucket.construct import CentralLogBucket
from components.iam_policy import render_policy


class LockedReplication(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        provider: AwsProvider,
        source: CentralLogBucket,
        destination: CentralLogBucket,
        key_arn: str,
        role_name: str,
        account_id: str,
        region: str,
    ) -> None:
        super().__init__(scope, id)
        role = IamRole(
            self,
            "role",
            provider=provider,
            name=role_name,
            assume_role_policy=render_policy(replication_trust_document(account_id=account_id)),
        )
        IamRolePolicy(
            self,
            "role-policy",
            provider=provider,
            role=role.id,
            name="replicate-to-locked-archive",
            policy=render_policy(
                replication_permissions_document(
                    source_bucket=source.name,
                    destination_bucket=destination.name,
                    key_arn=key_arn,
                    region=region,
                )
            ),
        )
        S3BucketReplicationConfigurationA(
            self,
            "configuration",
            provider=provider,
            bucket=source.bucket.id,
            role=role.arn,
            rule=[
                S3BucketReplicationConfigurationRule(
                    id="everything-to-the-locked-archive",
                    status="Enabled",
                    filter=S3BucketReplicationConfigurationRuleFilter(prefix=""),
                    delete_marker_replication=(
                        S3BucketReplicationConfigurationRuleDeleteMarkerReplication(
                            status="Disabled"
                        )
                    ),
                    # SSE-KMS objects replicate only when the rule says so,
                    # and they are encrypted again with the replica's key.
                    source_selection_criteria=S3BucketReplicationConfigurationRuleSourceSelectionCriteria(
                        sse_kms_encrypted_objects=S3BucketReplicationConfigurationRuleSourceSelectionCriteriaSseKmsEncryptedObjects(
                            status="Enabled"
                        )
                    ),
                    destination=S3BucketReplicationConfigurationRuleDestination(
                        bucket=destination.arn,
                        encryption_configuration=S3BucketReplicationConfigurationRuleDestinationEncryptionConfiguration(
                            replica_kms_key_id=key_arn
                        ),
                    ),
                )
            ],
            # S3 refuses a replication configuration before both buckets are versioned.
            depends_on=[source.versioning, destination.versioning],
        )
