"""The Aspect that runs every rule on every resource, and the suppressions it honours.

As in cdk-nag, a rule reports an error on the resource that breaks it, and
synthesis stops with every error listed. A deliberate exception is recorded
next to the resource with `suppress(...)`, which demands a written reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from weakref import WeakKeyDictionary

import jsii
from cdktf import Annotations, IAspect, TerraformResource
from constructs import IConstruct

from synth.policy_checks.finding import Finding
from synth.policy_checks.rules import RULES

MIN_REASON_LENGTH = 20


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
        for check in RULES:
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
