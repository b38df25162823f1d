"""Applying once is enough: a second plan of each stack, as `make plan` makes it, changes nothing."""

from __future__ import annotations

import pytest

from stacks.registry import STACKS_IN_DEPLOY_ORDER
from tools.plan import NO_CHANGES


@pytest.mark.parametrize("stack", STACKS_IN_DEPLOY_ORDER)
def test_second_plan_reports_no_changes(follow_ups, stack):
    planned = follow_ups.second_plans[stack].result()
    summary = planned.summary.read_text()
    # The exit status of terraform plan -detailed-exitcode.
    assert planned.exit_code == NO_CHANGES, summary
    assert summary.startswith(f"### `{stack}`: 0 to add, 0 to change, 0 to destroy\n")
    assert "No resource changes." in summary
