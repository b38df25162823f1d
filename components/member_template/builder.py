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
from dataclasses import dataclass

from components.access_index.construct import forwarded_events_pattern
from components.member_template import policies
from components.member_template.intrinsics import get_att, ref, sub
from components.member_template.lambda_functions import (
    RUNTIME_DIR,
    HandlerFunction,
    function_resources,
)
from components.member_template.parameters import (
    ACCESS_EVENT_BUS_ARN,
    DELIVERY_STREAMS_PER_REGION,
    IDLE_SESSION_TIMEOUT,
    INSTANCE_ROLE_NAMES,
    LOG_ARCHIVE_ACCOUNT_ID,
    LOG_ARCHIVE_BUCKET_NAME,
    LOG_ARCHIVE_KEY_ID,
    LOG_RETENTION,
    MAX_SESSION_DURATION,
    RUN_AS_DEFAULT_USER,
    S3_LOG_BUCKET,
    S3_LOG_BUCKET_KEY_ARN,
    S3_LOG_KEY_PREFIX,
    SHELL_PROFILE_LINUX,
    SHELL_PROFILE_WINDOWS,
    LogArchiveOutputs,
    template_parameters,
)
from config.models import SessionLogsConfig
from config.names import Names
from config.regions import COMMERCIAL_REGIONS, RDP_RECORDING_REGIONS

# Not "SessionLogGroup": that logical id held an AWS::Logs::LogGroup, and
# CloudFormation refuses to change a resource's type in place.
SESSION_LOG_GROUP = "AdoptedSessionLogGroup"
INSTANCE_POLICY = "SessionLogInstancePolicy"
VERIFIER_ROLE = "VerifierRole"
SESSION_USER_POLICY = "SessionEncryptionUserPolicy"
SESSION_PREFERENCES = "SessionManagerPreferences"
RDP_RECORDING_PREFERENCES = "RdpRecordingPreferencesWriter"
SUBSCRIPTION_ROLE = "SessionLogSubscriptionRole"
INSTANCE_ROLE_ATTACHMENT = "InstancePolicyAttachment"
ACCESS_EVENT_FORWARDING = "AccessEventForwarding"
ACCESS_EVENT_FORWARDER_ROLE = "AccessEventForwarderRole"

# Multi-Region keys share one id, so the key of this region follows from it.
REGIONAL_KEY_ARN = sub(
    f"arn:${{AWS::Partition}}:kms:${{AWS::Region}}:${{{LOG_ARCHIVE_ACCOUNT_ID}}}"
    f":key/${{{LOG_ARCHIVE_KEY_ID}}}"
)
# ... and in any region: the key of the account-wide policies.
ANY_REGION_KEY_ARN = sub(
    f"arn:${{AWS::Partition}}:kms:*:${{{LOG_ARCHIVE_ACCOUNT_ID}}}:key/${{{LOG_ARCHIVE_KEY_ID}}}"
)
# True in the stack instances of the account-wide region (see
# SessionLogsConfig.account_wide_region): only they hold the IAM policies
# that serve every region, and attach them.
IN_ACCOUNT_WIDE_REGION = "InAccountWideRegion"
# True where the region has RDP recording (config/regions.py says how the
# project knows), read from a mapping of the regions.
RECORDS_RDP = "RecordsRdp"
RDP_RECORDING_MAP = "RdpRecording"
SESSION_LOG_GROUP_NAME = sub(f"{Names.member_log_group_prefix}${{AWS::AccountId}}")
SESSION_LOG_GROUP_ARN = sub(
    "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:"
    f"{Names.member_log_group_prefix}${{AWS::AccountId}}"
)
SUBSCRIPTION_ROLE_ARN = get_att(SUBSCRIPTION_ROLE, "Arn")
LOG_GROUP_FUNCTION = HandlerFunction(
    logical_id="SessionLogGroupFunction",
    name="session-log-group",
    description="Creates or adopts the session log group, sets its key and retention, subscribes it",
    handler_file=RUNTIME_DIR / "session_log_group.py",
    # The handler waits up to four minutes for the subscription role to propagate.
    timeout_seconds=300,
    statements=[
        policies.set_up_session_log_group_statement(log_group_arn=SESSION_LOG_GROUP_ARN),
        policies.pass_subscription_role_statement(role_arn=SUBSCRIPTION_ROLE_ARN),
        policies.use_key_through_cloudwatch_logs_statement(
            sid="KeySessionLogGroupThroughCloudWatchLogs", key_arn=REGIONAL_KEY_ARN
        ),
    ],
)
RDP_PREFERENCES_FUNCTION = HandlerFunction(
    logical_id="RdpRecordingPreferencesFunction",
    name="rdp-recording-preferences",
    description="Writes the RDP recording preferences of this account and region",
    handler_file=RUNTIME_DIR / "rdp_recording_preferences.py",
    statements=[
        policies.write_rdp_recording_preferences_statement(),
        policies.let_guiconnect_grant_key_statement(key_arn=REGIONAL_KEY_ARN),
    ],
)
ROLE_ATTACHMENT_FUNCTION = HandlerFunction(
    logical_id="InstancePolicyAttachmentFunction",
    name="instance-policy-attachment",
    description="Attaches the session log instance policy to the listed roles that exist",
    handler_file=RUNTIME_DIR / "role_attachment.py",
    statements=[
        policies.attach_instance_policy_statement(
            roles_arn=sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:role/*"),
            policy_arn=ref(INSTANCE_POLICY),
        )
    ],
)


@dataclass(frozen=True)
class MemberTemplate:
    """The template and the value of each of its parameters: what a stack set deploys."""

    body: dict
    parameter_values: dict[str, str]

    @property
    def rendered_body(self) -> str:
        # Without whitespace: CreateStackSet's TemplateBody holds at most
        # 51,200 bytes, and indentation alone was a sixth of the largest
        # template. Plans still read well: Terraform shows a JSON string's
        # change as a structural jsonencode() diff.
        return json.dumps(self.body, sort_keys=True, separators=(",", ":"))


def _preferences_function(names: Names) -> HandlerFunction:
    return HandlerFunction(
        logical_id="SessionPreferencesFunction",
        name="session-preferences",
        description="Creates or updates SSM-SessionManagerRunShell, restores defaults on delete",
        handler_file=RUNTIME_DIR / "session_preferences.py",
        statements=[
            policies.write_session_preferences_statement(
                document_arn=sub(
                    "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:document/"
                    f"{names.session_preferences_document}"
                )
            )
        ],
    )


def build_member_template(
    config: SessionLogsConfig, *, log_archive: LogArchiveOutputs
) -> MemberTemplate:
    parameters = template_parameters(config, log_archive)
    return MemberTemplate(
        body=_body(config, {name: p.declaration for name, p in parameters.items()}),
        parameter_values={name: p.value for name, p in parameters.items()},
    )


def _body(config: SessionLogsConfig, parameters: dict) -> dict:
    names = config.names
    preferences_function = _preferences_function(names)
    resources = {
        **function_resources(LOG_GROUP_FUNCTION, key_arn=REGIONAL_KEY_ARN, names=names),
        SESSION_LOG_GROUP: _session_log_group(names),
        SUBSCRIPTION_ROLE: _subscription_role(names),
        **function_resources(preferences_function, key_arn=REGIONAL_KEY_ARN, names=names),
        SESSION_PREFERENCES: _session_preferences(config, preferences_function),
        ACCESS_EVENT_FORWARDER_ROLE: _access_event_forwarder_role(names),
        ACCESS_EVENT_FORWARDING: _access_event_forwarding(names),
    }
    rdp_recording = {
        **function_resources(RDP_PREFERENCES_FUNCTION, key_arn=REGIONAL_KEY_ARN, names=names),
        RDP_RECORDING_PREFERENCES: _rdp_recording_preferences(),
    }
    resources.update({name: _where(RECORDS_RDP, r) for name, r in rdp_recording.items()})
    account_wide = {INSTANCE_POLICY: _instance_policy(config)}
    outputs = {
        "SessionLogGroupName": {"Value": ref(SESSION_LOG_GROUP)},
        "InstancePolicyArn": _where(IN_ACCOUNT_WIDE_REGION, {"Value": ref(INSTANCE_POLICY)}),
    }
    if config.session.encrypts_with_central_key:
        account_wide[SESSION_USER_POLICY] = _session_user_policy(names)
        outputs["SessionEncryptionUserPolicyArn"] = _where(
            IN_ACCOUNT_WIDE_REGION, {"Value": ref(SESSION_USER_POLICY)}
        )
    if config.instance_role_names:
        account_wide.update(
            function_resources(ROLE_ATTACHMENT_FUNCTION, key_arn=REGIONAL_KEY_ARN, names=names)
        )
        account_wide[INSTANCE_ROLE_ATTACHMENT] = _instance_role_attachment()
    if config.verify.canary_role:
        account_wide[VERIFIER_ROLE] = _verifier_role(config)
    resources.update({name: _where(IN_ACCOUNT_WIDE_REGION, r) for name, r in account_wide.items()})
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": (
            "Central Session Logs member resources: encrypted Session Manager log group "
            "subscribed to the log archive, instance policy, Session Manager and RDP "
            "recording preferences."
        ),
        "Parameters": parameters,
        "Mappings": {RDP_RECORDING_MAP: _rdp_recording_by_region()},
        "Conditions": {
            IN_ACCOUNT_WIDE_REGION: {
                "Fn::Equals": [ref("AWS::Region"), config.account_wide_region]
            },
            RECORDS_RDP: {
                "Fn::Equals": [
                    {"Fn::FindInMap": [RDP_RECORDING_MAP, ref("AWS::Region"), "Available"]},
                    "true",
                ]
            },
        },
        "Resources": resources,
        "Outputs": outputs,
    }


def _rdp_recording_by_region() -> dict:
    # Every region the config accepts, so the template is the same whichever
    # regions a config deploys to.
    return {
        region: {"Available": str(region in RDP_RECORDING_REGIONS).lower()}
        for region in COMMERCIAL_REGIONS
    }


def _where(condition: str, entry: dict) -> dict:
    """A resource or output that only the stack instances where the condition holds have."""
    return {**entry, "Condition": condition}


def _session_log_group(names: Names) -> dict:
    # Audit records outlive the stack: Delete only removes the subscription.
    return {
        "Type": "Custom::SessionLogGroup",
        "Properties": {
            **LOG_GROUP_FUNCTION.custom_resource_properties,
            "LogGroupName": SESSION_LOG_GROUP_NAME,
            "RetentionInDays": ref(LOG_RETENTION),
            "KmsKeyId": REGIONAL_KEY_ARN,
            "FilterName": names.member_subscription_filter,
            # The region's first destination; the handler picks this account's
            # among the region's DeliveryStreamsPerRegion by the account id.
            "DestinationArn": sub(
                f"arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{{LOG_ARCHIVE_ACCOUNT_ID}}}"
                f":destination:{names.log_destination_name()}"
            ),
            "DestinationCount": ref(DELIVERY_STREAMS_PER_REGION),
            "AccountId": ref("AWS::AccountId"),
            "RoleArn": SUBSCRIPTION_ROLE_ARN,
        },
    }


def _instance_policy(config: SessionLogsConfig) -> dict:
    names = config.names
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
            "ManagedPolicyName": sub(f"{names.member_instance_policy_prefix}${{AWS::Region}}"),
            "Description": "Lets instances in every region write Session Manager logs",
            "PolicyDocument": policies.instance_policy_document(
                log_groups_arn=sub(
                    "arn:${AWS::Partition}:logs:*:${AWS::AccountId}:log-group:"
                    f"{names.member_log_group_prefix}${{AWS::AccountId}}:*"
                ),
                key_arn=ANY_REGION_KEY_ARN,
                decrypts_session_data=config.session.encrypts_with_central_key,
                s3_logging=s3_target,
            ),
        },
    }


def _session_user_policy(names: Names) -> dict:
    return {
        "Type": "AWS::IAM::ManagedPolicy",
        "Properties": {
            "ManagedPolicyName": sub(f"{names.member_session_user_policy_prefix}${{AWS::Region}}"),
            "Description": "Lets users and roles start sessions encrypted with the session key",
            "PolicyDocument": policies.session_user_policy_document(key_arn=ANY_REGION_KEY_ARN),
        },
    }


def _subscription_role(names: Names) -> dict:
    # With a destination policy that names the organization rather than
    # accounts, CloudWatch Logs needs a role in the sending account to check
    # the subscription (CloudWatch Logs user guide, "Step 2: (Only if using an
    # organization) Create an IAM role").
    return {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "RoleName": sub(f"{names.prefix}-subscription-${{AWS::Region}}"),
            "AssumeRolePolicyDocument": policies.service_trust_document(
                policies.REGIONAL_LOGS_SERVICE
            ),
            "Policies": [
                {
                    "PolicyName": "validate-subscription",
                    "PolicyDocument": policies.subscription_role_permissions_document(
                        log_group_arn=SESSION_LOG_GROUP_ARN
                    ),
                }
            ],
        },
    }


def _access_event_forwarder_role(names: Names) -> dict:
    # Per region, like the subscription role: each stack instance owns its own.
    return {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "RoleName": sub(names.access_event_forwarder_role("${AWS::Region}")),
            "Description": "Lets EventBridge forward access events to the log archive's bus",
            "AssumeRolePolicyDocument": policies.access_event_forwarder_trust_document(),
            "Policies": [
                {
                    "PolicyName": "forward-access-events",
                    "PolicyDocument": policies.access_event_forwarder_permissions_document(
                        bus_arn=ref(ACCESS_EVENT_BUS_ARN)
                    ),
                }
            ],
        },
    }


def _access_event_forwarding(names: Names) -> dict:
    """Who started, resumed and ended sessions and RDP connections here, to the log archive.

    CloudTrail delivers these management events to the default bus of the
    region the call was made in (EventBridge user guide, "Events from AWS
    services"), so every region has the rule. The target is the log
    archive's bus in its home region: a cross-account, cross-Region bus
    target, which needs the role (docs/attribution.md).
    """
    return {
        "Type": "AWS::Events::Rule",
        "Properties": {
            "Name": names.access_event_bus,
            "Description": "Forwards Session Manager, RDP and just-in-time access events to the log archive",
            "EventBusName": "default",
            "EventPattern": forwarded_events_pattern(),
            "State": "ENABLED",
            "Targets": [
                {
                    "Id": "log-archive",
                    "Arn": ref(ACCESS_EVENT_BUS_ARN),
                    "RoleArn": get_att(ACCESS_EVENT_FORWARDER_ROLE, "Arn"),
                }
            ],
        },
    }


def _verifier_role(config: SessionLogsConfig) -> dict:
    """What `make verify` assumes to read each region's RDP recording preferences, and with
    --canary to put one event into each region's session log group.

    IAM is global, so one role per account, from the account-wide region.
    """
    names = config.names
    log_group = (
        "arn:${AWS::Partition}:logs:*:${AWS::AccountId}:log-group:"
        f"{names.member_log_group_prefix}${{AWS::AccountId}}"
    )
    return {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "RoleName": sub(names.verifier_role("${AWS::Region}")),
            "Description": (
                "Lets make verify put canary events into the session log groups "
                "and read the RDP recording preferences"
            ),
            "AssumeRolePolicyDocument": policies.verifier_trust_document(
                verifier_account_id=config.stackset_admin.account_id
            ),
            "Policies": [
                {
                    "PolicyName": "make-verify",
                    "PolicyDocument": policies.verifier_permissions_document(
                        log_groups_arn=sub(f"{log_group}:*"),
                        canary_streams_arn=sub(
                            f"{log_group}:log-stream:{names.canary_stream_prefix}*"
                        ),
                    ),
                }
            ],
        },
    }


def _session_preferences(config: SessionLogsConfig, function: HandlerFunction) -> dict:
    return {
        "Type": "Custom::SessionManagerPreferences",
        "Properties": {
            **function.custom_resource_properties,
            "DocumentName": config.names.session_preferences_document,
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
            **ROLE_ATTACHMENT_FUNCTION.custom_resource_properties,
            "PolicyArn": ref(INSTANCE_POLICY),
            "RoleNames": ref(INSTANCE_ROLE_NAMES),
        },
    }


def _rdp_recording_preferences() -> dict:
    return {
        "Type": "Custom::RdpRecordingPreferences",
        "Properties": {
            **RDP_PREFERENCES_FUNCTION.custom_resource_properties,
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
            },
        },
    }
