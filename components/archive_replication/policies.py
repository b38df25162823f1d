"""The replication role's policies: copy every new object version into the locked replica.

The permissions are those of the S3 user guide's "Setting up permissions for
live replication" and, for SSE-KMS objects, "Replicating encrypted objects":
the role reads versions with their retention and legal hold from the source,
replicates them into the destination, and uses the key only through S3.
"""

from __future__ import annotations

from components.iam_policy import PolicyDocument, policy_document

S3_SERVICE = "s3.amazonaws.com"


def replication_trust_document(*, account_id: str) -> PolicyDocument:
    return policy_document(
        {
            "Sid": "S3ReplicatesForThisAccount",
            "Effect": "Allow",
            "Principal": {"Service": S3_SERVICE},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
        }
    )


def replication_permissions_document(
    *, source_bucket: str, destination_bucket: str, key_arn: str, region: str
) -> PolicyDocument:
    return policy_document(
        _read_replication_configuration(source_bucket),
        _read_source_versions(source_bucket),
        _write_replicas(destination_bucket),
        _use_key_through_s3(key_arn, region),
    )


def _read_replication_configuration(bucket: str) -> dict:
    return {
        "Sid": "ReadReplicationConfiguration",
        "Effect": "Allow",
        "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"],
        "Resource": f"arn:aws:s3:::{bucket}",
    }


def _read_source_versions(bucket: str) -> dict:
    return {
        "Sid": "ReadSourceVersions",
        "Effect": "Allow",
        "Action": [
            "s3:GetObjectLegalHold",
            "s3:GetObjectRetention",
            "s3:GetObjectVersionAcl",
            "s3:GetObjectVersionForReplication",
            "s3:GetObjectVersionTagging",
        ],
        "Resource": f"arn:aws:s3:::{bucket}/*",
    }


def _write_replicas(bucket: str) -> dict:
    # No s3:ReplicateDelete: delete markers stay in the source (the rule
    # does not replicate them), and the replica keeps every version.
    return {
        "Sid": "WriteReplicas",
        "Effect": "Allow",
        "Action": ["s3:ReplicateObject", "s3:ReplicateTags"],
        "Resource": f"arn:aws:s3:::{bucket}/*",
    }


def _use_key_through_s3(key_arn: str, region: str) -> dict:
    # One key for both buckets, in one region: decrypt the source's objects
    # and encrypt the replicas, only as S3 does it on the role's behalf.
    return {
        "Sid": "UseArchiveKeyThroughS3",
        "Effect": "Allow",
        "Action": ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
        "Resource": key_arn,
        "Condition": {"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}},
    }
