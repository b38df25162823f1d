"""Policy as data: the helpers and constants every component's policies.py shares.

Each component keeps its own policies in its folder (`policies.py`), one
statement per function with a Sid and the source it rests on. Helpers say what
they return by their name: `*_statement` one statement, `*_statements` a list
of them, `*_document` a whole policy document.
"""

import json

PolicyDocument = dict

# Service principals, as the services' own guides name them.
FIREHOSE_SERVICE = "firehose.amazonaws.com"
GUICONNECT_SERVICE = "ssm-guiconnect.amazonaws.com"
LAMBDA_SERVICE = "lambda.amazonaws.com"
# Session Manager encrypts session data under a data key whose encryption
# context names the session and its target (amazon-ssm-agent,
# agent/session/crypto/blockcipher.go): a `Null` condition block that
# requires both keys.
SESSION_ENCRYPTION_CONTEXT_PRESENT = {
    "kms:EncryptionContext:aws:ssm:SessionId": "false",
    "kms:EncryptionContext:aws:ssm:TargetId": "false",
}
# The actions the CloudWatch Logs user guide lists for encrypting a log group
# ("Encrypt log data in CloudWatch Logs using AWS KMS").
CLOUDWATCH_LOGS_KEY_ACTIONS = [
    "kms:Decrypt",
    "kms:Describe*",
    "kms:Encrypt",
    "kms:GenerateDataKey*",
    "kms:ReEncrypt*",
]


def render_policy(document: PolicyDocument) -> str:
    """Deterministic JSON, so Terraform plans show only real policy changes."""
    return json.dumps(document, indent=2, sort_keys=True)


def policy_document(*statements: dict) -> PolicyDocument:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def deny_requests_without_tls_statement(bucket_arn: str) -> dict:
    """Every request to the bucket and its objects over TLS (S3 user guide, "Security best practices")."""
    return {
        "Sid": "DenyRequestsWithoutTls",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [bucket_arn, f"{bucket_arn}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def lambda_role_trust_document() -> PolicyDocument:
    """What every function role of the log archive account trusts."""
    return policy_document(
        {
            "Sid": "LambdaRunsTheFunction",
            "Effect": "Allow",
            "Principal": {"Service": LAMBDA_SERVICE},
            "Action": "sts:AssumeRole",
        }
    )


def lambda_logging_permissions_document(*, log_group_arn: str) -> PolicyDocument:
    return policy_document(
        {
            "Sid": "WriteOwnLogs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": f"{log_group_arn}:*",
        }
    )
