"""The guardrail SCPs: what they deny and allow as AWS would decide it, and their size.

Decisions come from @cloud-copilot/iam-simulate (tests/support/iam_simulate.py),
which follows AWS's documented policy evaluation logic. Every case's caller
has AdministratorAccess, so a denial can only come from the SCPs; the same
table without them allows everything (test_without_the_guardrails_...), which
shows each expected denial is the SCPs' doing.
"""

from __future__ import annotations

import json

import pytest

from components.guardrails.policies import STACKSETS_EXECUTION_ROLE
from config.names import Names
from tests.support.iam_simulate import NOT_INSTALLED, Case, decisions, simulator_installed

ACCOUNT = "111111111111"
REGION = "eu-west-1"
PREFIX = Names.prefix
ADMIN = f"arn:aws:iam::{ACCOUNT}:role/AdminRole"
BREAK_GLASS = f"arn:aws:iam::{ACCOUNT}:role/BreakGlassOperator"
PROJECT_FUNCTION_ROLE = f"arn:aws:iam::{ACCOUNT}:role/{PREFIX}-session-preferences-{REGION}"
STACKSETS = STACKSETS_EXECUTION_ROLE.replace("::*:", f"::{ACCOUNT}:")
ADMINISTRATOR_ACCESS = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}
# Organizations' quotas: 5,120 characters per SCP, 5 SCPs attached to one
# target, FullAWSAccess included (Organizations user guide, "Quotas for AWS
# Organizations").
SCP_MAX_CHARACTERS = 5120
SCPS_PER_TARGET = 5


def document(name: str) -> str:
    # The simulator knows documents only in an account's ARN form, not the
    # account-less form of AWS's own documents (tests/support/iam_simulate.py).
    return f"arn:aws:ssm:{REGION}:{ACCOUNT}:document/{name}"


SESSION_PREFERENCES = document(Names.session_preferences_document)
SESSION_LOG_GROUP = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:session-manager-log-{ACCOUNT}:*"
INSTANCE_POLICY = f"arn:aws:iam::{ACCOUNT}:policy/session-manager-log-access-{REGION}"
PROJECT_FUNCTION = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{PREFIX}-session-preferences"
ACCESS_EVENT_RULE = f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{PREFIX}-access-events"
MEMBER_STACK = (
    f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/"
    f"StackSet-{PREFIX}-member-e6cac20f-1111-46e9-8314-53e0d4591532/4287f9a0-e615-4a3d"
)
INSTANCE = f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/i-0123456789abcdef0"
VIA_GUICONNECT = {
    "aws:CalledVia": ["ssm-guiconnect.amazonaws.com"],
    "aws:CalledViaFirst": "ssm-guiconnect.amazonaws.com",
}

DENIED, ALLOWED = "ExplicitlyDenied", "Allowed"
TAMPERING = [
    ("ssm:UpdateDocument", SESSION_PREFERENCES, {}),
    ("ssm:DeleteDocument", SESSION_PREFERENCES, {}),
    ("ssm:UpdateDocumentDefaultVersion", SESSION_PREFERENCES, {}),
    ("logs:DeleteLogGroup", SESSION_LOG_GROUP, {}),
    ("logs:DeleteSubscriptionFilter", SESSION_LOG_GROUP, {}),
    ("logs:PutSubscriptionFilter", SESSION_LOG_GROUP, {}),
    ("logs:AssociateKmsKey", SESSION_LOG_GROUP, {}),
    ("logs:DisassociateKmsKey", SESSION_LOG_GROUP, {}),
    ("logs:PutRetentionPolicy", SESSION_LOG_GROUP, {}),
    ("ssm-guiconnect:UpdateConnectionRecordingPreferences", "*", {}),
    ("ssm-guiconnect:DeleteConnectionRecordingPreferences", "*", {}),
    ("iam:DeleteRole", PROJECT_FUNCTION_ROLE, {}),
    ("iam:PutRolePolicy", PROJECT_FUNCTION_ROLE, {}),
    ("iam:CreateRole", f"arn:aws:iam::{ACCOUNT}:role/{PREFIX}-impostor", {}),
    ("iam:PassRole", PROJECT_FUNCTION_ROLE, {}),
    ("iam:CreatePolicyVersion", INSTANCE_POLICY, {}),
    (
        "iam:DetachRolePolicy",
        f"arn:aws:iam::{ACCOUNT}:role/MyInstanceRole",
        {"iam:PolicyARN": INSTANCE_POLICY},
    ),
    ("lambda:UpdateFunctionCode", PROJECT_FUNCTION, {}),
    ("lambda:InvokeFunction", PROJECT_FUNCTION, {}),
    ("lambda:DeleteFunction", PROJECT_FUNCTION, {}),
    ("events:DisableRule", ACCESS_EVENT_RULE, {}),
    ("events:RemoveTargets", ACCESS_EVENT_RULE, {}),
    ("events:DeleteRule", ACCESS_EVENT_RULE, {}),
    ("cloudformation:DeleteStack", MEMBER_STACK, {}),
    ("cloudformation:UpdateStack", MEMBER_STACK, {}),
]
UNLOGGED_SESSIONS = [
    ("ssm:StartSession", document("AWS-StartSSHSession"), {}),
    ("ssm:StartSession", document("AWS-StartPortForwardingSession"), {}),
    ("ssm:StartSession", document("AWS-StartPortForwardingSessionToRemoteHost"), {}),
    ("ssm:StartSession", document("MyShellWithoutLogging"), {}),
]
STILL_ALLOWED = [
    ("ssm:StartSession", SESSION_PREFERENCES, {}),
    ("ssm:StartSession", INSTANCE, {}),
    # Fleet Manager RDP and just-in-time RDP: ssm-guiconnect starts the
    # port forwarding session on the user's behalf.
    ("ssm:StartSession", document("AWS-StartPortForwardingSession"), VIA_GUICONNECT),
    ("ssm-guiconnect:StartConnection", "*", {}),
    ("ssm:UpdateDocument", document("MyRunbook"), {}),
    ("logs:DeleteLogGroup", f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/app:*", {}),
    ("logs:PutLogEvents", SESSION_LOG_GROUP, {}),
    ("iam:DeleteRole", f"arn:aws:iam::{ACCOUNT}:role/AppRole", {}),
    (
        "iam:DetachRolePolicy",
        f"arn:aws:iam::{ACCOUNT}:role/MyInstanceRole",
        {"iam:PolicyARN": f"arn:aws:iam::{ACCOUNT}:policy/AppPolicy"},
    ),
    ("lambda:UpdateFunctionCode", f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:app", {}),
    ("events:DeleteRule", f"arn:aws:events:{REGION}:{ACCOUNT}:rule/app-nightly", {}),
    ("cloudformation:DeleteStack", f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/app/1", {}),
]

pytestmark = pytest.mark.skipif(not simulator_installed(), reason=NOT_INSTALLED)


def scps(synth) -> dict[str, dict]:
    policies = synth.resources("guardrails", "aws_organizations_policy")
    return {p["name"]: json.loads(p["content"]) for p in policies.values()}


def decide(principal: str, table: list[tuple], policies: list[dict]) -> list[str]:
    cases = [Case(principal, action, resource, context) for action, resource, context in table]
    return decisions(
        cases, service_control_policies=policies, identity_policies=[ADMINISTRATOR_ACCESS]
    )


def test_a_member_administrator_is_denied_every_tampering_action(default_synth):
    table = TAMPERING + UNLOGGED_SESSIONS
    assert decide(ADMIN, table, list(scps(default_synth).values())) == [DENIED] * len(table)


def test_a_member_administrator_keeps_sessions_rdp_and_their_own_resources(default_synth):
    table = STILL_ALLOWED
    assert decide(ADMIN, table, list(scps(default_synth).values())) == [ALLOWED] * len(table)


@pytest.mark.parametrize("principal", [STACKSETS, PROJECT_FUNCTION_ROLE])
def test_stacksets_and_the_projects_own_roles_may_change_what_they_deploy(default_synth, principal):
    assert decide(principal, TAMPERING, list(scps(default_synth).values())) == [ALLOWED] * len(
        TAMPERING
    )


def test_without_the_guardrails_the_same_table_is_allowed(default_synth):
    """The table can fail: every denial above is the SCPs' doing, not the simulator's."""
    table = TAMPERING + UNLOGGED_SESSIONS
    assert decide(ADMIN, table, []) == [ALLOWED] * len(table)


def test_break_glass_roles_and_allowed_documents_are_let_through(three_region_synth):
    policies = list(scps(three_region_synth).values())
    assert decide(BREAK_GLASS, TAMPERING, policies) == [ALLOWED] * len(TAMPERING)
    port_forwarding = [("ssm:StartSession", document("AWS-StartPortForwardingSession"), {})]
    ssh = [("ssm:StartSession", document("AWS-StartSSHSession"), {})]
    assert decide(ADMIN, port_forwarding + ssh, policies) == [ALLOWED, DENIED]


def test_the_largest_config_fits_organizations_quotas(every_option_synth):
    policies = every_option_synth.resources("guardrails", "aws_organizations_policy")
    sizes = {p["name"]: len(p["content"]) for p in policies.values()}
    assert sizes and max(sizes.values()) <= SCP_MAX_CHARACTERS, sizes
    # Each target gets these and keeps FullAWSAccess, leaving the rest for the customer's own.
    assert len(sizes) + 1 <= SCPS_PER_TARGET - 2


def test_every_target_ou_gets_every_guardrail(three_region_synth):
    attachments = three_region_synth.resources("guardrails", "aws_organizations_policy_attachment")
    targets = json.dumps(three_region_synth.config.target_ou_ids)
    assert len(attachments) == len(scps(three_region_synth))
    assert {a["for_each"] for a in attachments.values()} == {f"${{toset({targets})}}"}
