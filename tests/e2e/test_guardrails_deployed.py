"""The guardrails stack's SCPs exist in the emulated organization and are attached to every target OU."""

from __future__ import annotations

import json

from stacks.guardrails_stack import service_control_policies


def test_every_guardrail_is_attached_to_every_target_ou(deployment):
    orgs = deployment.client("organizations", account=deployment.organization.management_account)
    listed = orgs.list_policies(Filter="SERVICE_CONTROL_POLICY")["Policies"]
    by_name = {p["Name"]: p["Id"] for p in listed}
    expected = service_control_policies(deployment.config)
    assert expected
    for scp in expected:
        policy_id = by_name[scp.name]
        content = orgs.describe_policy(PolicyId=policy_id)["Policy"]["Content"]
        assert json.loads(content) == scp.document
        targets = orgs.list_targets_for_policy(PolicyId=policy_id)["Targets"]
        assert sorted(t["TargetId"] for t in targets) == sorted(deployment.config.target_ou_ids)
