"""How AWS would decide a request against policy documents, asked of @cloud-copilot/iam-simulate.

The simulator is a Node library, so iam_simulate.mjs beside this module runs it:
one node process per call, JSON on stdin and stdout. The tests use it to check
what the project's SCPs and roles decide, and that every action they name
exists in the Service Authorization Reference.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from project import PROJECT_ROOT

SCRIPT = Path(__file__).with_name("iam_simulate.mjs")
PACKAGE = PROJECT_ROOT / "node_modules" / "@cloud-copilot" / "iam-simulate"
NOT_INSTALLED = "IAM SIMULATION NOT RUN: node_modules missing; `make test` installs it"


class IamSimulateError(Exception):
    """The simulator refused a request: an unknown action, resource type or context key."""


@dataclass(frozen=True)
class Case:
    """One request: who calls which action on which resource, with which context keys."""

    principal: str
    action: str
    resource: str
    context: Mapping[str, str | list[str]] = field(default_factory=dict)

    @property
    def account_id(self) -> str:
        # The simulator wants the resource's account; sessions stay in the caller's own
        # account, and the ARN of an AWS-owned document carries none, so take the principal's.
        return self.principal.split(":")[4]


def simulator_installed() -> bool:
    return PACKAGE.is_dir()


def decisions(
    cases: Sequence[Case],
    *,
    service_control_policies: Sequence[dict],
    identity_policies: Sequence[dict],
) -> list[str]:
    """The decision on each case, in order: Allowed, ExplicitlyDenied or ImplicitlyDenied."""
    answer = _run(
        {
            "kind": "decide",
            "serviceControlPolicies": list(service_control_policies),
            "identityPolicies": list(identity_policies),
            "cases": [_request(case) for case in cases],
        }
    )
    return answer["decisions"]


def unknown_actions(documents: Sequence[dict]) -> list[str]:
    """The Action and NotAction entries of the documents that match no action AWS has."""
    return _run({"kind": "unknown_actions", "documents": list(documents)})["unknown"]


def _request(case: Case) -> dict:
    return {
        "principal": case.principal,
        "action": case.action,
        "resource": case.resource,
        "accountId": case.account_id,
        # AWS sets aws:PrincipalArn on every signed request; the simulator
        # does not fill in request keys itself. For a role the key is the
        # role's ARN, which is how the cases name their principals.
        "context": {"aws:PrincipalArn": case.principal, **case.context},
    }


def _run(request: dict) -> dict:
    result = subprocess.run(
        ["node", str(SCRIPT)],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        check=False,
        cwd=PROJECT_ROOT,
        timeout=120,
    )
    if result.returncode != 0:
        raise IamSimulateError(result.stderr)
    return json.loads(result.stdout)
