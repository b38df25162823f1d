"""IAM policy documents of the member template.

Values are CloudFormation expressions (the template builder passes Ref, Sub and
GetAtt values in), so the same functions serve every account and region.
docs/decisions/member-template.md gives the AWS documentation behind each statement.
"""

from __future__ import annotations

from dataclasses import dataclass

from components.iam_policy import (
    CLOUDWATCH_LOGS_KEY_ACTIONS,
    SESSION_ENCRYPTION_CONTEXT_PRESENT,
    PolicyDocument,
    policy_document,
)

Expression = str | dict


@dataclass(frozen=True)
class S3LoggingTarget:
    """Where Session Manager uploads session logs, as template expressions."""

    bucket_arn: Expression
    objects_arn: Expression
    kms_key_arn: Expression | None


# CloudWatch Logs of the stack's region, and of any region for the policies
# that serve every region.
REGIONAL_LOGS_SERVICE = {"Fn::Sub": "logs.${AWS::Region}.amazonaws.com"}
ANY_REGION_LOGS_SERVICE = "logs.*.amazonaws.com"


def use_key_through_cloudwatch_logs_statement(
    *, sid: str, key_arn: Expression, any_region: bool = False
) -> dict:
    # CloudWatch Logs checks that its caller may use the group's key through
    # CloudWatch Logs (CloudWatch Logs user guide, "Encrypt log data using AWS KMS").
    via = (
        {"StringLike": {"kms:ViaService": ANY_REGION_LOGS_SERVICE}}
        if any_region
        else {"StringEquals": {"kms:ViaService": REGIONAL_LOGS_SERVICE}}
    )
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Action": CLOUDWATCH_LOGS_KEY_ACTIONS,
        "Resource": key_arn,
        "Condition": via,
    }


def instance_policy_document(
    *,
    log_groups_arn: Expression,
    key_arn: Expression,
    decrypts_session_data: bool,
    s3_logging: S3LoggingTarget | None,
) -> PolicyDocument:
    # One policy for every region of the account: `log_groups_arn` and
    # `key_arn` name the session log group and the key in any region.
    statements = [
        {
            # The agent checks the group's encryption before it streams.
            "Sid": "FindSessionLogGroup",
            "Effect": "Allow",
            "Action": "logs:DescribeLogGroups",
            "Resource": "*",
        },
        {
            "Sid": "WriteSessionLogStreams",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
            "Resource": log_groups_arn,
        },
        use_key_through_cloudwatch_logs_statement(
            sid="UseSessionLogKeyThroughCloudWatchLogs", key_arn=key_arn, any_region=True
        ),
    ]
    if decrypts_session_data:
        # The managed node decrypts session data with the session key
        # (Systems Manager guide, "Turn on KMS key encryption of session data").
        statements.append(
            {
                "Sid": "DecryptSessionData",
                "Effect": "Allow",
                "Action": "kms:Decrypt",
                "Resource": key_arn,
                "Condition": {"Null": SESSION_ENCRYPTION_CONTEXT_PRESENT},
            }
        )
    if s3_logging:
        statements += _s3_logging_statements(s3_logging)
    return policy_document(*statements)


def _s3_logging_statements(target: S3LoggingTarget) -> list[dict]:
    # Systems Manager guide, "Step 2: Verify or add instance permissions for
    # Session Manager": PutObject on the prefix, the bucket's encryption
    # setting, and PutObjectAcl for a bucket owned by another account.
    statements = [
        {
            "Sid": "UploadSessionLogs",
            "Effect": "Allow",
            "Action": ["s3:PutObject", "s3:PutObjectAcl"],
            "Resource": target.objects_arn,
        },
        {
            "Sid": "CheckSessionLogBucketEncryption",
            "Effect": "Allow",
            "Action": "s3:GetEncryptionConfiguration",
            "Resource": target.bucket_arn,
        },
    ]
    if target.kms_key_arn:
        statements.append(
            {
                "Sid": "EncryptSessionLogUploads",
                "Effect": "Allow",
                "Action": "kms:GenerateDataKey",
                "Resource": target.kms_key_arn,
            }
        )
    return statements


def session_user_policy_document(*, key_arn: Expression) -> PolicyDocument:
    # Whoever starts a session creates its data key (Systems Manager guide,
    # "Sample IAM policies for Session Manager").
    return policy_document(
        {
            "Sid": "EncryptSessionData",
            "Effect": "Allow",
            "Action": "kms:GenerateDataKey",
            "Resource": key_arn,
            "Condition": {"Null": SESSION_ENCRYPTION_CONTEXT_PRESENT},
        }
    )


def service_trust_document(service: Expression) -> PolicyDocument:
    return policy_document(
        {
            "Effect": "Allow",
            "Principal": {"Service": service},
            "Action": "sts:AssumeRole",
        }
    )


def subscription_role_permissions_document(*, log_group_arn: Expression) -> PolicyDocument:
    # CloudWatch Logs user guide, "Step 2: (Only if using an organization)
    # Create an IAM role": the permission the sender role carries.
    return policy_document(
        {
            "Sid": "ValidateTheSubscription",
            "Effect": "Allow",
            "Action": "logs:PutLogEvents",
            "Resource": log_group_arn,
        }
    )


def function_logging_statements(*, log_group_arn: Expression, key_arn: Expression) -> list[dict]:
    return [
        {
            "Sid": "WriteOwnLogs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": log_group_arn,
        },
        use_key_through_cloudwatch_logs_statement(
            sid="UseLogKeyThroughCloudWatchLogs", key_arn=key_arn
        ),
    ]


def write_session_preferences_statement(*, document_arn: Expression) -> dict:
    # Systems Manager guide, "Grant or deny a user or administrator permissions
    # to update Session Manager preferences", plus setting the default version
    # and deleting a document the handler created (session_preferences.py).
    return {
        "Sid": "WriteSessionPreferencesDocument",
        "Effect": "Allow",
        "Action": [
            "ssm:CreateDocument",
            "ssm:DeleteDocument",
            "ssm:DescribeDocument",
            "ssm:UpdateDocument",
            "ssm:UpdateDocumentDefaultVersion",
        ],
        "Resource": document_arn,
    }


def attach_instance_policy_statement(*, roles_arn: Expression, policy_arn: Expression) -> dict:
    # Any role, but only this policy: roles removed from the list must still
    # be detachable after the role's permissions have been updated.
    return {
        "Sid": "AttachOnlyTheInstancePolicy",
        "Effect": "Allow",
        "Action": ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
        "Resource": roles_arn,
        "Condition": {"ArnEquals": {"iam:PolicyARN": policy_arn}},
    }


def set_up_session_log_group_statement(*, log_group_arn: Expression) -> dict:
    # What runtime/session_log_group.py calls, on the one group (Service
    # Authorization Reference, CloudWatch Logs: each action's resource type
    # is log-group).
    return {
        "Sid": "SetUpSessionLogGroup",
        "Effect": "Allow",
        "Action": [
            "logs:AssociateKmsKey",
            "logs:CreateLogGroup",
            "logs:DeleteSubscriptionFilter",
            "logs:PutRetentionPolicy",
            "logs:PutSubscriptionFilter",
        ],
        "Resource": [log_group_arn, {"Fn::Join": ["", [log_group_arn, ":*"]]}],
    }


def pass_subscription_role_statement(*, role_arn: Expression) -> dict:
    # A subscription that names a role passes it to CloudWatch Logs
    # (CloudWatch Logs user guide, "Cross-account cross-Region subscriptions").
    return {
        "Sid": "PassSubscriptionRoleToCloudWatchLogs",
        "Effect": "Allow",
        "Action": "iam:PassRole",
        "Resource": role_arn,
        "Condition": {"StringEquals": {"iam:PassedToService": "logs.amazonaws.com"}},
    }


def write_rdp_recording_preferences_statement() -> dict:
    # The permissions the AWS::SSMGuiConnect::Preferences handlers list in
    # their resource schema; ssm-guiconnect's actions take no resource
    # (Service Authorization Reference, AWS Systems Manager GUI Connect).
    return {
        "Sid": "WriteRdpRecordingPreferences",
        "Effect": "Allow",
        "Action": [
            "ssm-guiconnect:DeleteConnectionRecordingPreferences",
            "ssm-guiconnect:GetConnectionRecordingPreferences",
            "ssm-guiconnect:UpdateConnectionRecordingPreferences",
        ],
        "Resource": "*",
    }


def let_guiconnect_grant_key_statement(*, key_arn: Expression) -> dict:
    # Recording needs a grant on the preferences' key, which ssm-guiconnect
    # creates for the caller (Systems Manager guide, "Recording RDP
    # connections": kms:CreateGrant is required).
    return {
        "Sid": "LetGuiConnectGrantTheRecordingKey",
        "Effect": "Allow",
        "Action": "kms:CreateGrant",
        "Resource": key_arn,
        "Condition": {
            "StringEquals": {
                "kms:ViaService": {"Fn::Sub": "ssm-guiconnect.${AWS::Region}.amazonaws.com"}
            }
        },
    }


def verifier_trust_document(*, verifier_account_id: str) -> PolicyDocument:
    # Principals of the account `make verify` runs in, as far as that
    # account's own IAM policies let them assume it (IAM user guide,
    # "Specifying a principal": an account principal delegates to its IAM).
    return policy_document(
        {
            "Sid": "VerifierAccountAssumes",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{verifier_account_id}:root"},
            "Action": "sts:AssumeRole",
        }
    )


def verifier_permissions_document(
    *, log_groups_arn: Expression, canary_streams_arn: Expression
) -> PolicyDocument:
    # CreateLogStream is authorized against the log group, PutLogEvents
    # against the stream (Service Authorization Reference, CloudWatch Logs),
    # so the events can go only into canary streams.
    return policy_document(
        {
            "Sid": "CreateCanaryStreams",
            "Effect": "Allow",
            "Action": "logs:CreateLogStream",
            "Resource": log_groups_arn,
        },
        {
            "Sid": "PutCanaryEvents",
            "Effect": "Allow",
            "Action": "logs:PutLogEvents",
            "Resource": canary_streams_arn,
        },
        read_rdp_recording_preferences_statement(),
    )


def read_rdp_recording_preferences_statement() -> dict:
    # make verify's rdp_recording check only reads the preferences. The
    # operation authorizes this one action, and ssm-guiconnect's actions take
    # no resource, only "*" (Service Authorization Reference, "Actions,
    # resources, and condition keys for AWS Systems Manager GUI Connect";
    # docs/verify.md lists the sources).
    return {
        "Sid": "ReadRdpRecordingPreferences",
        "Effect": "Allow",
        "Action": "ssm-guiconnect:GetConnectionRecordingPreferences",
        "Resource": "*",
    }


def access_event_forwarder_trust_document() -> PolicyDocument:
    # EventBridge user guide, "Sending and receiving events between AWS
    # accounts": a rule whose target is another account's bus needs a role
    # EventBridge assumes.
    return policy_document(
        {
            "Sid": "EventBridgeForwards",
            "Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    )


def access_event_forwarder_permissions_document(*, bus_arn: Expression) -> PolicyDocument:
    return policy_document(
        {
            "Sid": "PutAccessEventsOnTheLogArchiveBus",
            "Effect": "Allow",
            "Action": "events:PutEvents",
            "Resource": bus_arn,
        }
    )
