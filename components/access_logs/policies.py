"""Bucket policy of the bucket that receives the archive buckets' server access logs."""

from __future__ import annotations

from collections.abc import Sequence

from components.iam_policy import (
    PolicyDocument,
    deny_requests_without_tls_statement,
    policy_document,
)

LOGGING_SERVICE = "logging.s3.amazonaws.com"


def access_log_bucket_policy_document(
    *, bucket_name: str, account_id: str, source_bucket_arns: Sequence[str]
) -> PolicyDocument:
    bucket_arn = f"arn:aws:s3:::{bucket_name}"
    return policy_document(
        deny_requests_without_tls_statement(bucket_arn),
        _s3_writes_the_archive_buckets_logs(bucket_arn, account_id, source_bucket_arns),
    )


def _s3_writes_the_archive_buckets_logs(
    bucket_arn: str, account_id: str, source_bucket_arns: Sequence[str]
) -> dict:
    # The logging service principal, limited to the source buckets and their
    # account (S3 user guide, "Permissions for log delivery").
    return {
        "Sid": "S3WritesArchiveAccessLogs",
        "Effect": "Allow",
        "Principal": {"Service": LOGGING_SERVICE},
        "Action": "s3:PutObject",
        "Resource": f"{bucket_arn}/*",
        "Condition": {
            "ArnLike": {"aws:SourceArn": list(source_bucket_arns)},
            "StringEquals": {"aws:SourceAccount": account_id},
        },
    }
