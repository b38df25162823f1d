"""The typed configuration every stack is built from.

Each model forbids unknown keys, so a typo in the YAML file is an error rather
than a silently ignored setting. Names that follow from ids (bucket, key alias,
stack set, state files) are derived here once, in `Names`, and read from there
by every stack and template.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from functools import cached_property
from typing import Annotated, Literal
from urllib.parse import SplitResult, urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)


def _shaped(pattern: str, expected: str) -> AfterValidator:
    """A format check whose error names the expected form in words, not as a regex."""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(f"expected {expected}")
        return value

    return AfterValidator(check)


AccountId = Annotated[str, _shaped(r"\d{12}", "a 12-digit AWS account id in quotes")]
Region = Annotated[str, _shaped(r"[a-z]{2}(-[a-z]+)+-\d", "an AWS region name like us-east-1")]
OrganizationId = Annotated[
    str, _shaped(r"o-[a-z0-9]{10,32}", "an organization id like o-a1b2c3d4e5")
]
# A target is an organizational unit (ou-...) or the organization root (r-...).
OrganizationalUnitId = Annotated[
    str,
    _shaped(
        r"ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32}",
        "an OU id like ou-ab12-cd34ef56 or the root id like r-ab12",
    ),
]
RoleArn = Annotated[
    str,
    StringConstraints(max_length=2048),
    _shaped(r"arn:aws[a-z-]*:iam::\d{12}:role/[A-Za-z0-9+=,.@_/-]+", "an IAM role ARN"),
]
# S3 general purpose bucket naming rules, without the rarely used dotted names
# (dots break virtual-hosted TLS and the `bucket/*` ARN patterns in policies).
BucketName = Annotated[
    str,
    _shaped(
        r"[a-z0-9][a-z0-9-]{1,61}[a-z0-9]",
        "3-63 lowercase letters, digits and hyphens, starting and ending with a letter or digit",
    ),
]


def _emulator_on_this_machine(url: str) -> str:
    """A loopback http URL only, so no real AWS endpoint or other host is configured by mistake."""
    parts = urlsplit(url)
    if not (
        parts.scheme == "http"
        and _is_loopback(parts.hostname)
        and _has_port(parts)
        and parts.path in ("", "/")
        and not (parts.query or parts.fragment or parts.username)
    ):
        raise ValueError(
            "expected an http URL on this machine with a port, like http://127.0.0.1:5000"
        )
    return url.rstrip("/")


def _is_loopback(host: str | None) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


def _has_port(parts: SplitResult) -> bool:
    try:
        return parts.port is not None
    except ValueError:  # outside 0-65535
        return False


EmulatorEndpoint = Annotated[str, AfterValidator(_emulator_on_this_machine)]


def _not_reserved_by_aws(key: str) -> str:
    if key.lower().startswith("aws:"):
        raise ValueError("tag keys starting with 'aws:' are reserved for AWS")
    return key


KmsKeyArn = Annotated[
    str,
    _shaped(
        r"arn:aws[a-z-]*:kms:[a-z]{2}(-[a-z]+)+-\d:\d{12}:key/[A-Za-z0-9-]+",
        "a KMS key ARN like arn:aws:kms:us-east-1:111122223333:key/<key id>",
    ),
]
# IAM role names, optionally with their path (service-role/...), in IAM's name
# characters. The member template receives them as one comma-separated
# parameter; ten names of at most 128 characters stay well below
# CloudFormation's 4,096-byte limit for a parameter value.
InstanceRoleName = Annotated[
    str,
    StringConstraints(max_length=128),
    _shaped(
        r"([\w+=,.@-]+/)*[\w+=,.@-]{1,64}",
        "an IAM role name, optionally with its path, like "
        "service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole",
    ),
]
# Linux user names as useradd accepts them by default.
LinuxUserName = Annotated[
    str, _shaped(r"([a-z_][a-z0-9_-]{0,31})?", "a Linux user name like ssm-user, or empty")
]
# S3 key characters that need no escaping (S3 user guide, "Naming objects").
S3KeyPrefix = Annotated[
    str,
    StringConstraints(max_length=256),
    _shaped(
        r"([A-Za-z0-9!_.*'()-][A-Za-z0-9!_.*'()/-]*)?",
        "letters, digits and !_.*'()/- not starting with /",
    ),
]
# CloudFormation accepts parameter values of at most 4,096 bytes.
ShellProfile = Annotated[str, StringConstraints(max_length=4096)]

TagKey = Annotated[
    str, StringConstraints(min_length=1, max_length=128), AfterValidator(_not_reserved_by_aws)
]
TagValue = Annotated[str, StringConstraints(max_length=256)]

# The values PutRetentionPolicy accepts (CloudWatch Logs API reference).
LOG_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
    1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip

# How long the logs of the project's own functions and Firehose errors are kept.
OPERATIONS_LOG_RETENTION_DAYS = 365

LOG_ARCHIVE_STACK = "log-archive"
MEMBER_STACKSET_STACK = "member-stackset"
# member-stackset reads log-archive's state, so log-archive goes first.
STACKS_IN_DEPLOY_ORDER = (LOG_ARCHIVE_STACK, MEMBER_STACKSET_STACK)


def in_deploy_order(stacks: Iterable[str]) -> list[str]:
    """The named stacks (every stack if none) in deploy order; an unknown name is an error."""
    named = set(stacks)
    unknown = sorted(named - set(STACKS_IN_DEPLOY_ORDER))
    if unknown:
        raise ValueError(
            f"unknown stack {', '.join(unknown)}; the stacks are {', '.join(STACKS_IN_DEPLOY_ORDER)}"
        )
    return [s for s in STACKS_IN_DEPLOY_ORDER if s in named or not named]


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LocalBackendConfig(StrictModel):
    type: Literal["local"] = "local"
    # Relative to the project root; defaults to terraform.<stack>.tfstate there.
    path: str | None = None


class S3BackendConfig(StrictModel):
    type: Literal["s3"]
    bucket: Annotated[str, StringConstraints(min_length=3, max_length=63)]
    key: Annotated[str, StringConstraints(min_length=1)]
    region: Region
    encrypt: bool = True
    use_lockfile: bool = True
    dynamodb_table: str | None = None
    role_arn: RoleArn | None = None


BackendConfig = Annotated[LocalBackendConfig | S3BackendConfig, Field(discriminator="type")]


class AccountConfig(StrictModel):
    """An account one stack's provider works in, and where that stack keeps its state."""

    account_id: AccountId
    role_arn: RoleArn | None = None
    backend: BackendConfig = LocalBackendConfig()

    @model_validator(mode="after")
    def _role_is_in_the_account(self) -> AccountConfig:
        if self.role_arn and self.role_arn.split(":")[4] != self.account_id:
            raise ValueError(f"role_arn {self.role_arn!r} is not in account_id {self.account_id!r}")
        return self


class StackSetAdminConfig(AccountConfig):
    call_as: Literal["SELF", "DELEGATED_ADMIN"] = "SELF"


class S3LoggingConfig(StrictModel):
    """Session Manager also uploads each session's log to this bucket when the session ends."""

    bucket_name: BucketName
    key_prefix: S3KeyPrefix = ""
    # Session Manager refuses to upload to a bucket without default encryption.
    encryption_enabled: bool = True
    # The bucket's SSE-KMS key, if it has one: instances then need to use it.
    kms_key_arn: KmsKeyArn | None = None


class RunAsConfig(StrictModel):
    """Linux and macOS sessions start as this OS user instead of ssm-user."""

    enabled: bool = False
    default_user: LinuxUserName = ""


class ShellProfileConfig(StrictModel):
    """Commands Session Manager runs at the start of every session."""

    windows: ShellProfile = ""
    linux: ShellProfile = ""

    @property
    def configured(self) -> bool:
        return bool(self.windows or self.linux)


class SessionConfig(StrictModel):
    idle_session_timeout_minutes: int = Field(20, ge=1, le=60)
    max_session_duration_minutes: int = Field(60, ge=1, le=1440)
    log_retention_days: int = 3
    # "central_key": session data is encrypted with the regional replica of the
    # central multi-Region key (the document's kmsKeyId).
    encryption: Literal["none", "central_key"] = "none"
    s3_logging: S3LoggingConfig | None = None
    run_as: RunAsConfig = RunAsConfig()
    shell_profile: ShellProfileConfig = ShellProfileConfig()

    @property
    def encrypts_with_central_key(self) -> bool:
        return self.encryption == "central_key"

    @field_validator("log_retention_days")
    @classmethod
    def _retention_is_accepted_by_cloudwatch(cls, days: int) -> int:
        if days not in LOG_RETENTION_DAYS:
            raise ValueError(f"must be one of {', '.join(map(str, LOG_RETENTION_DAYS))}")
        return days


class DeliveryConfig(StrictModel):
    """How Firehose buffers session logs before it writes an object to the central bucket."""

    # Dynamic partitioning needs at least 64 MiB; 128 MiB is the API maximum.
    buffering_size_mib: int = Field(64, ge=64, le=128)
    # Zero buffering is not available with dynamic partitioning; 900 s is the API maximum.
    buffering_interval_seconds: int = Field(300, ge=60, le=900)


class ExclusionsConfig(StrictModel):
    """Member regions and accounts that do not get the member template."""

    regions: list[Region] = Field(default_factory=list)
    account_ids: list[AccountId] = Field(default_factory=list)

    @field_validator("regions", "account_ids")
    @classmethod
    def _no_duplicates(cls, values: list[str]) -> list[str]:
        return _without_duplicates(values)


class OperationPreferencesConfig(StrictModel):
    region_concurrency_type: Literal["PARALLEL", "SEQUENTIAL"] = "PARALLEL"
    max_concurrent_percentage: int = Field(100, ge=1, le=100)
    failure_tolerance_percentage: int = Field(0, ge=0, le=100)


class StackSetConfig(StrictModel):
    retain_stacks_on_account_removal: bool = False
    operation_preferences: OperationPreferencesConfig = OperationPreferencesConfig()


class Names:
    """Every resource name that follows from the configured ids, in one place."""

    prefix = "central-session-logs"
    # The seed's member log group name; the key policy matches it by this prefix.
    member_log_group_prefix = "session-manager-log-"
    member_instance_policy_prefix = "session-manager-log-access-"
    session_preferences_document = "SSM-SessionManagerRunShell"
    # Log groups of the project's own functions and streams, in every account;
    # the key policy lets CloudWatch Logs encrypt them by this prefix.
    operations_log_group_prefix = f"/{prefix}/"
    # One destination per region, each in its region: the same name everywhere,
    # so a member template builds the ARN from the region it runs in.
    log_destination = prefix
    # Top-level folders of the central bucket that Firehose writes to.
    session_log_folder = "session-manager"
    session_log_error_folder = "session-manager-errors"

    def __init__(self, config: SessionLogsConfig) -> None:
        self.bucket = config.bucket_name or f"central-logs-{config.log_archive.account_id}"
        self.key_alias = f"alias/{self.prefix}"
        self.stack_set = f"{self.prefix}-member"
        self.session_log_processor = f"{self.prefix}-firehose-processor"
        self._log_archive_account = config.log_archive.account_id
        self._home_region = config.home_region

    @classmethod
    def delivery_stream(cls, region: str) -> str:
        """The Firehose stream (in the home region) for the session logs of one region."""
        return f"{cls.prefix}-{region}"

    @classmethod
    def destination_role(cls, region: str) -> str:
        """IAM is global: each region's destination role carries the region in its name."""
        return f"{cls.prefix}-destination-{region}"

    # ARNs of what the log archive stack names itself, in the formats of the
    # Service Authorization Reference: a plan shows them before the resources
    # exist, where a reference would read "known after apply".
    def delivery_stream_arn(self, region: str) -> str:
        return (
            f"arn:aws:firehose:{self._home_region}:{self._log_archive_account}:"
            f"deliverystream/{self.delivery_stream(region)}"
        )

    def destination_role_arn(self, region: str) -> str:
        return f"arn:aws:iam::{self._log_archive_account}:role/{self.destination_role(region)}"

    def log_destination_arn(self, region: str) -> str:
        return (
            f"arn:aws:logs:{region}:{self._log_archive_account}:destination:{self.log_destination}"
        )

    @staticmethod
    def local_state_file(stack: str) -> str:
        return f"terraform.{stack}.tfstate"


class SessionLogsConfig(StrictModel):
    organization_id: OrganizationId
    home_region: Region
    member_regions: Annotated[list[Region], Field(min_length=1)]
    target_ou_ids: Annotated[list[OrganizationalUnitId], Field(min_length=1)]
    log_archive: AccountConfig
    stackset_admin: StackSetAdminConfig
    bucket_name: BucketName | None = None
    session: SessionConfig = SessionConfig()
    delivery: DeliveryConfig = DeliveryConfig()
    exclusions: ExclusionsConfig = ExclusionsConfig()
    # Existing roles (for example the Default Host Management Configuration
    # role) that get the instance policy where they exist.
    instance_role_names: Annotated[list[InstanceRoleName], Field(max_length=10)] = Field(
        default_factory=list
    )
    stack_set: StackSetConfig = StackSetConfig()
    tags: dict[TagKey, TagValue] = Field(default_factory=dict)
    # For local runs and tests only: every AWS provider and state backend talks to
    # this AWS API emulator instead of AWS.
    emulator_endpoint: EmulatorEndpoint | None = None

    @field_validator("member_regions", "target_ou_ids", "instance_role_names")
    @classmethod
    def _no_duplicates(cls, values: list[str]) -> list[str]:
        return _without_duplicates(values)

    @model_validator(mode="after")
    def _exclusions_leave_a_member_region(self) -> SessionLogsConfig:
        unknown = [r for r in self.exclusions.regions if r not in self.member_regions]
        if unknown:
            raise ValueError(
                f"exclusions.regions lists {', '.join(unknown)}, which "
                f"{'is' if len(unknown) == 1 else 'are'} not in member_regions"
            )
        if not self.deployment_regions:
            raise ValueError("exclusions.regions leaves out every member region")
        return self

    @model_validator(mode="after")
    def _stacks_keep_separate_state(self) -> SessionLogsConfig:
        backends = {
            LOG_ARCHIVE_STACK: self.log_archive.backend,
            MEMBER_STACKSET_STACK: self.stackset_admin.backend,
        }
        locations = {stack: _state_location(stack, b) for stack, b in backends.items()}
        if len(set(locations.values())) < len(locations):
            raise ValueError(
                "log_archive.backend and stackset_admin.backend point at the same state "
                f"{locations[LOG_ARCHIVE_STACK]!r}; each stack needs its own"
            )
        return self

    @cached_property
    def names(self) -> Names:
        return Names(self)

    @property
    def replica_regions(self) -> list[str]:
        """Member regions that get a replica of the home region's multi-Region key."""
        return [r for r in self.member_regions if r != self.home_region]

    @property
    def key_regions(self) -> list[str]:
        return [self.home_region, *self.replica_regions]

    @property
    def account_wide_region(self) -> str:
        """The deployment region whose stack instances hold each account's IAM policies.

        IAM is global, and one copy of a policy per account, not one per
        region, keeps the roles it is attached to under IAM's quota of managed
        policies per role. The home region, unless it is excluded.
        """
        regions = self.deployment_regions
        return self.home_region if self.home_region in regions else regions[0]

    @property
    def deployment_regions(self) -> list[str]:
        """Member regions that get the member template and a delivery pipeline.

        Key replicas stay in every member region, so that excluding a region
        later never asks Terraform to destroy a key.
        """
        return [r for r in self.member_regions if r not in self.exclusions.regions]


def _without_duplicates(values: list[str]) -> list[str]:
    repeated = sorted({v for v in values if values.count(v) > 1})
    if repeated:
        raise ValueError(f"lists {', '.join(repeated)} more than once")
    return values


def _state_location(stack: str, backend: LocalBackendConfig | S3BackendConfig) -> str:
    if isinstance(backend, S3BackendConfig):
        return f"s3://{backend.bucket}/{backend.key}"
    return backend.path or Names.local_state_file(stack)
