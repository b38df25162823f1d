"""The minimum-permissions table names every action each stack's apply called in the emulator.

docs/ci-and-permissions.md, "Called during a deployment", lists per stack
and account the IAM actions; tests/e2e/recorded_calls.py records what the
deployment really called. A call the table lacks fails here, with the list
to add.
"""

from __future__ import annotations

import re

from project import PROJECT_ROOT

PERMISSIONS_DOC = PROJECT_ROOT / "docs" / "ci-and-permissions.md"
SECTION = "### Called during a deployment"
_ACTION = re.compile(r"`([a-z0-9-]+:[A-Za-z0-9]+)`")


def documented_actions() -> dict[tuple[str, str], set[str]]:
    """(stack, account role) -> the actions its table row lists."""
    _, _, text = PERMISSIONS_DOC.read_text(encoding="utf-8").partition(SECTION)
    rows = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`"):
            rows[(cells[0].strip("`"), cells[1])] = set(_ACTION.findall(cells[2]))
    return rows


def account_role(deployment, account: str) -> str:
    organization = deployment.organization
    if account == organization.log_archive_account:
        return "log archive"
    if account == organization.management_account:
        return "StackSet admin"
    return "member accounts"


def test_the_table_lists_every_action_the_deployment_called(deployment, recorded_calls):
    documented = documented_actions()
    missing = {}
    for stack, account, action in recorded_calls.calls:
        row = (stack, account_role(deployment, account))
        if action not in documented.get(row, set()):
            missing.setdefault(row, set()).add(action)
    assert recorded_calls.calls, "nothing was recorded"
    assert missing == {}, "add to docs/ci-and-permissions.md: " + repr(
        {row: sorted(actions) for row, actions in missing.items()}
    )
