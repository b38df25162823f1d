"""The Markdown plan summary, on hand-made plans (tests/fixtures/plans/)."""

from __future__ import annotations

import json

import pytest

from tests.support.configs import FIXTURES
from tests.support.snapshot import assert_matches_snapshot
from tools import plan_summary
from tools.plan_summary import summarize

PLANS = FIXTURES / "plans"


def load(name: str) -> dict:
    return json.loads((PLANS / name).read_text())


@pytest.fixture(scope="module")
def data_loss() -> str:
    return summarize("log-archive", load("data-loss.plan.json"), load("data-loss.cdk.tf.json"))


def test_counts_like_terraform_with_a_replacement_as_add_and_destroy(data_loss):
    assert data_loss.startswith("### `log-archive`: 2 to add, 1 to change, 2 to destroy\n")


def test_deleted_or_replaced_bucket_and_keys_lead_the_summary(data_loss):
    top = data_loss.split("| action | resource |")[0]
    assert "> [!CAUTION]" in top
    assert (
        "`aws_s3_bucket.central_log_bucket`: **replace** (forced by bucket), stopped by prevent_destroy"
        in top
    )
    assert "`aws_kms_replica_key.session_log_key_replica_us_east_1`: **delete**\n" in top


def test_every_resource_is_listed_with_its_action(data_loss):
    for action, address in [
        ("update", "aws_kms_key.session_log_key"),
        ("delete", "aws_kms_replica_key.session_log_key_replica_us_east_1"),
        ("replace", "aws_s3_bucket.central_log_bucket"),
        (
            "create",
            "aws_s3_bucket_server_side_encryption_configuration.central_log_bucket_encryption",
        ),
    ]:
        assert f"| {action} | `{address}` |" in data_loss
    assert "<details><summary>1 unchanged</summary>" in data_loss
    assert "- `aws_s3_bucket_policy.central_log_bucket_policy`" in data_loss


def test_changed_policy_shows_its_statements_and_a_diff(data_loss):
    assert "**policy** (changed)" in data_loss
    assert (
        "| GuiConnectEncryptsRdpRecordings | Allow | Service: `ssm-guiconnect.amazonaws.com` "
        "| `kms:GenerateDataKey` | `*` | StringEquals `aws:SourceOrgID`: `o-exampleorg1` |"
    ) in data_loss
    assert '+      "Sid": "GuiConnectEncryptsRdpRecordings"' in data_loss


def test_a_new_service_control_policy_shows_its_statements_and_what_not_means():
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ProtectRdpRecordingPreferences",
                "Effect": "Deny",
                "Action": "ssm-guiconnect:DeleteConnectionRecordingPreferences",
                "Resource": "*",
            },
            {
                "Sid": "DenySessionsThatAreNotLogged",
                "Effect": "Deny",
                "Action": "ssm:StartSession",
                "NotResource": ["arn:aws:ec2:*:*:instance/*"],
            },
        ],
    }
    after = {"name": "guardrail", "type": "SERVICE_CONTROL_POLICY", "content": json.dumps(document)}
    plan = {
        "resource_changes": [
            {
                "address": "aws_organizations_policy.guardrails_guardrail",
                "type": "aws_organizations_policy",
                "change": {"actions": ["create"], "before": None, "after": after},
            }
        ]
    }
    summary = summarize("guardrails", plan, {})
    assert (
        "| ProtectRdpRecordingPreferences | Deny |  | "
        "`ssm-guiconnect:DeleteConnectionRecordingPreferences` | `*` |  |"
    ) in summary
    assert (
        "| DenySessionsThatAreNotLogged | Deny |  | `ssm:StartSession` | "
        "all but `arn:aws:ec2:*:*:instance/*` |  |"
    ) in summary


def archive_change(resource_type: str, before: dict | None, after: dict | None) -> dict:
    actions = ["update"] if before and after else ["delete"] if before else ["create"]
    return {
        "address": f"{resource_type}.central_log_bucket",
        "type": resource_type,
        "change": {"actions": actions, "before": before, "after": after},
    }


def lifecycle(expiration: int | None, noncurrent: int) -> dict:
    return {
        "rule": [
            {"id": "recordings", "expiration": [{"days": expiration}] if expiration else []},
            {
                "id": "noncurrent-versions",
                "noncurrent_version_expiration": [{"noncurrent_days": noncurrent}],
            },
        ]
    }


def lock(mode: str, days: int) -> dict:
    return {"rule": [{"default_retention": [{"mode": mode, "days": days}]}]}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            archive_change(
                "aws_s3_bucket_lifecycle_configuration", lifecycle(None, 30), lifecycle(365, 30)
            ),
            "rule `recordings` expiration: never → 365 days",
        ),
        (
            archive_change(
                "aws_s3_bucket_lifecycle_configuration", lifecycle(730, 30), lifecycle(730, 7)
            ),
            "rule `noncurrent-versions` noncurrent versions: 30 days → 7 days",
        ),
        (
            archive_change(
                "aws_s3_bucket_object_lock_configuration",
                lock("COMPLIANCE", 365),
                lock("GOVERNANCE", 365),
            ),
            "mode `COMPLIANCE` → `GOVERNANCE`",
        ),
        (
            archive_change(
                "aws_s3_bucket_object_lock_configuration",
                lock("GOVERNANCE", 365),
                lock("GOVERNANCE", 30),
            ),
            "days 365 → 30",
        ),
        (
            archive_change(
                "aws_s3_bucket_object_lock_configuration", lock("COMPLIANCE", 365), None
            ),
            "**delete**: the default retention of new objects ends",
        ),
        (
            archive_change("aws_s3_bucket_replication_configuration", {"role": "r"}, None),
            "**delete**: new objects stop reaching the locked replica",
        ),
    ],
)
def test_a_shorter_retention_or_weaker_lock_leads_the_summary(change, expected):
    summary = summarize("log-archive", {"resource_changes": [change]}, {})
    caution = summary.split("> [!CAUTION]\n", 1)[1].split("\n\n", 1)[0]
    assert "shortens how long the archive keeps objects, or weakens its lock" in caution
    assert f"> - `{change['address']}`: {expected}" in caution


@pytest.mark.parametrize(
    "change",
    [
        archive_change(
            "aws_s3_bucket_lifecycle_configuration", lifecycle(365, 30), lifecycle(730, 90)
        ),
        archive_change("aws_s3_bucket_lifecycle_configuration", None, lifecycle(365, 30)),
        archive_change(
            "aws_s3_bucket_object_lock_configuration",
            lock("GOVERNANCE", 30),
            lock("COMPLIANCE", 365),
        ),
    ],
)
def test_a_longer_retention_a_stronger_lock_or_a_first_deploy_raise_no_caution(change):
    assert "[!CAUTION]" not in summarize("log-archive", {"resource_changes": [change]}, {})


def test_updates_show_only_changed_settings_as_before_and_after(data_loss):
    assert "- enable_key_rotation: `true` → `false`" in data_loss
    assert "deletion_window_in_days" not in data_loss.split("(update)")[1].split("####")[0]


def test_encryption_and_deletion_protection_read_as_settings(data_loss):
    assert "- rule.apply_server_side_encryption_by_default.sse_algorithm: `aws:kms`" in data_loss
    assert "- rule.bucket_key_enabled: `true`" in data_loss
    assert data_loss.count("- deletion protection (`prevent_destroy`): on") == 2


def test_whole_summary_matches_the_reviewed_copy(data_loss):
    assert_matches_snapshot("plan-summary-data-loss.md", data_loss)


def test_unknown_and_sensitive_values_are_named_not_shown():
    summary = summarize("member-stackset", load("unknown-values.plan.json"), {})
    assert "- parameters: (known after apply)" in summary
    assert "- template_body: (sensitive)" in summary
    assert "Resources" not in summary


def test_a_plan_without_changes_says_so():
    plan = load("unknown-values.plan.json")
    plan["resource_changes"] = [
        c for c in plan["resource_changes"] if c["change"]["actions"] == ["no-op"]
    ]
    summary = summarize("log-archive", plan, {})
    assert summary.startswith("### `log-archive`: 0 to add, 0 to change, 0 to destroy\n")
    assert "No resource changes." in summary
    assert "Security-relevant settings" not in summary
    assert "[!CAUTION]" not in summary


def test_command_line_reads_the_stack_folder_and_plan(tmp_path, capsys, data_loss):
    stack_dir = tmp_path / "log-archive"
    stack_dir.mkdir()
    (stack_dir / "cdk.tf.json").write_text((PLANS / "data-loss.cdk.tf.json").read_text())
    assert plan_summary.main([str(stack_dir), str(PLANS / "data-loss.plan.json")]) == 0
    assert capsys.readouterr().out == data_loss


@pytest.fixture(scope="module")
def stack_instances() -> dict:
    return load("stack-instances.plan.json")


def test_deleted_or_replaced_stack_instances_lead_the_summary_with_accounts_times_regions(
    stack_instances,
):
    summary = summarize("member-stackset", stack_instances, {}, expected_accounts=500)
    top = summary.split("| action | resource |")[0]
    assert "> [!CAUTION]" in top
    # The state lists the accounts, so the config's estimate is not needed.
    assert (
        "member stacks of 3 accounts x 2 regions = 6 stacks (accounts listed in the state)" in top
    )
    assert (
        '> - `aws_cloudformation_stack_set_instance.member_stack_set_instances["us-east-1"]`: '
        "**replace** (forced by deployment_targets.0.organizational_unit_ids)\n"
    ) in top
    assert (
        '> - `aws_cloudformation_stack_set_instance.member_stack_set_instances["ap-northeast-1"]`: '
        "**delete**\n"
    ) in top


def test_without_accounts_in_the_state_the_expected_accounts_are_counted(stack_instances):
    plan = json.loads(json.dumps(stack_instances))
    for change in plan["resource_changes"]:
        (change["change"]["before"] or {}).pop("stack_instance_summaries", None)
    summary = summarize("member-stackset", plan, {}, expected_accounts=500)
    assert (
        "500 accounts x 2 regions = 1,000 stacks "
        "(accounts: the config's `stack_set.expected_accounts`)"
    ) in summary
    unsized = summarize("member-stackset", plan, {})
    assert "member stacks of every target account in 2 regions" in unsized


def test_created_or_unchanged_stack_instances_raise_no_caution(stack_instances):
    plan = json.loads(json.dumps(stack_instances))
    for change in plan["resource_changes"]:
        change["change"]["actions"] = ["create"]
    assert "[!CAUTION]" not in summarize("member-stackset", plan, {}, expected_accounts=500)


def test_command_line_passes_the_expected_accounts(tmp_path, capsys):
    stack_dir = tmp_path / "member-stackset"
    stack_dir.mkdir()
    (stack_dir / "cdk.tf.json").write_text("{}")
    plan = PLANS / "stack-instances.plan.json"
    assert plan_summary.main([str(stack_dir), str(plan), "--expected-accounts", "500"]) == 0
    assert "3 accounts x 2 regions" in capsys.readouterr().out
