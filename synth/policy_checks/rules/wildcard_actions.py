"""CSL-IAM-1: no Allow statement grants a wildcard action."""

from __future__ import annotations

from collections.abc import Iterator

from cdktf import TerraformResource

from synth.policy_checks.finding import Finding
from synth.policy_checks.rules.policy_statements import allow_statements


def check(resource: TerraformResource) -> Iterator[Finding]:
    for statement in allow_statements(resource):
        if _has_wildcard_action(statement):
            sid = statement.get("Sid")
            yield Finding("CSL-IAM-1", f"statement {sid!r} allows a wildcard action", sid)


def _has_wildcard_action(statement: dict) -> bool:
    actions = statement.get("Action", [])
    actions = [actions] if isinstance(actions, str) else actions
    return any(action == "*" or action.endswith(":*") for action in actions)
