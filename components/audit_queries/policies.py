"""Bucket policy of the Athena query results bucket."""

from __future__ import annotations

from components.iam_policy import (
    PolicyDocument,
    deny_requests_without_tls_statement,
    policy_document,
)


def query_results_bucket_policy_document(*, bucket_name: str) -> PolicyDocument:
    """Only TLS, like the locked replica: no service principal writes here.

    Athena users "must be allowed to perform particular AWS KMS actions in
    addition to Athena and Amazon S3 permissions" ("Encryption at rest",
    https://docs.aws.amazon.com/athena/latest/ug/encryption.html): who may
    run queries and read results is IAM's to say, in the log archive account,
    and the key policy already lets IAM grant the key (docs/audit-queries.md).
    """
    return policy_document(deny_requests_without_tls_statement(f"arn:aws:s3:::{bucket_name}"))
