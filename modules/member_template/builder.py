"""The CloudFormation template every member account gets in every deployment region.

Built as a dict so tests can inspect it and serialized with sorted keys so the
stack set's template_body only changes when the template really does. The
config decides which resources and statements exist; the values themselves
(bucket, key, session settings, role names) are parameters the stack set
fills in, which CloudFormation validates and which keep the template's size
independent of them.
"""

from __future__ import annotations

import json

from config.schema import LOG_RETENTION_DAYS, Names, SessionLogsConfig
from modules.member_template.functions import HANDLERS, HandlerFunction, function_resources
from modules.member_template.intrinsics import get_att, ref, sub
from modules.policies import member_template as policies

LOG_ARCHIVE_BUCKET_NAME = "LogArchiveBucketName"
LOG_ARCHIVE_ACCOUNT_ID = "LogArchiveAccountId"
LOG_ARCHIVE_KEY_ID = "LogArchiveKeyId"
IDLE_SESSION_TIMEOUT = "IdleSessionTimeout"
MAX_SESSION_DURATION = "MaxSessionDuration"
LOG_RETENTION = "LogRetentionDays"
RUN_AS_DEFAULT_USER = "RunAsDefaultUser"
SHELL_PROFILE_WINDOWS = "ShellProfileWindows"
SHELL_PROFILE_LINUX = "ShellProfileLinux"
S3_LOG_BUCKET = "S3LogBucketName"
S3_LOG_KEY_PREFIX = "S3LogKeyPrefix"
S3_LOG_BUCKET_KEY_ARN = "S3LogBucketKeyArn"
INSTANCE_ROLE_NAMES = "InstanceRoleNames"

SESSION_LOG_GROUP = "SessionLogGroup"
INSTANCE_POLICY = "SessionLogInstancePolicy"
SESSION_USER_POLICY = "SessionEncryptionUserPolicy"
SESSION_PREFERENCES = "SessionManagerPreferences"
RDP_RECORDING_PREFERENCES = "RdpRecordingPreferences"
SUBSCRIPTION_ROLE = "SessionLogSubscriptionRole"
SUBSCRIPTION_FILTER = "SessionLogSubscription"
INSTANCE_ROLE_ATTACHMENT = "InstancePolicyAttachment"

# Multi-Region keys share one id, so the key of this region follows from it.
REGIONAL_KEY_ARN = sub(
    f"arn:${{AWS::Partition}}:kms:${{AWS::Region}}:${{{LOG_ARCHIVE_ACCOUNT_ID}}}"
    f":key/${{{LOG_ARCHIVE_KEY_ID}}}"
)
# ... and in any region: the key of the account-wide policies.
ANY_REGION_KEY_ARN = sub(
    f"arn:${{AWS::Partition}}:kms:*:${{{LOG_ARCHIVE_ACCOUNT_ID}}}:key/${{{LOG_ARCHIVE_KEY_ID}}}"
)
SESSION_LOG_GROUPS_ARN = sub(
    "arn:${AWS::Partition}:logs:*:${AWS::AccountId}:log-group:"
    f"{Names.member_log_group_prefix}${{AWS::AccountId}}:*"
)
# True in the stack instances of the account-wide region (see
# SessionLogsConfig.account_wide_region): only they hold the IAM policies
# that serve every region, and attach them.
IN_ACCOUNT_WIDE_REGION = "InAccountWideRegion"
# The log archive has one destination per region, all with the same name.
DESTINATION_ARN = sub(
    f"arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{{LOG_ARCHIVE_ACCOUNT_ID}}}"
    f":destination:{Names.log_destination}"
)

PREFERENCES_FUNCTION = HandlerFunction(
    logical_id="SessionPreferencesFunction",
    name="session-preferences",
    description="Creates or updates SSM-SessionManagerRunShell, restores defaults on delete",
    handler_file=HANDLERS / "session_preferences_handler.py",
    statements=[
        policies.write_session_preferences(
            document_arn=sub(
                "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:document/"
                f"{Names.session_preferences_document}"
            )
        )
    ],
)
ROLE_ATTACHMENT_FUNCTION = HandlerFunction(
    logical_id="InstancePolicyAttachmentFunction",
    name="instance-policy-attachment",
    description="Attaches the session log instance policy to the listed roles that exist",
    handler_file=HANDLERS / "role_attachment_handler.py",
    statements=[
        policies.attach_instance_policy(
            roles_arn=sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:role/*"),
            policy_arn=ref(INSTANCE_POLICY),
        )
    ],
)


def build_member_template(config: SessionLogsConfig) -> dict:
    resources = {
        SESSION_LOG_GROUP: _session_log_group(),
        SUBSCRIPTION_ROLE: _subscription_role(),
        SUBSCRIPTION_FILTER: _subscription_filter(),
        **function_resources(PREFERENCES_FUNCTION, key_arn=REGIONAL_KEY_ARN),
        SESSION_PREFERENCES: _session_preferences(config),
        RDP_RECORDING_PREFERENCES: _rdp_recording_preferences(),
    }
    account_wide = {INSTANCE_POLICY: _instance_policy(config)}
    outputs = {
        "SessionLogGroupName": {"Value": ref(SESSION_LOG_GROUP)},
        "InstancePolicyArn": _account_wide({"Value": ref(INSTANCE_POLICY)}),
    }
    if config.session.encrypts_with_central_key:
        account_wide[SESSION_USER_POLICY] = _session_user_policy()
        outputs["SessionEncryptionUserPolicyArn"] = _account_wide(
            {"Value": ref(SESSION_USER_POLICY)}
        )
    if config.instance_role_names:
        account_wide.update(function_resources(ROLE_ATTACHMENT_FUNCTION, key_arn=REGIONAL_KEY_ARN))
        account_wide[INSTANCE_ROLE_ATTACHMENT] = _instance_role_attachment()
    resources.update({name: _account_wide(r) for name, r in account_wide.items()})
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": (
            "Central Session Logs member resources: encrypted Session Manager log group "
            "subscribed to the log archive, instance policy, Session Manager and RDP "
            "recording preferences."
        ),
        "Parameters": _parameters(config),
        "Conditions": {
            IN_ACCOUNT_WIDE_REGION: {"Fn::Equals": [ref("AWS::Region"), config.account_wide_region]}
        },
        "Resources": resources,
        "Outputs": outputs,
    }


def _account_wide(entry: dict) -> dict:
    """A resource or output that only the account-wide region's stack instance has."""
    return {**entry, "Condition": IN_ACCOUNT_WIDE_REGION}


def config_parameter_values(config: SessionLogsConfig) -> dict[str, str]:
    """Values for the template's parameters that come from the config, as the stack set passes them.

    The remaining parameters (LOG_ARCHIVE_*) come from the log archive's state.
    """
    session = config.session
    values = {
        IDLE_SESSION_TIMEOUT: str(session.idle_session_timeout_minutes),
        MAX_SESSION_DURATION: str(session.max_session_duration_minutes),
        LOG_RETENTION: str(session.log_retention_days),
    }
    if session.run_as.enabled:
        values[RUN_AS_DEFAULT_USER] = session.run_as.default_user
    if session.shell_profile.configured:
        values[SHELL_PROFILE_WINDOWS] = session.shell_profile.windows
        values[SHELL_PROFILE_LINUX] = session.shell_profile.linux
    if s3 := session.s3_logging:
        values[S3_LOG_BUCKET] = s3.bucket_name
        values[S3_LOG_KEY_PREFIX] = s3.key_prefix
        if s3.kms_key_arn:
            values[S3_LOG_BUCKET_KEY_ARN] = s3.kms_key_arn
    if config.instance_role_names:
        values[INSTANCE_ROLE_NAMES] = ",".join(config.instance_role_names)
    return values


def render_template(template: dict) -> str:
    return json.dumps(template, indent=1, sort_keys=True)


def _parameters(config: SessionLogsConfig) -> dict:
    parameters = {
        LOG_ARCHIVE_BUCKET_NAME: {
            "Type": "String",
            "Description": "Central bucket that receives the RDP recordings",
        },
        LOG_ARCHIVE_ACCOUNT_ID: {
            "Type": "String",
            "AllowedPattern": r"^\d{12}$",
            "Description": "Log archive account: owner of the central bucket, key and destinations",
        },
        LOG_ARCHIVE_KEY_ID: {
            "Type": "String",
            "AllowedPattern": "^mrk-[0-9a-f]{32}$",
            "Description": "Id of the multi-Region key that has a replica in this region",
        },
        IDLE_SESSION_TIMEOUT: {"Type": "Number", "MinValue": 1, "MaxValue": 60},
        MAX_SESSION_DURATION: {"Type": "Number", "MinValue": 1, "MaxValue": 1440},
        LOG_RETENTION: {"Type": "Number", "AllowedValues": list(LOG_RETENTION_DAYS)},
    }
    # Only the parameters of the features the config switches on: CloudFormation
    # rejects values for parameters a template does not declare, and the stack
    # set passes exactly config_parameter_values().
    declared = config_parameter_values(config)
    optional = {
        RUN_AS_DEFAULT_USER: {
            "Type": "String",
            "AllowedPattern": "^([a-z_][a-z0-9_-]{0,31})?$",
            "Description": "OS user that Linux and macOS sessions start as",
        },
        SHELL_PROFILE_WINDOWS: {"Type": "String", "Description": "Runs at the start of sessions"},
        SHELL_PROFILE_LINUX: {"Type": "String", "Description": "Runs at the start of sessions"},
        S3_LOG_BUCKET: {
            "Type": "String",
            "AllowedPattern": "^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$",
            "Description": "Bucket Session Manager also uploads session logs to",
        },
        S3_LOG_KEY_PREFIX: {"Type": "String", "Description": "Key prefix of the uploaded logs"},
        S3_LOG_BUCKET_KEY_ARN: {
            "Type": "String",
            "AllowedPattern": "^arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:key/[A-Za-z0-9-]+$",
            "Description": "SSE-KMS key of that bucket",
        },
        INSTANCE_ROLE_NAMES: {
            "Type": "CommaDelimitedList",
            "Description": "Roles (path/name) that get the instance policy where they exist",
        },
    }
    parameters.update({name: spec for name, spec in optional.items() if name in declared})
    return parameters


def _session_log_group() -> dict:
    return {
        "Type": "AWS::Logs::LogGroup",
        # Session logs are audit records: removing the stack must not delete them.
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": {
            "LogGroupName": sub(f"{Names.member_log_group_prefix}${{AWS::AccountId}}"),
            "RetentionInDays": ref(LOG_RETENTION),
            "KmsKeyId": REGIONAL_KEY_ARN,
        },
    }


def _instance_policy(config: SessionLogsConfig) -> dict:
    s3 = config.session.s3_logging
    s3_target = None
    if s3:
        bucket_arn = sub(f"arn:${{AWS::Partition}}:s3:::${{{S3_LOG_BUCKET}}}")
        s3_target = policies.S3LoggingTarget(
            bucket_arn=bucket_arn,
            objects_arn=sub(
                f"arn:${{AWS::Partition}}:s3:::${{{S3_LOG_BUCKET}}}/${{{S3_LOG_KEY_PREFIX}}}*"
            ),
            kms_key_arn=ref(S3_LOG_BUCKET_KEY_ARN) if s3.kms_key_arn else None,
        )
    return {
        "Type": "AWS::IAM::ManagedPolicy",
        "Properties": {
            # Named after the region that holds it: if the account-wide region
            # changes, the new copy never collides with the old one.
            "ManagedPolicyName": sub(f"{Names.member_instance_policy_prefix}${{AWS::Region}}"),
            "Description": "Lets instances in every region write Session Manager logs",
            "PolicyDocument": policies.instance_policy(
                log_groups_arn=SESSION_LOG_GROUPS_ARN,
                key_arn=ANY_REGION_KEY_ARN,
                decrypts_session_data=config.session.encrypts_with_central_key,
                s3_logging=s3_target,
            ),
        },
    }


def _session_user_policy() -> dict:
    return {
        "Type": "AWS::IAM::ManagedPolicy",
        "Properties": {
            "ManagedPolicyName": sub("session-manager-session-encryption-${AWS::Region}"),
            "Description": "Lets users and roles start sessions encrypted with the session key",
            "PolicyDocument": policies.session_user_policy(key_arn=ANY_REGION_KEY_ARN),
        },
    }


def _subscription_role() -> dict:
    # With a destination policy that names the organization rather than
    # accounts, CloudWatch Logs needs a role in the sending account to check
    # the subscription (CloudWatch Logs user guide, "Step 2: (Only if using an
    # organization) Create an IAM role").
    return {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "RoleName": sub(f"{Names.prefix}-subscription-${{AWS::Region}}"),
            "AssumeRolePolicyDocument": policies.service_trust(policies.REGIONAL_LOGS_SERVICE),
            "Policies": [
                {
                    "PolicyName": "validate-subscription",
                    "PolicyDocument": policies.subscription_role_permissions(
                        log_group_arn=get_att(SESSION_LOG_GROUP, "Arn")
                    ),
                }
            ],
        },
    }


def _subscription_filter() -> dict:
    return {
        "Type": "AWS::Logs::SubscriptionFilter",
        "Properties": {
            "FilterName": Names.prefix,
            "LogGroupName": ref(SESSION_LOG_GROUP),
            "FilterPattern": "",
            "DestinationArn": DESTINATION_ARN,
            "RoleArn": get_att(SUBSCRIPTION_ROLE, "Arn"),
        },
    }


def _session_preferences(config: SessionLogsConfig) -> dict:
    return {
        "Type": "Custom::SessionManagerPreferences",
        "Properties": {
            "ServiceToken": PREFERENCES_FUNCTION.service_token,
            "DocumentName": Names.session_preferences_document,
            "Content": {
                "schemaVersion": "1.0",
                "description": "Session Manager preferences managed by Central Session Logs",
                "sessionType": "Standard_Stream",
                "inputs": _session_inputs(config),
            },
        },
    }


def _session_inputs(config: SessionLogsConfig) -> dict:
    session = config.session
    s3 = session.s3_logging
    inputs = {
        "cloudWatchLogGroupName": ref(SESSION_LOG_GROUP),
        "cloudWatchStreamingEnabled": True,
        "cloudWatchEncryptionEnabled": True,
        "idleSessionTimeout": ref(IDLE_SESSION_TIMEOUT),
        "maxSessionDuration": ref(MAX_SESSION_DURATION),
        "kmsKeyId": REGIONAL_KEY_ARN if session.encrypts_with_central_key else "",
        "s3BucketName": ref(S3_LOG_BUCKET) if s3 else "",
        "s3KeyPrefix": ref(S3_LOG_KEY_PREFIX) if s3 else "",
        "s3EncryptionEnabled": s3.encryption_enabled if s3 else True,
        "runAsEnabled": session.run_as.enabled,
        "runAsDefaultUser": ref(RUN_AS_DEFAULT_USER) if session.run_as.enabled else "",
    }
    if session.shell_profile.configured:
        inputs["shellProfile"] = {
            "windows": ref(SHELL_PROFILE_WINDOWS),
            "linux": ref(SHELL_PROFILE_LINUX),
        }
    return inputs


def _instance_role_attachment() -> dict:
    return {
        "Type": "Custom::InstancePolicyAttachment",
        "Properties": {
            "ServiceToken": ROLE_ATTACHMENT_FUNCTION.service_token,
            "PolicyArn": ref(INSTANCE_POLICY),
            "RoleNames": ref(INSTANCE_ROLE_NAMES),
        },
    }


def _rdp_recording_preferences() -> dict:
    return {
        "Type": "AWS::SSMGuiConnect::Preferences",
        "Properties": {
            "ConnectionRecordingPreferences": {
                "KMSKeyArn": REGIONAL_KEY_ARN,
                "RecordingDestinations": {
                    "S3Buckets": [
                        {
                            "BucketName": ref(LOG_ARCHIVE_BUCKET_NAME),
                            "BucketOwner": ref(LOG_ARCHIVE_ACCOUNT_ID),
                        }
                    ]
                },
            }
        },
    }
