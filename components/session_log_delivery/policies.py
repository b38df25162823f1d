"""Policies of the session log delivery: CloudWatch Logs destinations, their role, Firehose.

docs/decisions/delivery.md gives the AWS documentation behind each statement.
"""

from __future__ import annotations

from components.iam_policy import (
    FIREHOSE_SERVICE,
    PolicyDocument,
    policy_document,
)


def destination_access_policy_document(
    *, destination_arn: str, organization_id: str
) -> PolicyDocument:
    """Any account of the organization may subscribe its log groups, and nothing else."""
    return policy_document(
        {
            "Sid": "OrganizationSubscribes",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "logs:PutSubscriptionFilter",
            "Resource": destination_arn,
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": organization_id}},
        }
    )


def destination_role_trust_document(*, region: str, organization_id: str) -> PolicyDocument:
    # CloudWatch Logs of the destination's region assumes the role, for senders
    # anywhere in the organization (aws:SourceOrgID) and only from this region's
    # log groups and destinations (aws:SourceArn, the documented confused-deputy key).
    return policy_document(
        {
            "Sid": "CloudWatchLogsOfTheRegionDelivers",
            "Effect": "Allow",
            "Principal": {"Service": f"logs.{region}.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {
                "StringEquals": {"aws:SourceOrgID": organization_id},
                "StringLike": {"aws:SourceArn": f"arn:aws:logs:{region}:*:*"},
            },
        }
    )


def destination_role_permissions_document(*, delivery_stream_arns: list[str]) -> PolicyDocument:
    # The guide's example allows firehose:* on every stream; putting records
    # into the region's own streams is all CloudWatch Logs does.
    return policy_document(
        {
            "Sid": "PutRecordsIntoTheRegionsStreams",
            "Effect": "Allow",
            "Action": ["firehose:PutRecord", "firehose:PutRecordBatch"],
            "Resource": delivery_stream_arns,
        }
    )


def firehose_role_trust_document(*, account_id: str) -> PolicyDocument:
    return policy_document(
        {
            "Sid": "FirehoseOfThisAccountDelivers",
            "Effect": "Allow",
            "Principal": {"Service": FIREHOSE_SERVICE},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": account_id}},
        }
    )


def firehose_role_permissions_document(
    *,
    bucket_name: str,
    bucket_region: str,
    folders: list[str],
    key_arn: str,
    processor_arn: str,
    log_group_arn: str,
) -> PolicyDocument:
    bucket_arn = f"arn:aws:s3:::{bucket_name}"
    return policy_document(
        {
            "Sid": "FindTheBucket",
            "Effect": "Allow",
            "Action": ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
            "Resource": bucket_arn,
        },
        {
            "Sid": "WriteSessionLogObjects",
            "Effect": "Allow",
            "Action": ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"],
            "Resource": [f"{bucket_arn}/{folder}/*" for folder in folders],
        },
        {
            # With an S3 Bucket Key the encryption context is the bucket ARN,
            # not the object ARN the Firehose guide's example matches.
            "Sid": "EncryptThroughS3ForTheBucket",
            "Effect": "Allow",
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            "Resource": key_arn,
            "Condition": {
                "StringEquals": {
                    "kms:ViaService": f"s3.{bucket_region}.amazonaws.com",
                    "kms:EncryptionContext:aws:s3:arn": bucket_arn,
                }
            },
        },
        {
            "Sid": "TransformWithTheProcessor",
            "Effect": "Allow",
            "Action": ["lambda:GetFunctionConfiguration", "lambda:InvokeFunction"],
            "Resource": [processor_arn, f"{processor_arn}:*"],
        },
        {
            "Sid": "ReportDeliveryErrors",
            "Effect": "Allow",
            "Action": "logs:PutLogEvents",
            "Resource": f"{log_group_arn}:log-stream:*",
        },
    )
