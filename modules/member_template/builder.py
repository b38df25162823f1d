"""The CloudFormation template every member account gets in every member region.

Built as a dict so tests can inspect it and serialized with sorted keys so the
stack set's template_body only changes when the template really does. Values
that differ per organization (bucket, key, session settings) are parameters
the stack set fills in, so the template itself is the same for every user.
"""

from __future__ import annotations

import json

from config.schema import LOG_RETENTION_DAYS, Names
from modules.member_template.intrinsics import get_att, ref, sub
from modules.policies import policy
from modules.policies.session_log_key import CLOUDWATCH_LOGS_KEY_ACTIONS

LOG_ARCHIVE_BUCKET_NAME = "LogArchiveBucketName"
LOG_ARCHIVE_ACCOUNT_ID = "LogArchiveAccountId"
LOG_ARCHIVE_KEY_ID = "LogArchiveKeyId"
IDLE_SESSION_TIMEOUT = "IdleSessionTimeout"
MAX_SESSION_DURATION = "MaxSessionDuration"
LOG_RETENTION = "LogRetentionDays"

SESSION_LOG_GROUP = "SessionLogGroup"
INSTANCE_POLICY = "SessionLogInstancePolicy"
SESSION_PREFERENCES = "SessionManagerPreferences"
RDP_RECORDING_PREFERENCES = "RdpRecordingPreferences"

# Multi-Region keys share one id, so the key of this region follows from it.
REGIONAL_KEY_ARN = sub(
    f"arn:${{AWS::Partition}}:kms:${{AWS::Region}}:${{{LOG_ARCHIVE_ACCOUNT_ID}}}"
    f":key/${{{LOG_ARCHIVE_KEY_ID}}}"
)


def build_member_template(names: Names) -> dict:
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": (
            "Central Session Logs member resources: encrypted Session Manager log group, "
            "instance policy, Session Manager and RDP recording preferences."
        ),
        "Parameters": _parameters(),
        "Resources": {
            SESSION_LOG_GROUP: _session_log_group(names),
            INSTANCE_POLICY: _instance_policy(names),
            SESSION_PREFERENCES: _session_preferences(names),
            RDP_RECORDING_PREFERENCES: _rdp_recording_preferences(),
        },
        "Outputs": {
            "SessionLogGroupName": {"Value": ref(SESSION_LOG_GROUP)},
            "InstancePolicyArn": {"Value": ref(INSTANCE_POLICY)},
        },
    }


def render_template(template: dict) -> str:
    return json.dumps(template, indent=1, sort_keys=True)


def _parameters() -> dict:
    return {
        LOG_ARCHIVE_BUCKET_NAME: {
            "Type": "String",
            "Description": "Central bucket that receives the RDP recordings",
        },
        LOG_ARCHIVE_ACCOUNT_ID: {
            "Type": "String",
            "AllowedPattern": r"^\d{12}$",
            "Description": "Log archive account: owner of the central bucket and key",
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


def _session_log_group(names: Names) -> dict:
    return {
        "Type": "AWS::Logs::LogGroup",
        # Session logs are audit records: removing the stack must not delete them.
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": {
            "LogGroupName": sub(f"{names.member_log_group_prefix}${{AWS::AccountId}}"),
            "RetentionInDays": ref(LOG_RETENTION),
            "KmsKeyId": REGIONAL_KEY_ARN,
        },
    }


def _instance_policy(names: Names) -> dict:
    return {
        "Type": "AWS::IAM::ManagedPolicy",
        "Properties": {
            # IAM is global: one name per region keeps the stack instances of
            # one account from colliding.
            "ManagedPolicyName": sub(f"{names.member_instance_policy_prefix}${{AWS::Region}}"),
            "Description": "Lets instances stream Session Manager logs to the encrypted log group",
            "PolicyDocument": policy(
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
                    "Action": [
                        "logs:CreateLogStream",
                        "logs:DescribeLogStreams",
                        "logs:PutLogEvents",
                    ],
                    "Resource": get_att(SESSION_LOG_GROUP, "Arn"),
                },
                {
                    # CloudWatch Logs checks that its caller may use the group's
                    # key through CloudWatch Logs (CloudWatch Logs user guide,
                    # "Encrypt log data using AWS KMS").
                    "Sid": "UseSessionLogKeyThroughCloudWatchLogs",
                    "Effect": "Allow",
                    "Action": CLOUDWATCH_LOGS_KEY_ACTIONS,
                    "Resource": REGIONAL_KEY_ARN,
                    "Condition": {
                        "StringEquals": {"kms:ViaService": sub("logs.${AWS::Region}.amazonaws.com")}
                    },
                },
            ),
        },
    }


def _session_preferences(names: Names) -> dict:
    return {
        "Type": "AWS::SSM::Document",
        "Properties": {
            "Name": names.session_preferences_document,
            "DocumentType": "Session",
            "DocumentFormat": "JSON",
            "UpdateMethod": "NewVersion",
            "Content": {
                "schemaVersion": "1.0",
                "description": "Session Manager preferences managed by Central Session Logs",
                "sessionType": "Standard_Stream",
                "inputs": {
                    "cloudWatchLogGroupName": ref(SESSION_LOG_GROUP),
                    "cloudWatchStreamingEnabled": True,
                    "cloudWatchEncryptionEnabled": True,
                    "idleSessionTimeout": ref(IDLE_SESSION_TIMEOUT),
                    "maxSessionDuration": ref(MAX_SESSION_DURATION),
                },
            },
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
