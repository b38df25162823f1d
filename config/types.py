"""Constrained types of the config, and the patterns it shares with the member template.

Each type's error names the expected form in words, not as a regex. The
`*_PATTERN` constants are also the `AllowedPattern`s of the member template's
CloudFormation parameters (components/member_template/parameters.py), so a
value the config accepts is one CloudFormation accepts;
tests/test_config_types.py checks that both agree on samples.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated
from urllib.parse import SplitResult, urlsplit

from pydantic import AfterValidator, StringConstraints

from config.regions import region_problem

# Full-match patterns, without anchors (CloudFormation's AllowedPattern adds them).
ACCOUNT_ID_PATTERN = r"\d{12}"
# S3 general purpose bucket naming rules, without the rarely used dotted names
# (dots break virtual-hosted TLS and the `bucket/*` ARN patterns in policies).
BUCKET_NAME_PATTERN = r"[a-z0-9][a-z0-9-]{1,61}[a-z0-9]"
KMS_KEY_ARN_PATTERN = r"arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[A-Za-z0-9-]+"
# Linux user names as useradd accepts them by default.
LINUX_USER_NAME_PATTERN = r"([a-z_][a-z0-9_-]{0,31})?"


def _shaped(pattern: str, expected: str) -> AfterValidator:
    """A format check whose error names the expected form in words, not as a regex."""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(f"expected {expected}")
        return value

    return AfterValidator(check)


AccountId = Annotated[str, _shaped(ACCOUNT_ID_PATTERN, "a 12-digit AWS account id in quotes")]


def _deployable_region(region: str) -> str:
    problem = region_problem(region)
    if problem:
        raise ValueError(problem)
    return region


Region = Annotated[
    str,
    _shaped(r"[a-z]{2,4}(-[a-z]+)+-\d", "an AWS region name like us-east-1"),
    AfterValidator(_deployable_region),
]
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
# A role ARN that may use `*` and `?` in the account and after `role/`, as
# ArnLike matches them (IAM user guide, "ARN condition operators"); the
# length keeps the largest guardrails config within the SCP size quota.
RoleArnPattern = Annotated[
    str,
    StringConstraints(max_length=96),
    _shaped(
        r"arn:aws[a-z-]*:iam::(\d{12}|\*):role/[A-Za-z0-9+=,.@_/*?-]+",
        "an IAM role ARN, with * or ? as wildcards, like arn:aws:iam::*:role/BreakGlass*",
    ),
]
# Names CreateDocument accepts (Systems Manager API reference), without ARNs.
SessionDocumentName = Annotated[
    str,
    _shaped(r"[A-Za-z0-9_.-]{3,128}", "a Systems Manager document name like AWS-StartSSHSession"),
]
BucketName = Annotated[
    str,
    _shaped(
        BUCKET_NAME_PATTERN,
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
        KMS_KEY_ARN_PATTERN,
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
LinuxUserName = Annotated[
    str, _shaped(LINUX_USER_NAME_PATTERN, "a Linux user name like ssm-user, or empty")
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
