"""Key policy of the central session log key and of each of its regional replicas.

Each multi-Region key (primary or replica) has its own policy and serves its own
region, so every service statement names the regional endpoint it applies to.
docs/decisions/policies.md explains each statement against the AWS
documentation, and where it differs from the original article's key policy.
"""

from __future__ import annotations

from components.iam_policy import (
    CLOUDWATCH_LOGS_KEY_ACTIONS,
    GUICONNECT_SERVICE,
    SESSION_ENCRYPTION_CONTEXT_PRESENT,
    PolicyDocument,
    policy_document,
)

ACCOUNT_ADMINISTERS_KEY = "AccountAdministersKey"


def session_log_key_policy_document(
    *,
    account_id: str,
    organization_id: str,
    region: str,
    log_group_prefixes: list[str],
    bucket_name: str,
    replica_bucket_name: str | None,
    bucket_region: str,
    encrypts_session_data: bool,
) -> PolicyDocument:
    statements = [
        _account_administers_key(account_id),
        _organization_grants_only_through_guiconnect(organization_id, region),
        _cloudwatch_logs_encrypts_session_log_groups(region, log_group_prefixes),
        _organization_uses_key_through_cloudwatch_logs(organization_id, region),
    ]
    if region == bucket_region:
        archive_buckets = [bucket_name] + ([replica_bucket_name] if replica_bucket_name else [])
        statements.append(_s3_encrypts_central_bucket(account_id, region, archive_buckets))
        statements.append(_guiconnect_writes_recordings(organization_id, region, bucket_name))
        statements.append(_cloudwatch_alarms_publish_encrypted(account_id))
    if encrypts_session_data:
        statements.append(_organization_encrypts_session_data(organization_id))
    return policy_document(*statements)


def _account_administers_key(account_id: str) -> dict:
    # Without this statement IAM policies cannot grant access to the key and the
    # key becomes unmanageable (KMS "default key policy").
    return {
        "Sid": ACCOUNT_ADMINISTERS_KEY,
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
        "Action": "kms:*",
        "Resource": "*",
    }


def _guiconnect_writes_recordings(organization_id: str, region: str, bucket_name: str) -> dict:
    # ssm-guiconnect uses the key only through S3, when it writes a recording
    # to the SSE-KMS bucket (Systems Manager guide, "Recording RDP
    # connections", whose example scopes it with kms:ViaService): so only the
    # bucket region's key, and only for the bucket (bucket key: the context
    # is the bucket ARN). Its use of the preferences' key, in every region,
    # rides on the grant the caller creates (the statement below).
    bucket_arn = f"arn:aws:s3:::{bucket_name}"
    return {
        "Sid": "GuiConnectWritesRdpRecordings",
        "Effect": "Allow",
        "Principal": {"Service": GUICONNECT_SERVICE},
        "Action": "kms:GenerateDataKey",
        "Resource": "*",
        "Condition": {
            "StringEquals": {
                "aws:SourceOrgID": organization_id,
                "kms:ViaService": f"s3.{region}.amazonaws.com",
            },
            "ArnLike": {"kms:EncryptionContext:aws:s3:arn": [bucket_arn, f"{bucket_arn}/*"]},
        },
    }


def _organization_grants_only_through_guiconnect(organization_id: str, region: str) -> dict:
    # The original article let any principal of the organization create grants for any
    # purpose; recording only needs grants that ssm-guiconnect asks for.
    return {
        "Sid": "OrganizationGrantsOnlyThroughGuiConnect",
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": "kms:CreateGrant",
        "Resource": "*",
        "Condition": {
            "StringEquals": {
                "aws:PrincipalOrgID": organization_id,
                "kms:ViaService": f"ssm-guiconnect.{region}.amazonaws.com",
            },
        },
    }


def _cloudwatch_logs_encrypts_session_log_groups(
    region: str, log_group_prefixes: list[str]
) -> dict:
    # Member log groups live in many accounts, hence the account wildcard; the
    # encryption context still limits the key to the session log groups and
    # the logs of the project's own functions and streams.
    return {
        "Sid": "CloudWatchLogsEncryptsSessionLogGroups",
        "Effect": "Allow",
        "Principal": {"Service": f"logs.{region}.amazonaws.com"},
        "Action": CLOUDWATCH_LOGS_KEY_ACTIONS,
        "Resource": "*",
        "Condition": {
            "ArnLike": {
                "kms:EncryptionContext:aws:logs:arn": [
                    log_group_arns(region, prefix) for prefix in log_group_prefixes
                ]
            },
        },
    }


def _organization_uses_key_through_cloudwatch_logs(organization_id: str, region: str) -> dict:
    # CloudWatch Logs also checks that whoever calls it (the agent writing
    # session logs, CloudFormation creating the group, people reading it) may
    # use the key through CloudWatch Logs; the original article did not allow that. Which
    # log groups may use the key is limited by the statement above.
    return {
        "Sid": "OrganizationUsesKeyThroughCloudWatchLogs",
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": CLOUDWATCH_LOGS_KEY_ACTIONS,
        "Resource": "*",
        "Condition": {
            "StringEquals": {
                "aws:PrincipalOrgID": organization_id,
                "kms:ViaService": f"logs.{region}.amazonaws.com",
            },
        },
    }


def log_group_arns(region: str, log_group_prefix: str) -> str:
    """Every account's log groups whose names start with the prefix, in one region."""
    return f"arn:aws:logs:{region}:*:log-group:{log_group_prefix}*"


def _organization_encrypts_session_data(organization_id: str) -> dict:
    # Session Manager's session encryption (kmsKeyId): the user starting a
    # session needs kms:GenerateDataKey, the managed node kms:Decrypt (Systems
    # Manager guide, "Turn on KMS key encryption of session data"). Both call
    # KMS directly, so no kms:ViaService applies; but both name the session
    # and its target as encryption context (amazon-ssm-agent,
    # agent/session/crypto/blockcipher.go; session-manager-plugin's data
    # channel), so the key serves session data and nothing else.
    return {
        "Sid": "OrganizationEncryptsSessionData",
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
        "Resource": "*",
        "Condition": {
            "StringEquals": {"aws:PrincipalOrgID": organization_id},
            "Null": SESSION_ENCRYPTION_CONTEXT_PRESENT,
        },
    }


def _cloudwatch_alarms_publish_encrypted(account_id: str) -> dict:
    # An alarm publishing to a topic encrypted with a customer managed key
    # needs these two on the key (SNS developer guide, "Configuring AWS KMS
    # permissions", CloudWatch among the services listed), for this
    # account's alarms only.
    return {
        "Sid": "CloudWatchAlarmsPublishToEncryptedTopic",
        "Effect": "Allow",
        "Principal": {"Service": "cloudwatch.amazonaws.com"},
        "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
    }


def _s3_encrypts_central_bucket(account_id: str, region: str, bucket_names: list[str]) -> dict:
    # Lets principals of the log archive account that may read or write the
    # bucket (and its locked replica) use the key through S3 for those buckets
    # only. With an S3 Bucket Key the encryption context is the bucket ARN
    # rather than the object ARN.
    arns = [f"arn:aws:s3:::{name}" for name in bucket_names]
    return {
        "Sid": "S3EncryptsCentralBucket",
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
        "Resource": "*",
        "Condition": {
            "StringEquals": {
                "kms:CallerAccount": account_id,
                "kms:ViaService": f"s3.{region}.amazonaws.com",
            },
            "ArnLike": {
                "kms:EncryptionContext:aws:s3:arn": [
                    pattern for arn in arns for pattern in (arn, f"{arn}/*")
                ],
            },
        },
    }
