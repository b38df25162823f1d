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


TagKey = Annotated[
    str, StringConstraints(min_length=1, max_length=128), AfterValidator(_not_reserved_by_aws)
]
TagValue = Annotated[str, StringConstraints(max_length=256)]

# The values PutRetentionPolicy accepts (CloudWatch Logs API reference).
LOG_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
    1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip

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


class SessionConfig(StrictModel):
    idle_session_timeout_minutes: int = Field(20, ge=1, le=60)
    max_session_duration_minutes: int = Field(60, ge=1, le=1440)
    log_retention_days: int = 3

    @field_validator("log_retention_days")
    @classmethod
    def _retention_is_accepted_by_cloudwatch(cls, days: int) -> int:
        if days not in LOG_RETENTION_DAYS:
            raise ValueError(f"must be one of {', '.join(map(str, LOG_RETENTION_DAYS))}")
        return days


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

    def __init__(self, config: SessionLogsConfig) -> None:
        self.bucket = config.bucket_name or f"central-logs-{config.log_archive.account_id}"
        self.key_alias = f"alias/{self.prefix}"
        self.stack_set = f"{self.prefix}-member"

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
    stack_set: StackSetConfig = StackSetConfig()
    tags: dict[TagKey, TagValue] = Field(default_factory=dict)
    # For local runs and tests only: every AWS provider and state backend talks to
    # this AWS API emulator instead of AWS.
    emulator_endpoint: EmulatorEndpoint | None = None

    @field_validator("member_regions", "target_ou_ids")
    @classmethod
    def _no_duplicates(cls, values: list[str]) -> list[str]:
        repeated = sorted({v for v in values if values.count(v) > 1})
        if repeated:
            raise ValueError(f"lists {', '.join(repeated)} more than once")
        return values

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


def _state_location(stack: str, backend: LocalBackendConfig | S3BackendConfig) -> str:
    if isinstance(backend, S3BackendConfig):
        return f"s3://{backend.bucket}/{backend.key}"
    return backend.path or Names.local_state_file(stack)
