"""Bucket policy of the central session log bucket."""

from __future__ import annotations

from components.iam_policy import GUICONNECT_SERVICE, PolicyDocument, policy_document


def central_bucket_policy_document(*, bucket_name: str, organization_id: str) -> PolicyDocument:
    bucket_arn = f"arn:aws:s3:::{bucket_name}"
    resources = [bucket_arn, f"{bucket_arn}/*"]
    return policy_document(
        {
            "Sid": "DenyRequestsWithoutTls",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": resources,
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
        {
            "Sid": "GuiConnectWritesRdpRecordings",
            "Effect": "Allow",
            "Principal": {"Service": GUICONNECT_SERVICE},
            "Action": "s3:PutObject",
            "Resource": resources,
            "Condition": {"StringEquals": {"aws:SourceOrgID": organization_id}},
        },
    )
