"""The pull request summary of a real plan: the first plan of each stack against the emulator."""

from __future__ import annotations

import json

from stacks.registry import LOG_ARCHIVE_STACK, MEMBER_STACKSET_STACK
from tools.plan_summary import summarize


def first_plan_summary(deployment, stack: str) -> str:
    stack_config = json.loads((deployment.stack_dir(stack) / "cdk.tf.json").read_text())
    return summarize(stack, deployment.first_plans[stack], stack_config)


def test_log_archive_summary_lists_every_resource_and_its_protection(deployment):
    plan = deployment.first_plans[LOG_ARCHIVE_STACK]
    summary = first_plan_summary(deployment, LOG_ARCHIVE_STACK)
    created = [r["address"] for r in plan["resource_changes"]]
    assert summary.startswith(
        f"### `log-archive`: {len(created)} to add, 0 to change, 0 to destroy"
    )
    for address in created:
        assert f"| create | `{address}` |" in summary
    assert "[!CAUTION]" not in summary
    # The central bucket, its locked replica, the access-log and query-results buckets and 2 keys.
    assert summary.count("deletion protection (`prevent_destroy`): on") == 6


def test_log_archive_summary_shows_every_policy_statement(deployment):
    summary = first_plan_summary(deployment, LOG_ARCHIVE_STACK)
    shown = 0
    for change in deployment.first_plans[LOG_ARCHIVE_STACK]["resource_changes"]:
        after = change["change"]["after"]
        for document in ("policy", "assume_role_policy", "access_policy"):
            # A document that names a resource still to be created is known only after apply.
            text = after.get(document)
            for statement in json.loads(text)["Statement"] if text else []:
                assert f"| {statement['Sid']} | {statement['Effect']} |" in summary
                shown += 1
    # Bucket, keys, the destinations' access policies, roles and role policies.
    assert shown >= 10
    assert "- rule.apply_server_side_encryption_by_default.sse_algorithm: `aws:kms`" in summary
    assert "- rule.bucket_key_enabled: `true`" in summary


def test_member_stackset_summary_shows_the_parameters_read_from_log_archive(deployment):
    summary = first_plan_summary(deployment, MEMBER_STACKSET_STACK)
    assert summary.startswith("### `member-stackset`: 3 to add, 0 to change, 0 to destroy")
    assert (
        f"- parameters.LogArchiveAccountId: `{deployment.organization.log_archive_account}`"
        in summary
    )
    assert "- permission_model: `SERVICE_MANAGED`" in summary
    assert "| WriteSessionLogStreams | Allow |" in summary
