"""Bucket policies of the central session log bucket and of its locked replica."""

from __future__ import annotations

from components.iam_policy import (
    GUICONNECT_SERVICE,
    PolicyDocument,
    deny_requests_without_tls_statement,
    policy_document,
)


def central_bucket_policy_document(*, bucket_name: str, organization_id: str) -> PolicyDocument:
    bucket_arn = f"arn:aws:s3:::{bucket_name}"
    resources = [bucket_arn, f"{bucket_arn}/*"]
    return policy_document(
        deny_requests_without_tls_statement(bucket_arn),
        {
            "Sid": "GuiConnectWritesRdpRecordings",
            "Effect": "Allow",
            "Principal": {"Service": GUICONNECT_SERVICE},
            "Action": "s3:PutObject",
            "Resource": resources,
            "Condition": {"StringEquals": {"aws:SourceOrgID": organization_id}},
        },
    )


def locked_bucket_policy_document(*, bucket_name: str) -> PolicyDocument:
    """Only the replication role writes the replica, through IAM; the policy only requires TLS."""
    bucket_arn = f"arn:aws:s3:::{bucket_name}"
    return policy_document(deny_requests_without_tls_statement(bucket_arn))
