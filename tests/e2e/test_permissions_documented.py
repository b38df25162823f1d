"""The minimum-permissions table names every action each stack's apply called in the emulator.

docs/ci-and-permissions.md, "Called during a deployment", lists per stack,
account and service the IAM actions; tests/e2e/recorded_calls.py records
what the deployment really called. A call the table lacks fails here, with
the rows to add.
"""

from __future__ import annotations

import re

from project import PROJECT_ROOT
from stacks.registry import GUARDRAILS_STACK

PERMISSIONS_DOC = PROJECT_ROOT / "docs" / "ci-and-permissions.md"
SECTION = "### Called during a deployment"
_ACTION = re.compile(r"`([a-z0-9-]+:[A-Za-z0-9]+)`")


def documented_actions() -> dict[tuple[str, str], set[str]]:
    """(stack, account) -> the actions its table rows list."""
    section = PERMISSIONS_DOC.read_text(encoding="utf-8").split(SECTION, 1)[1]
    section = section.split("\n#", 1)[0]
    rows: dict[tuple[str, str], set[str]] = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].startswith("`"):
            stack, account, _service, actions = cells
            rows.setdefault((stack.strip("`"), account), set()).update(_ACTION.findall(actions))
    return rows


def account_role(deployment, stack: str, account: str) -> str:
    organization = deployment.organization
    if account == organization.log_archive_account:
        return "log archive"
    if account == organization.management_account:
        return "policy admin" if stack == GUARDRAILS_STACK else "StackSet admin"
    return "member accounts"


def missing_rows(deployment, recorded_calls) -> dict[tuple[str, str, str], list[str]]:
    documented = documented_actions()
    missing: dict[tuple[str, str, str], set[str]] = {}
    for stack, account, action in recorded_calls.calls:
        row = (stack, account_role(deployment, stack, account))
        if action not in documented.get(row, set()):
            missing.setdefault((*row, action.split(":")[0]), set()).add(action)
    return {row: sorted(actions) for row, actions in sorted(missing.items())}


def test_the_table_lists_every_action_the_deployment_called(deployment, recorded_calls):
    assert recorded_calls.calls, "nothing was recorded"
    missing = missing_rows(deployment, recorded_calls)
    assert missing == {}, "add to docs/ci-and-permissions.md:\n" + "\n".join(
        f"| `{stack}` | {account} | {service} | " + ", ".join(f"`{a}`" for a in actions) + " |"
        for (stack, account, service), actions in missing.items()
    )
