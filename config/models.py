"""The config models every stack is built from.

Each model forbids unknown keys, so a typo in the YAML file is an error rather
than a silently ignored setting. Each field's description is its entry in
docs/configuration.md, which config/reference.py renders from these models.
"""

from __future__ import annotations

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
    S3KeyPrefix,
    ShellProfile,
    TagKey,
    TagValue,
)
from stacks.registry import LOG_ARCHIVE_STACK, MEMBER_STACKSET_STACK


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
        locations = {stack: self._state_location(stack, b) for stack, b in backends.items()}
        if len(set(locations.values())) < len(locations):
            raise ValueError(
                "log_archive.backend and stackset_admin.backend point at the same state "
                f"{locations[LOG_ARCHIVE_STACK]!r}; each stack needs its own"
            )
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
