"""The config models every stack is built from.

Each model forbids unknown keys, so a typo in the YAML file is an error rather
than a silently ignored setting. Each field's description is its entry in
docs/configuration.md, which config/reference.py renders from these models.
"""

from __future__ import annotations

import math
from functools import cached_property
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from config.names import Names
from config.types import (
    LOG_RETENTION_DAYS,
    AccountId,
    BucketName,
    EmulatorEndpoint,
    InstanceRoleName,
    KmsKeyArn,
    LinuxUserName,
    OrganizationalUnitId,
    OrganizationId,
    Region,
    RoleArn,
    RoleArnPattern,
    S3KeyPrefix,
    SessionDocumentName,
    ShellProfile,
    TagKey,
    TagValue,
)
from stacks.registry import GUARDRAILS_STACK, LOG_ARCHIVE_STACK, MEMBER_STACKSET_STACK

FIREHOSE_STREAMS_PER_REGION = 5000


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LocalBackendConfig(StrictModel):
    type: Literal["local"] = Field(
        "local", description="`local`: the state file is on this machine."
    )
    path: str | None = Field(
        None,
        description="State file, relative to the project root. Unset: `terraform.<stack>.tfstate` there.",
    )


class S3BackendConfig(StrictModel):
    type: Literal["s3"] = Field(description="`s3`: the state is an object in an S3 bucket.")
    bucket: Annotated[str, StringConstraints(min_length=3, max_length=63)] = Field(
        description="Bucket that holds the state."
    )
    key: Annotated[str, StringConstraints(min_length=1)] = Field(
        description="Object key of the state file; each stack needs its own."
    )
    region: Region = Field(description="Region of the state bucket.")
    encrypt: bool = Field(True, description="Server-side encryption of the state object.")
    use_lockfile: bool = Field(
        True, description="S3-native state locking (Terraform 1.10 and later)."
    )
    dynamodb_table: str | None = Field(
        None, description="DynamoDB table for the older, table-based state locking."
    )
    role_arn: RoleArn | None = Field(
        None, description="Role the backend assumes to read and write the state."
    )


BackendConfig = Annotated[LocalBackendConfig | S3BackendConfig, Field(discriminator="type")]


class AccountConfig(StrictModel):
    """An account one stack's provider works in, and where that stack keeps its state."""

    account_id: AccountId = Field(description="12-digit id of the account, in quotes.")
    role_arn: RoleArn | None = Field(
        None,
        description="Role the stack's AWS providers assume; it must be in `account_id`. Unset: the ambient credentials.",
    )
    backend: BackendConfig = Field(
        LocalBackendConfig(),
        description="Where the stack keeps its Terraform state: a local file or an S3 object (see the backend rows).",
    )

    @model_validator(mode="after")
    def _role_is_in_the_account(self) -> AccountConfig:
        if self.role_arn and self.role_arn.split(":")[4] != self.account_id:
            raise ValueError(f"role_arn {self.role_arn!r} is not in account_id {self.account_id!r}")
        return self


class StackSetAdminConfig(AccountConfig):
    """The account that administers the member StackSet, and how it calls StackSets."""

    call_as: Literal["SELF", "DELEGATED_ADMIN"] = Field(
        "SELF",
        description="`SELF` in the management account, `DELEGATED_ADMIN` in a CloudFormation delegated administrator.",
    )


class S3LoggingConfig(StrictModel):
    """Session Manager also uploads each session's log to this bucket when the session ends."""

    bucket_name: BucketName = Field(
        description="Your bucket that Session Manager also uploads each session's log to when the session ends (`s3BucketName`)."
    )
    key_prefix: S3KeyPrefix = Field(
        "",
        description="Key prefix of the uploaded logs (`s3KeyPrefix`): letters, digits and `!_.*'()/-`, not starting with `/`.",
    )
    encryption_enabled: bool = Field(
        True,
        description="`s3EncryptionEnabled`: Session Manager uploads only to a bucket with default encryption.",
    )
    kms_key_arn: KmsKeyArn | None = Field(
        None,
        description="The bucket's SSE-KMS key, if it has one; instances get `kms:GenerateDataKey` on it.",
    )


class RunAsConfig(StrictModel):
    """Linux and macOS sessions start as this OS user instead of ssm-user."""

    enabled: bool = Field(
        False,
        description="`runAsEnabled`: Linux and macOS sessions start as an OS user other than `ssm-user`.",
    )
    default_user: LinuxUserName = Field(
        "", description="`runAsDefaultUser`: that OS user, a Linux user name."
    )


class ShellProfileConfig(StrictModel):
    """Commands Session Manager runs at the start of every session."""

    windows: ShellProfile = Field(
        "",
        description="`shellProfile.windows`: commands run at the start of every Windows session (CloudFormation takes parameter values of at most 4,096 bytes).",
    )
    linux: ShellProfile = Field(
        "",
        description="`shellProfile.linux`: commands run at the start of every Linux and macOS session.",
    )

    @property
    def configured(self) -> bool:
        return bool(self.windows or self.linux)


class SessionConfig(StrictModel):
    idle_session_timeout_minutes: int = Field(
        20,
        ge=1,
        le=60,
        description="`idleSessionTimeout`: a session with no activity ends after this many minutes.",
    )
    max_session_duration_minutes: int = Field(
        60,
        ge=1,
        le=1440,
        description="`maxSessionDuration`: every session ends after this many minutes.",
    )
    log_retention_days: int = Field(
        3,
        description=(
            "Retention of each member account's session log group; a value CloudWatch Logs "
            f"accepts: {', '.join(map(str, LOG_RETENTION_DAYS))}."
        ),
    )
    encryption: Literal["none", "central_key"] = Field(
        "none",
        description="`central_key`: session data is encrypted with the regional replica of the central key (the document's `kmsKeyId`); docs/decisions/member-template.md lists the permissions this adds. `none`: TLS only.",
    )
    s3_logging: S3LoggingConfig | None = Field(
        None,
        description="Session Manager also uploads each session's log to a bucket of yours. Unset: CloudWatch Logs only.",
    )
    run_as: RunAsConfig = Field(RunAsConfig(), description="Run sessions as another OS user.")
    shell_profile: ShellProfileConfig = Field(
        ShellProfileConfig(), description="Commands run at the start of every session."
    )

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

    buffering_size_mib: int = Field(
        64,
        ge=64,
        le=128,
        description="Firehose buffer size: dynamic partitioning needs at least 64 MiB; 128 is the API maximum.",
    )
    buffering_interval_seconds: int = Field(
        300,
        ge=60,
        le=900,
        description="Firehose buffer interval: zero buffering is not available with dynamic partitioning; 900 is the API maximum.",
    )
    accounts_per_stream: int = Field(
        400,
        ge=1,
        le=5000,
        description="Member accounts per Firehose stream, which writes one S3 partition per account: a stream allows 500 active partitions unless AWS raised its quota (up to 5,000), so keep headroom. Each region gets `ceil(stack_set.expected_accounts / accounts_per_stream)` streams and destinations, and each account sends to one of them by its id.",
    )


class ExclusionsConfig(StrictModel):
    """Member regions and accounts that do not get the member template."""

    regions: list[Region] = Field(
        default_factory=list,
        description="Member regions that get no member template and no delivery pipeline; they keep their key replica. Each must be in `member_regions`, and at least one region must remain.",
    )
    account_ids: list[AccountId] = Field(
        default_factory=list,
        description="Accounts in the target OUs that get no member template (stack instances with the account filter `DIFFERENCE`).",
    )

    @field_validator("regions", "account_ids")
    @classmethod
    def _no_duplicates(cls, values: list[str]) -> list[str]:
        return _without_duplicates(values)


# Sized for 500 accounts in 17 regions (docs/rollout.md): 100 accounts at a
# time makes 5 waves per region, and 17 regions x 100 stays far below the
# StackSets quota of 10,000 concurrent stack instance operations per Region.
DEFAULT_MAX_CONCURRENT_COUNT = 100
DEFAULT_FAILURE_TOLERANCE_COUNT = 10


class OperationPreferencesConfig(StrictModel):
    """How CloudFormation rolls the member stacks out across accounts and regions.

    Each of the two pairs, count or percentage, takes one of its two; with
    neither set, the count's default applies.
    """

    concurrency_mode: Literal["SOFT_FAILURE_TOLERANCE", "STRICT_FAILURE_TOLERANCE"] = Field(
        "SOFT_FAILURE_TOLERANCE",
        description="`SOFT_FAILURE_TOLERANCE`: CloudFormation deploys to the configured number of accounts at a time whatever the failure tolerance. `STRICT_FAILURE_TOLERANCE` (CloudFormation's default) deploys to at most failure tolerance + 1 at a time: one account at a time with a tolerance of 0. Only stack instance operations take it: hashicorp/aws 5.100.0 cannot send it with a template update, which is always strict (docs/rollout.md).",
    )
    region_concurrency_type: Literal["PARALLEL", "SEQUENTIAL"] = Field(
        "PARALLEL",
        description="Whether a template update runs in the regions at the same time or one after another.",
    )
    region_order: list[Region] = Field(
        default_factory=list,
        description="Order of the regions in a `SEQUENTIAL` template update; each must be a deployment region. Empty: CloudFormation's order.",
    )
    max_concurrent_count: int | None = Field(
        None,
        ge=1,
        description=f"Accounts of a region that CloudFormation deploys to at the same time. Unset, and `max_concurrent_percentage` unset too: {DEFAULT_MAX_CONCURRENT_COUNT}.",
    )
    max_concurrent_percentage: int | None = Field(
        None,
        ge=1,
        le=100,
        description="Instead of `max_concurrent_count`: that share of the accounts of a region (rounded down, at least 1).",
    )
    failure_tolerance_count: int | None = Field(
        None,
        ge=0,
        description=f"Accounts of a region that may fail before CloudFormation stops the operation in that region. Unset, and `failure_tolerance_percentage` unset too: {DEFAULT_FAILURE_TOLERANCE_COUNT}.",
    )
    failure_tolerance_percentage: int | None = Field(
        None,
        ge=0,
        le=100,
        description="Instead of `failure_tolerance_count`: that share of the accounts of a region (rounded down).",
    )

    @field_validator("region_order")
    @classmethod
    def _no_duplicates(cls, values: list[str]) -> list[str]:
        return _without_duplicates(values)

    @model_validator(mode="after")
    def _count_or_percentage(self) -> OperationPreferencesConfig:
        for kind in ("max_concurrent", "failure_tolerance"):
            count, percentage = getattr(self, f"{kind}_count"), getattr(self, f"{kind}_percentage")
            if count is not None and percentage is not None:
                raise ValueError(
                    f"set {kind}_count or {kind}_percentage, not both "
                    f"(got {kind}_count {count} and {kind}_percentage {percentage})"
                )
        return self

    @property
    def max_concurrent(self) -> dict[str, int]:
        """The one of max_concurrent_count and _percentage that applies, as its provider argument."""
        if self.max_concurrent_percentage is not None:
            return {"max_concurrent_percentage": self.max_concurrent_percentage}
        count = self.max_concurrent_count
        return {"max_concurrent_count": DEFAULT_MAX_CONCURRENT_COUNT if count is None else count}

    @property
    def failure_tolerance(self) -> dict[str, int]:
        """The one of failure_tolerance_count and _percentage that applies, as its provider argument."""
        if self.failure_tolerance_percentage is not None:
            return {"failure_tolerance_percentage": self.failure_tolerance_percentage}
        count = self.failure_tolerance_count
        return {
            "failure_tolerance_count": DEFAULT_FAILURE_TOLERANCE_COUNT if count is None else count
        }


class StackSetConfig(StrictModel):
    retain_stacks_on_account_removal: bool = Field(
        False, description="Keep an account's member stacks when it leaves a target OU."
    )
    expected_accounts: int = Field(
        500,
        ge=1,
        description="Accounts you expect under the target OUs, excluded ones left out. Sizes how long Terraform waits for a stack set operation before it gives up (docs/rollout.md); plan summaries count the accounts a deletion touches with it.",
    )
    operation_preferences: OperationPreferencesConfig = Field(
        OperationPreferencesConfig(), description="How stack instances roll out."
    )


class TopicSubscriptionConfig(StrictModel):
    """One more subscriber of the alarm topic, as SNS Subscribe takes it."""

    protocol: Literal["email", "email-json", "https", "sqs", "lambda", "sms"] = Field(
        description="SNS protocol of the endpoint."
    )
    endpoint: Annotated[str, StringConstraints(min_length=1, max_length=2048)] = Field(
        description="An address, URL or ARN, as the protocol takes it (SNS API reference, Subscribe)."
    )


class AlarmsConfig(StrictModel):
    """CloudWatch alarms on session log delivery, to an SNS topic encrypted with the central key."""

    email: list[Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]] = Field(
        default_factory=list,
        description="Addresses subscribed to the alarm topic; each confirms its subscription from the mail SNS sends.",
    )
    topic_subscriptions: list[TopicSubscriptionConfig] = Field(
        default_factory=list, description="Other subscribers of the alarm topic."
    )
    period_seconds: Literal[60, 300, 900, 3600] = Field(
        300, description="The period every alarm evaluates its metric over."
    )
    data_freshness_seconds: int = Field(
        1800,
        ge=60,
        description="Alarm when the oldest record in a Firehose stream is older than this; at least `delivery.buffering_interval_seconds`, or the alarm fires on every buffer.",
    )

    @field_validator("email")
    @classmethod
    def _no_duplicates(cls, values: list[str]) -> list[str]:
        return _without_duplicates(values)


class AuditConfig(StrictModel):
    """The Athena workgroup and Glue tables that answer who accessed which node (docs/audit-queries.md)."""

    query_results_days: int = Field(
        30,
        ge=1,
        description="Days the workgroup's query results stay in `<bucket>-query-results` before a lifecycle rule expires them; results can hold transcript text, so keep this short.",
    )


class VerifyConfig(StrictModel):
    """What `make verify` may do in the member accounts (docs/verify.md)."""

    canary_role: bool = Field(
        False,
        description="Give every member account the role `central-session-logs-verifier-<account-wide region>`, which the `stackset_admin` account may assume, so that `make verify` can read each region's RDP recording preferences (the `rdp_recording` check, skipped without the role) and `make verify --canary` can put one event into each session log group and wait for it in the bucket.",
    )


# Storage classes a lifecycle rule can move objects to (S3 API reference,
# Transition), without the ones for single Availability Zones.
StorageClass = Literal[
    "STANDARD_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"
]
# Which of two overlapping transitions S3 carries out, least preferred
# first: the cheaper class, except that Intelligent-Tiering wins over all but
# the two Glacier archive classes (S3 user guide, "How Amazon S3 handles
# conflicts in lifecycle configurations").
TRANSITION_PREFERENCE = (
    "STANDARD_IA", "GLACIER_IR", "INTELLIGENT_TIERING", "GLACIER", "DEEP_ARCHIVE",
)  # fmt: skip


class StorageLifecycleConfig(StrictModel):
    """When one kind of object moves to a colder storage class, and when it expires."""

    transition_days: int | None = Field(
        None,
        ge=1,
        description="Days after an object is written that it moves to `storage_class`. Unset: it stays in S3 Standard.",
    )
    storage_class: StorageClass = Field(
        "GLACIER_IR",
        description="The colder storage class: `STANDARD_IA`, `INTELLIGENT_TIERING`, `GLACIER_IR` (read in milliseconds), `GLACIER` or `DEEP_ARCHIVE` (read in hours).",
    )
    expiration_days: int | None = Field(
        None,
        ge=1,
        description="Days after which these objects expire. Unset: `archive.retention_days`.",
    )


class ObjectLockConfig(StrictModel):
    """S3 Object Lock on the replica that keeps every object immutable."""

    mode: Literal["GOVERNANCE", "COMPLIANCE"] = Field(
        description="`COMPLIANCE`: nobody, the account's root user included, can delete or overwrite an object version before its retention ends, nor shorten it. `GOVERNANCE`: principals with `s3:BypassGovernanceRetention` can."
    )
    days: int = Field(
        ge=1, le=36500, description="Default retention of every object version, in days."
    )


class ArchiveConfig(StrictModel):
    """How long the central bucket keeps what it holds, who read it, and how it stays immutable."""

    retention_days: int | None = Field(
        None,
        ge=1,
        description="Days after which transcripts and recordings expire, unless their own `expiration_days` say otherwise. Unset: kept forever.",
    )
    noncurrent_version_days: int = Field(
        30,
        ge=1,
        description="Days a version stays after a newer one or a delete marker replaced it.",
    )
    transcripts: StorageLifecycleConfig = Field(
        StorageLifecycleConfig(),
        description="Session transcripts and the delivery error and quarantine folders (the `session-manager*/` prefixes).",
    )
    recordings: StorageLifecycleConfig = Field(
        StorageLifecycleConfig(),
        description="RDP recordings. Their key layout is not documented, so this rule covers the whole bucket, and in the transcript folders S3 applies the earlier expiration and colder class of the two (docs/archive.md).",
    )
    object_lock: ObjectLockConfig | None = Field(
        None,
        description="Replicate every object into a second bucket with S3 Object Lock (`<bucket>-locked`). Unset: no lock.",
    )

    @model_validator(mode="after")
    def _nothing_expires_inside_the_lock(self) -> ArchiveConfig:
        if self.object_lock is None:
            return self
        for field, days in self.expirations.items():
            if days is not None and days < self.object_lock.days:
                raise ValueError(
                    f"{field} {days} is shorter than archive.object_lock.days "
                    f"{self.object_lock.days}: objects would expire while locked"
                )
        return self

    @model_validator(mode="after")
    def _transcripts_expire_no_later_than_recordings(self) -> ArchiveConfig:
        transcripts = self.effective_expiration(self.transcripts)
        recordings = self.effective_expiration(self.recordings)
        if recordings is not None and (transcripts is None or transcripts > recordings):
            raise ValueError(
                f"archive.transcripts would expire after {transcripts or 'never'} days but "
                f"archive.recordings after {recordings}: the recordings' rule covers the whole "
                "bucket, so S3 would expire transcripts at the earlier of the two; set "
                "transcripts to expire no later than recordings"
            )
        return self

    @model_validator(mode="after")
    def _transcripts_move_no_later_than_recordings(self) -> ArchiveConfig:
        transcripts, recordings = self.transcripts, self.recordings
        if recordings.transition_days is None:
            return self
        if (
            transcripts.transition_days is None
            or transcripts.transition_days > recordings.transition_days
            or TRANSITION_PREFERENCE.index(transcripts.storage_class)
            < TRANSITION_PREFERENCE.index(recordings.storage_class)
        ):
            raise ValueError(
                f"archive.recordings moves objects to {recordings.storage_class} after "
                f"{recordings.transition_days} days, and its rule covers the whole bucket, so S3 "
                "would move transcripts the same way; set archive.transcripts to move no later, "
                f"to {recordings.storage_class} or a class S3 prefers to it "
                f"(in order: {', '.join(TRANSITION_PREFERENCE)})"
            )
        return self

    @property
    def expirations(self) -> dict[str, int | None]:
        return {
            "archive.retention_days": self.retention_days,
            "archive.transcripts.expiration_days": self.transcripts.expiration_days,
            "archive.recordings.expiration_days": self.recordings.expiration_days,
        }

    def effective_expiration(self, kind: StorageLifecycleConfig) -> int | None:
        return kind.expiration_days if kind.expiration_days is not None else self.retention_days


# Sized so that the largest config keeps each service control policy within
# Organizations' 5,120 characters (tests/test_guardrails.py measures it).
MAX_EXEMPT_ROLE_PATTERNS = 5
MAX_ALLOWED_SESSION_DOCUMENTS = 10


class GuardrailsConfig(StrictModel):
    """Service control policies that keep member administrators from switching session logging off."""

    enabled: bool = Field(
        True,
        description="Attach the guardrail SCPs to every target OU. `false` removes them at the next deploy of the guardrails stack.",
    )
    policy_admin: AccountConfig | None = Field(
        None,
        description="The account that writes the SCPs: the management account or an Organizations delegated administrator for policies, where the guardrails stack works. Unset: the `stackset_admin` account and role with a local state file, which needs `stackset_admin.call_as: SELF` (the management account) and a local backend there.",
    )
    exempt_role_arn_patterns: Annotated[
        list[RoleArnPattern], Field(max_length=MAX_EXEMPT_ROLE_PATTERNS)
    ] = Field(
        default_factory=list,
        description=f"Break-glass roles the SCPs do not apply to, as ARN patterns (`*`, `?`), at most {MAX_EXEMPT_ROLE_PATTERNS}. The project's own roles and the StackSets execution role are always exempt.",
    )
    block_unlogged_sessions: bool = Field(
        True,
        description="Deny `ssm:StartSession` with any document but `SSM-SessionManagerRunShell` and `allowed_session_documents`: port forwarding and SSH sessions are never logged. Fleet Manager RDP and just-in-time RDP (started through ssm-guiconnect) stay allowed.",
    )
    allowed_session_documents: Annotated[
        list[SessionDocumentName], Field(max_length=MAX_ALLOWED_SESSION_DOCUMENTS)
    ] = Field(
        default_factory=list,
        description=f"Session documents people may still start sessions with, for example `AWS-StartPortForwardingSession`; their sessions are not logged. At most {MAX_ALLOWED_SESSION_DOCUMENTS}.",
    )

    @field_validator("exempt_role_arn_patterns", "allowed_session_documents")
    @classmethod
    def _no_duplicates(cls, values: list[str]) -> list[str]:
        return _without_duplicates(values)


class SessionLogsConfig(StrictModel):
    organization_id: OrganizationId = Field(
        description="`o-…` id of the organization; scopes the bucket, key and destination policies."
    )
    home_region: Region = Field(
        description="Region of the bucket, the primary key, the Firehose streams and the StackSet."
    )
    member_regions: Annotated[list[Region], Field(min_length=1)] = Field(
        description="Regions of the organization. Each non-home region gets a key replica; each one not in `exclusions.regions` gets the member template and a delivery pipeline."
    )
    target_ou_ids: Annotated[list[OrganizationalUnitId], Field(min_length=1)] = Field(
        description="OU ids (`ou-…`) or the root id (`r-…`) the StackSet deploys to, child OUs included."
    )
    log_archive: AccountConfig = Field(
        description="The log archive account, where the log-archive stack works."
    )
    stackset_admin: StackSetAdminConfig = Field(
        description="The management or CloudFormation delegated-administrator account, where the member-stackset stack works."
    )
    bucket_name: BucketName | None = Field(
        None,
        description="Name of the central bucket. Unset: `central-logs-<log archive account id>`.",
    )
    session: SessionConfig = Field(
        SessionConfig(),
        description="Session Manager preferences of every member account and region.",
    )
    delivery: DeliveryConfig = Field(
        DeliveryConfig(),
        description="How Firehose buffers session logs before it writes an object to the central bucket.",
    )
    exclusions: ExclusionsConfig = Field(
        ExclusionsConfig(),
        description="Member regions and accounts that do not get the member template.",
    )
    instance_role_names: Annotated[list[InstanceRoleName], Field(max_length=10)] = Field(
        default_factory=list,
        description="Existing IAM roles, `path/name` or `name`, that get the instance policy where they exist, for example `service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole` (the Default Host Management Configuration role).",
    )
    stack_set: StackSetConfig = Field(StackSetConfig(), description="The member StackSet.")
    archive: ArchiveConfig = Field(
        ArchiveConfig(),
        description="Retention, storage classes, access logs and Object Lock of the central bucket.",
    )
    verify: VerifyConfig = Field(
        VerifyConfig(), description="What `make verify` may do in the member accounts."
    )
    alarms: AlarmsConfig = Field(
        AlarmsConfig(), description="Alarms on session log delivery and where they go."
    )
    audit: AuditConfig = Field(
        AuditConfig(),
        description="Athena tables and named queries over the transcripts and the access index.",
    )
    guardrails: GuardrailsConfig = Field(
        GuardrailsConfig(),
        description="Service control policies that keep session logging on in the member accounts.",
    )
    tags: dict[TagKey, TagValue] = Field(
        default_factory=dict,
        description="Tags on every taggable resource, through the providers' `default_tags`. Keys starting with `aws:` are reserved.",
    )
    emulator_endpoint: EmulatorEndpoint | None = Field(
        None,
        description="**For local runs and tests only**: an `http://` URL on this machine (loopback, with a port) of an AWS API emulator. Every provider and S3 state backend then sends all its calls there. Never set it for real accounts.",
    )

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
    def _streams_fit_the_home_regions_quota(self) -> SessionLogsConfig:
        """Every region's streams live in the home region: "By default, you can create up to
        5,000 Firehose streams per AWS Region" (Firehose API reference, CreateDeliveryStream)."""
        streams = len(self.deployment_regions) * self.delivery_streams_per_region
        if streams > FIREHOSE_STREAMS_PER_REGION:
            raise ValueError(
                f"stack_set.expected_accounts {self.stack_set.expected_accounts} at "
                f"delivery.accounts_per_stream {self.delivery.accounts_per_stream} needs {streams} "
                f"Firehose streams in home_region, more than its quota of "
                f"{FIREHOSE_STREAMS_PER_REGION}; raise accounts_per_stream"
            )
        return self

    @model_validator(mode="after")
    def _region_order_lists_deployment_regions(self) -> SessionLogsConfig:
        order = self.stack_set.operation_preferences.region_order
        unknown = [r for r in order if r not in self.deployment_regions]
        if unknown:
            raise ValueError(
                f"stack_set.operation_preferences.region_order lists {', '.join(unknown)}, which "
                f"{'is' if len(unknown) == 1 else 'are'} not a deployment region "
                "(member_regions minus exclusions.regions)"
            )
        return self

    @model_validator(mode="after")
    def _freshness_outlasts_a_buffer(self) -> SessionLogsConfig:
        freshness = self.alarms.data_freshness_seconds
        interval = self.delivery.buffering_interval_seconds
        if freshness < interval:
            raise ValueError(
                f"alarms.data_freshness_seconds {freshness} is shorter than "
                f"delivery.buffering_interval_seconds {interval}: every buffer would raise the alarm"
            )
        return self

    @model_validator(mode="after")
    def _derived_bucket_names_are_valid(self) -> SessionLogsConfig:
        names = self.names
        for derived in (names.locked_bucket, names.access_log_bucket, names.query_results_bucket):
            if len(derived) > 63:
                raise ValueError(
                    f"bucket_name {self.names.bucket!r} is too long for the bucket {derived!r} "
                    "named after it (S3 allows 63 characters); choose a shorter bucket_name"
                )
        return self

    @model_validator(mode="after")
    def _guardrails_have_an_account(self) -> SessionLogsConfig:
        admin = self.stackset_admin
        if self.guardrails.policy_admin is None and (
            admin.call_as != "SELF" or not isinstance(admin.backend, LocalBackendConfig)
        ):
            raise ValueError(
                "guardrails.policy_admin is required: only the management account or a delegated "
                "administrator for policies can write SCPs, and stackset_admin "
                f"(call_as {admin.call_as}, {admin.backend.type} backend) cannot lend the "
                "guardrails stack its account and a state of its own"
            )
        return self

    @model_validator(mode="after")
    def _stacks_keep_separate_state(self) -> SessionLogsConfig:
        fields = {
            LOG_ARCHIVE_STACK: "log_archive.backend",
            MEMBER_STACKSET_STACK: "stackset_admin.backend",
            GUARDRAILS_STACK: "guardrails.policy_admin.backend",
        }
        seen: dict[str, str] = {}
        for stack, account in self.account_by_stack.items():
            location = self._state_location(stack, account.backend)
            if location in seen:
                raise ValueError(
                    f"{seen[location]} and {fields[stack]} point at the same state "
                    f"{location!r}; each stack needs its own"
                )
            seen[location] = fields[stack]
        return self

    def _state_location(self, stack: str, backend: LocalBackendConfig | S3BackendConfig) -> str:
        if isinstance(backend, S3BackendConfig):
            return f"s3://{backend.bucket}/{backend.key}"
        return backend.path or self.names.local_state_file(stack)

    @cached_property
    def names(self) -> Names:
        return Names(
            log_archive_account_id=self.log_archive.account_id,
            home_region=self.home_region,
            bucket=self.bucket_name,
        )

    @property
    def account_by_stack(self) -> dict[str, AccountConfig]:
        """The account each stack works in, and with it where the stack keeps its state."""
        return {
            LOG_ARCHIVE_STACK: self.log_archive,
            MEMBER_STACKSET_STACK: self.stackset_admin,
            GUARDRAILS_STACK: self.guardrails_admin,
        }

    @property
    def guardrails_admin(self) -> AccountConfig:
        """The account the guardrails stack works in; see GuardrailsConfig.policy_admin."""
        if self.guardrails.policy_admin is not None:
            return self.guardrails.policy_admin
        admin = self.stackset_admin
        return AccountConfig(account_id=admin.account_id, role_arn=admin.role_arn)

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
    def delivery_streams_per_region(self) -> int:
        """Streams (and destinations) per deployment region, so no stream runs out of partitions.

        Firehose allows a stream 500 active partitions by default, and more
        can be had only by more streams beyond 5,000 (Firehose developer guide,
        "Buffer data for dynamic partitioning"); the processor makes one
        partition per account.
        """
        return math.ceil(self.stack_set.expected_accounts / self.delivery.accounts_per_stream)

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
