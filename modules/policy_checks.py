"""Security rules every stack must pass before it is written, checked as a cdktf Aspect.

As in cdk-nag, a rule reports an error on the resource that breaks it, and
synthesis stops with every error listed. A deliberate exception is recorded
next to the resource with `suppress(...)`, which demands a written reason.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from weakref import WeakKeyDictionary

import jsii
from cdktf import Annotations, IAspect, TerraformResource
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from cdktf_cdktf_provider_aws.kms_replica_key import KmsReplicaKey
from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket
from constructs import IConstruct

MIN_REASON_LENGTH = 20
# Condition keys that tie a statement with an open principal to our organization or account.
_SCOPING_CONDITION_KEYS = {
    "aws:PrincipalOrgID",
    "aws:SourceOrgID",
    "aws:SourceAccount",
    "aws:PrincipalAccount",
    "kms:CallerAccount",
}
_DATA_RESOURCES = (S3Bucket, KmsKey, KmsReplicaKey)
# Where resources keep policy documents: bucket, key and IAM policies, role
# trust policies, CloudWatch Logs destination access policies.
_POLICY_ATTRIBUTES = ("policy_input", "assume_role_policy_input", "access_policy_input")
_KEY_RESOURCES = (KmsKey, KmsReplicaKey)


@dataclass(frozen=True)
class Finding:
    rule: str
    message: str
    # What within the resource the finding is about (a statement Sid), so a
    # suppression can cover one statement and not the whole policy.
    subject: str | None = None


@dataclass(frozen=True)
class Suppression:
    rule: str
    reason: str
    applies_to: str | None

    def covers(self, finding: Finding) -> bool:
        return self.rule == finding.rule and self.applies_to in (None, finding.subject)


# Kept on the Python side, keyed by the construct: jsii hands the Aspect the
# same Python objects, where construct metadata would cost about ten round
# trips to the jsii runtime per finding.
_suppressions: WeakKeyDictionary[IConstruct, list[Suppression]] = WeakKeyDictionary()


def suppress(construct: IConstruct, rule: str, reason: str, applies_to: str | None = None) -> None:
    """Accepts a rule's finding on `construct` (or one policy statement of it) for a stated reason."""
    if len(reason.strip()) < MIN_REASON_LENGTH:
        raise ValueError(
            f"suppressing {rule} on {construct.node.path} needs a reason of at least "
            f"{MIN_REASON_LENGTH} characters, got {reason!r}"
        )
    _suppressions.setdefault(construct, []).append(Suppression(rule, reason, applies_to))


@jsii.implements(IAspect)
class PolicyChecks:
    def visit(self, node: IConstruct) -> None:
        if not isinstance(node, TerraformResource):
            return
        # Every read is a round trip to the jsii runtime, so the rules tell
        # resource types apart by their Python class and read only what they check.
        for check in _CHECKS:
            for finding in check(node):
                if not _is_suppressed(node, finding):
                    Annotations.of(node).add_error(f"[{finding.rule}] {finding.message}")


def _is_suppressed(node: IConstruct, finding: Finding) -> bool:
    # The resource's own suppressions first: listing its scopes takes two round trips.
    return _suppressed_on(node, finding) or any(
        _suppressed_on(scope, finding) for scope in node.node.scopes
    )


def _suppressed_on(construct: IConstruct, finding: Finding) -> bool:
    return any(suppression.covers(finding) for suppression in _suppressions.get(construct, ()))


def _kept_from_destroy(resource: TerraformResource) -> Iterator[Finding]:
    if isinstance(resource, _DATA_RESOURCES):
        # The meta-arguments come back as one plain object in jsii's names;
        # `resource.lifecycle` would fetch each of the struct's eight fields.
        lifecycle = resource.terraform_meta_arguments.get("lifecycle") or {}
        if not lifecycle.get("preventDestroy"):
            yield Finding("CSL-DATA-1", "holds audit data or its key and needs prevent_destroy")


def _key_rotates(resource: TerraformResource) -> Iterator[Finding]:
    # Replicas share the primary's rotation, so only primaries are checked.
    if isinstance(resource, KmsKey) and not resource.enable_key_rotation_input:
        yield Finding("CSL-KMS-1", "customer managed keys must have automatic rotation on")


def _key_deletion_waits(resource: TerraformResource) -> Iterator[Finding]:
    waits = not isinstance(resource, _KEY_RESOURCES) or (
        resource.deletion_window_in_days_input == 30
    )
    if not waits:
        yield Finding(
            "CSL-KMS-2", "keys must wait the maximum 30 days before deletion, to allow recovery"
        )


def _policy_statements_are_scoped(resource: TerraformResource) -> Iterator[Finding]:
    for statement in _policy_statements(resource):
        if statement.get("Effect") != "Allow":
            continue
        sid = statement.get("Sid")
        if _has_wildcard_action(statement):
            yield Finding("CSL-IAM-1", f"statement {sid!r} allows a wildcard action", sid)
        if _has_open_principal(statement) and not _is_scoped(statement):
            yield Finding(
                "CSL-IAM-2",
                f"statement {sid!r} allows any principal without an organization or "
                "account condition",
                sid,
            )


def _policy_statements(resource: TerraformResource) -> list[dict]:
    statements: list[dict] = []
    for attribute in _POLICY_ATTRIBUTES:
        text = getattr(resource, attribute, None)
        if isinstance(text, str) and text.startswith("{"):
            found = json.loads(text).get("Statement", [])
            statements += found if isinstance(found, list) else [found]
    return statements


def _has_wildcard_action(statement: dict) -> bool:
    actions = statement.get("Action", [])
    actions = [actions] if isinstance(actions, str) else actions
    return any(action == "*" or action.endswith(":*") for action in actions)


def _has_open_principal(statement: dict) -> bool:
    principal = statement.get("Principal")
    return principal == "*" or (isinstance(principal, dict) and principal.get("AWS") == "*")


def _is_scoped(statement: dict) -> bool:
    conditions = statement.get("Condition", {}).values()
    return any(_SCOPING_CONDITION_KEYS & set(operator) for operator in conditions)


_CHECKS: list[Callable[[TerraformResource], Iterator[Finding]]] = [
    _kept_from_destroy,
    _key_rotates,
    _key_deletion_waits,
    _policy_statements_are_scoped,
]
