"""How `make deploy` and `make diff` call the cdktf CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from stacks.registry import in_deploy_order
from tools.cdktf_cli import CDKTF, cdktf_commands

CLI = str(CDKTF)


def test_deploy_runs_every_stack_in_one_cdktf_call_log_archive_first_guardrails_last():
    assert cdktf_commands("deploy", []) == [
        [CLI, "deploy", "log-archive", "member-stackset", "guardrails"]
    ]
    assert cdktf_commands("deploy", ["guardrails", "member-stackset", "log-archive"]) == [
        [CLI, "deploy", "log-archive", "member-stackset", "guardrails"]
    ]


def test_deploying_one_stack_does_not_require_the_other():
    assert cdktf_commands("deploy", ["member-stackset"], auto_approve=True) == [
        [CLI, "deploy", "member-stackset", "--ignore-missing-stack-dependencies", "--auto-approve"]
    ]


def test_diff_plans_one_stack_per_call_in_deploy_order():
    assert cdktf_commands("diff", [], output=Path("out")) == [
        [CLI, "diff", "log-archive", "--output", "out"],
        [CLI, "diff", "member-stackset", "--output", "out"],
        [CLI, "diff", "guardrails", "--output", "out"],
    ]


def test_an_unknown_stack_is_refused_with_the_known_ones():
    with pytest.raises(
        ValueError,
        match="unknown stack member; the stacks are log-archive, member-stackset, guardrails",
    ):
        in_deploy_order(["member"])
