"""The member template's parameters: each one's declaration and value in one place.

A parameter is declared only where the config switches its feature on,
because CloudFormation rejects values for parameters a template does not
declare. Building the declaration and the value together means the template
and the stack set can never disagree on which parameters exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from config.models import SessionLogsConfig
from config.types import (
    ACCOUNT_ID_PATTERN,
    BUCKET_NAME_PATTERN,
    KMS_KEY_ARN_PATTERN,
    LINUX_USER_NAME_PATTERN,
    LOG_RETENTION_DAYS,
)

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
DELIVERY_STREAMS_PER_REGION = "DeliveryStreamsPerRegion"
ACCESS_EVENT_BUS_ARN = "AccessEventBusArn"

# Multi-Region keys all have ids of this form (KMS developer guide, "Multi-Region key ids").
MULTI_REGION_KEY_ID_PATTERN = "mrk-[0-9a-f]{32}"


@dataclass(frozen=True)
class LogArchiveOutputs:
    """What the member template needs from the log archive stack (values or cdktf tokens)."""

    bucket_name: str
    account_id: str
    key_id: str


@dataclass(frozen=True)
class TemplateParameter:
    declaration: dict
    value: str


def template_parameters(
    config: SessionLogsConfig, log_archive: LogArchiveOutputs
) -> dict[str, TemplateParameter]:
    """Every parameter the template declares, in the order the stack set lists their values."""
    return {
        **_log_archive_parameters(log_archive),
        DELIVERY_STREAMS_PER_REGION: TemplateParameter(
            {
                "Type": "Number",
                "MinValue": 1,
                "Description": "Destinations of the log archive in each region; each account sends to one",
            },
            str(config.delivery_streams_per_region),
        ),
        ACCESS_EVENT_BUS_ARN: TemplateParameter(
            {
                "Type": "String",
                "Description": "Event bus of the log archive that indexes who opened which session",
            },
            config.names.access_event_bus_arn(),
        ),
        **_session_parameters(config),
        **_s3_logging_parameters(config),
        **_instance_role_parameters(config),
    }


def _allowed(pattern: str) -> str:
    return f"^{pattern}$"


def _log_archive_parameters(log_archive: LogArchiveOutputs) -> dict[str, TemplateParameter]:
    return {
        LOG_ARCHIVE_BUCKET_NAME: TemplateParameter(
            {"Type": "String", "Description": "Central bucket that receives the RDP recordings"},
            log_archive.bucket_name,
        ),
        LOG_ARCHIVE_ACCOUNT_ID: TemplateParameter(
            {
                "Type": "String",
                "AllowedPattern": _allowed(ACCOUNT_ID_PATTERN),
                "Description": "Log archive account: owner of the central bucket, key and destinations",
            },
            log_archive.account_id,
        ),
        LOG_ARCHIVE_KEY_ID: TemplateParameter(
            {
                "Type": "String",
                "AllowedPattern": _allowed(MULTI_REGION_KEY_ID_PATTERN),
                "Description": "Id of the multi-Region key that has a replica in this region",
            },
            log_archive.key_id,
        ),
    }


def _session_parameters(config: SessionLogsConfig) -> dict[str, TemplateParameter]:
    session = config.session
    parameters = {
        IDLE_SESSION_TIMEOUT: TemplateParameter(
            {"Type": "Number", "MinValue": 1, "MaxValue": 60},
            str(session.idle_session_timeout_minutes),
        ),
        MAX_SESSION_DURATION: TemplateParameter(
            {"Type": "Number", "MinValue": 1, "MaxValue": 1440},
            str(session.max_session_duration_minutes),
        ),
        LOG_RETENTION: TemplateParameter(
            {"Type": "Number", "AllowedValues": list(LOG_RETENTION_DAYS)},
            str(session.log_retention_days),
        ),
    }
    if session.run_as.enabled:
        parameters[RUN_AS_DEFAULT_USER] = TemplateParameter(
            {
                "Type": "String",
                "AllowedPattern": _allowed(LINUX_USER_NAME_PATTERN),
                "Description": "OS user that Linux and macOS sessions start as",
            },
            session.run_as.default_user,
        )
    if session.shell_profile.configured:
        runs_at_start = {"Type": "String", "Description": "Runs at the start of sessions"}
        parameters[SHELL_PROFILE_WINDOWS] = TemplateParameter(
            runs_at_start, session.shell_profile.windows
        )
        parameters[SHELL_PROFILE_LINUX] = TemplateParameter(
            runs_at_start, session.shell_profile.linux
        )
    return parameters


def _s3_logging_parameters(config: SessionLogsConfig) -> dict[str, TemplateParameter]:
    s3 = config.session.s3_logging
    if not s3:
        return {}
    parameters = {
        S3_LOG_BUCKET: TemplateParameter(
            {
                "Type": "String",
                "AllowedPattern": _allowed(BUCKET_NAME_PATTERN),
                "Description": "Bucket Session Manager also uploads session logs to",
            },
            s3.bucket_name,
        ),
        S3_LOG_KEY_PREFIX: TemplateParameter(
            {"Type": "String", "Description": "Key prefix of the uploaded logs"}, s3.key_prefix
        ),
    }
    if s3.kms_key_arn:
        parameters[S3_LOG_BUCKET_KEY_ARN] = TemplateParameter(
            {
                "Type": "String",
                "AllowedPattern": _allowed(KMS_KEY_ARN_PATTERN),
                "Description": "SSE-KMS key of that bucket",
            },
            s3.kms_key_arn,
        )
    return parameters


def _instance_role_parameters(config: SessionLogsConfig) -> dict[str, TemplateParameter]:
    if not config.instance_role_names:
        return {}
    return {
        INSTANCE_ROLE_NAMES: TemplateParameter(
            {
                "Type": "CommaDelimitedList",
                "Description": "Roles (path/name) that get the instance policy where they exist",
            },
            ",".join(config.instance_role_names),
        )
    }
