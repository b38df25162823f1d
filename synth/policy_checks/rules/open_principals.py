"""CSL-IAM-2: an Allow for any principal is tied to the organization or an account."""

from __future__ import annotations

from collections.abc import Iterator

from cdktf import TerraformResource

from synth.policy_checks.finding import Finding
from synth.policy_checks.rules.policy_statements import allow_statements

# Condition keys that tie a statement with an open principal to our organization or account.
_SCOPING_CONDITION_KEYS = {
    "aws:PrincipalOrgID",
    "aws:SourceOrgID",
    "aws:SourceAccount",
    "aws:PrincipalAccount",
    "kms:CallerAccount",
}


def check(resource: TerraformResource) -> Iterator[Finding]:
    for statement in allow_statements(resource):
        if _has_open_principal(statement) and not _is_scoped(statement):
            sid = statement.get("Sid")
            yield Finding(
                "CSL-IAM-2",
                f"statement {sid!r} allows any principal without an organization or "
                "account condition",
                sid,
            )


def _has_open_principal(statement: dict) -> bool:
    principal = statement.get("Principal")
    return principal == "*" or (isinstance(principal, dict) and principal.get("AWS") == "*")


def _is_scoped(statement: dict) -> bool:
    conditions = statement.get("Condition", {}).values()
    return any(_SCOPING_CONDITION_KEYS & set(operator) for operator in conditions)
