"""The policy-check Aspect on minimal stacks: each rule fires, and suppressions need reasons."""

from __future__ import annotations

import importlib
import json

import pytest
from cdktf import App, TerraformStack
from cdktf_cdktf_provider_aws.cloudwatch_log_destination_policy import (
    CloudwatchLogDestinationPolicy,
)
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket
from cdktf_cdktf_provider_aws.s3_bucket_policy import S3BucketPolicy

from project import PROJECT_ROOT
from synth.policy_checks import suppress
from synth.policy_checks.rules import RULES
from tests.support.minimal_stacks import KEPT, checked_stack, good_key

OPEN_STATEMENT = {"Sid": "Open", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                  "Resource": "*"}  # fmt: skip


def bucket_with_policy(stack: TerraformStack, *statements: dict) -> S3BucketPolicy:
    bucket = S3Bucket(stack, "bucket", bucket="b", lifecycle=KEPT)
    document = json.dumps({"Version": "2012-10-17", "Statement": list(statements)})
    return S3BucketPolicy(stack, "policy", bucket=bucket.id, policy=document)


def synth_errors(app: App) -> str:
    try:
        app.synth()
    except RuntimeError as error:
        return str(error)
    return ""


def test_compliant_resources_synthesize(tmp_path):
    app, stack = checked_stack(tmp_path)
    good_key(stack)
    assert synth_errors(app) == ""


@pytest.mark.parametrize(
    ("overrides", "rule"),
    [
        ({"lifecycle": None}, "CSL-DATA-1"),
        ({"enable_key_rotation": False}, "CSL-KMS-1"),
        ({"deletion_window_in_days": 7}, "CSL-KMS-2"),
    ],
)
def test_key_rules_fire(tmp_path, overrides, rule):
    app, stack = checked_stack(tmp_path)
    good_key(stack, **overrides)
    assert f"[minimal/key] [{rule}]" in synth_errors(app)


def test_wildcard_action_and_open_principal_are_reported_per_statement(tmp_path):
    app, stack = checked_stack(tmp_path)
    bucket_with_policy(stack, {**OPEN_STATEMENT, "Action": "s3:*"})
    errors = synth_errors(app)
    assert "[CSL-IAM-1] statement 'Open' allows a wildcard action" in errors
    assert "[CSL-IAM-2] statement 'Open' allows any principal" in errors


def test_open_principal_scoped_to_the_organization_passes(tmp_path):
    app, stack = checked_stack(tmp_path)
    scoped = {**OPEN_STATEMENT, "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-x"}}}
    bucket_with_policy(stack, scoped)
    assert synth_errors(app) == ""


def test_role_trust_and_destination_access_policies_are_checked_too(tmp_path):
    app, stack = checked_stack(tmp_path)
    open_trust = {**OPEN_STATEMENT, "Sid": "OpenTrust", "Action": "sts:AssumeRole"}
    IamRole(stack, "role", assume_role_policy=json.dumps({"Statement": [open_trust]}))
    open_destination = {**OPEN_STATEMENT, "Sid": "OpenDestination", "Action": "logs:*"}
    CloudwatchLogDestinationPolicy(
        stack,
        "destination-policy",
        destination_name="d",
        access_policy=json.dumps({"Statement": [open_destination]}),
    )
    errors = synth_errors(app)
    assert "[minimal/role] [CSL-IAM-2] statement 'OpenTrust'" in errors
    assert "[minimal/destination-policy] [CSL-IAM-1] statement 'OpenDestination'" in errors
    assert "[minimal/destination-policy] [CSL-IAM-2] statement 'OpenDestination'" in errors


def test_suppression_covers_only_the_named_statement(tmp_path):
    app, stack = checked_stack(tmp_path)
    policy = bucket_with_policy(stack, OPEN_STATEMENT, {**OPEN_STATEMENT, "Sid": "AlsoOpen"})
    suppress(policy, "CSL-IAM-2", "a test of statement-level suppressions", applies_to="Open")
    errors = synth_errors(app)
    assert "'Open'" not in errors
    assert "[CSL-IAM-2] statement 'AlsoOpen'" in errors


def test_suppression_on_a_parent_covers_its_resources(tmp_path):
    app, stack = checked_stack(tmp_path)
    good_key(stack, enable_key_rotation=False)
    suppress(stack, "CSL-KMS-1", "a test of suppressions inherited from a scope")
    assert synth_errors(app) == ""


def test_suppression_without_a_real_reason_is_refused(tmp_path):
    _, stack = checked_stack(tmp_path)
    key = good_key(stack)
    with pytest.raises(ValueError, match="needs a reason of at least 20 characters"):
        suppress(key, "CSL-KMS-1", "because")


def test_findings_on_a_resource_are_listed_rule_by_rule(tmp_path):
    app, stack = checked_stack(tmp_path)
    bucket_with_policy(
        stack, {**OPEN_STATEMENT, "Action": "s3:*"}, {**OPEN_STATEMENT, "Sid": "B", "Action": "*"}
    )
    errors = synth_errors(app)
    found = [
        (rule, sid)
        for rule in ("CSL-IAM-1", "CSL-IAM-2")
        for sid in ("Open", "B")
        if f"[{rule}] statement {sid!r}" in errors
    ]
    assert len(found) == 4
    positions = [errors.index(f"[{rule}] statement {sid!r}") for rule, sid in found]
    assert positions == sorted(positions)


def test_every_rule_module_is_run_and_listed_in_the_readme():
    rules_dir = PROJECT_ROOT / "synth" / "policy_checks" / "rules"
    readme = (rules_dir.parent / "README.md").read_text(encoding="utf-8")
    modules = {
        path.stem: importlib.import_module(f"synth.policy_checks.rules.{path.stem}")
        for path in sorted(rules_dir.glob("*.py"))
        if path.stem != "__init__"
    }
    rule_modules = {name: module for name, module in modules.items() if hasattr(module, "check")}
    assert {module.check for module in rule_modules.values()} == set(RULES)
    for name in rule_modules:
        assert f"`rules/{name}.py`" in readme
