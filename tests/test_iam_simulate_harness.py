"""The IAM simulation harness itself: it allows, denies and refuses, so a passing policy test means something."""

from __future__ import annotations

import pytest

from tests.support.iam_simulate import (
    NOT_INSTALLED,
    Case,
    IamSimulateError,
    decisions,
    simulator_installed,
    unknown_actions,
)

pytestmark = pytest.mark.skipif(not simulator_installed(), reason=NOT_INSTALLED)

PRINCIPAL = "arn:aws:iam::111111111111:role/session-user"
SSH_DOCUMENT = "arn:aws:ssm:eu-west-1:111111111111:document/AWS-StartSSHSession"
SHELL_DOCUMENT = "arn:aws:ssm:eu-west-1:111111111111:document/SSM-SessionManagerRunShell"
# AWS's own documents have no account in their ARN, a form the Service Authorization
# Reference data lacks: cases name them in the caller's account, as SSH_DOCUMENT does.
AWS_OWNED_DOCUMENT = "arn:aws:ssm:eu-west-1::document/AWS-StartPortForwardingSession"
GUICONNECT = "ssm-guiconnect.amazonaws.com"


def policy(effect: str, action: str, resource: str, condition: dict | None = None) -> dict:
    statement = {"Effect": effect, "Action": action, "Resource": resource}
    if condition:
        statement["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [statement]}


ALLOW_SESSIONS = policy("Allow", "ssm:StartSession", "*")
DENY_SSH = policy("Deny", "ssm:StartSession", "arn:aws:ssm:*:*:document/AWS-StartSSHSession")
DENY_UNLESS_GUICONNECT = policy(
    "Deny",
    "ssm:StartSession",
    "*",
    {"StringNotEqualsIfExists": {"aws:CalledViaFirst": GUICONNECT}},
)


def session(resource: str, **context: str | list[str]) -> Case:
    return Case(PRINCIPAL, "ssm:StartSession", resource, context)


def test_the_account_is_the_principals():
    assert session(SHELL_DOCUMENT).account_id == "111111111111"


def test_an_identity_policy_allows():
    assert decisions(
        [session(SHELL_DOCUMENT)], service_control_policies=[], identity_policies=[ALLOW_SESSIONS]
    ) == ["Allowed"]


def test_an_scp_denies_its_resource_and_no_other():
    assert decisions(
        [session(SSH_DOCUMENT), session(SHELL_DOCUMENT)],
        service_control_policies=[DENY_SSH],
        identity_policies=[ALLOW_SESSIONS],
    ) == ["ExplicitlyDenied", "Allowed"]


def test_a_condition_reads_the_context():
    assert decisions(
        [session(SHELL_DOCUMENT), session(SHELL_DOCUMENT, **{"aws:CalledViaFirst": GUICONNECT})],
        service_control_policies=[DENY_UNLESS_GUICONNECT],
        identity_policies=[ALLOW_SESSIONS],
    ) == ["ExplicitlyDenied", "Allowed"]


def test_without_an_identity_policy_nothing_is_allowed():
    assert decisions(
        [session(SHELL_DOCUMENT)], service_control_policies=[], identity_policies=[]
    ) == ["ImplicitlyDenied"]


def test_unknown_actions_are_reported_and_known_ones_are_not():
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["ssm:StartSesion", "ssm:StartSession", "logs:Put*", "*"],
                "Resource": "*",
            },
            {
                "Effect": "Deny",
                "NotAction": ["nosuchservice:Get*", "ssm-guiconnect:*"],
                "Resource": "*",
            },
            {"Effect": "Deny", "Action": "logs:Nothing*", "Resource": "*"},
        ],
    }
    assert unknown_actions([document]) == ["logs:Nothing*", "nosuchservice:Get*", "ssm:StartSesion"]


def test_a_misspelt_action_is_refused():
    with pytest.raises(IamSimulateError, match="ssm:StartSesion"):
        decisions(
            [Case(PRINCIPAL, "ssm:StartSesion", SHELL_DOCUMENT)],
            service_control_policies=[],
            identity_policies=[ALLOW_SESSIONS],
        )


def test_a_misspelt_context_key_is_refused():
    # The simulator itself would drop the key and read the condition as if it were absent.
    with pytest.raises(IamSimulateError, match="aws:CalledViaFrist"):
        decisions(
            [session(SHELL_DOCUMENT, **{"aws:CalledViaFrist": GUICONNECT})],
            service_control_policies=[DENY_UNLESS_GUICONNECT],
            identity_policies=[ALLOW_SESSIONS],
        )


def test_an_aws_owned_document_arn_is_refused():
    with pytest.raises(IamSimulateError, match=r"no\.resource\.types"):
        decisions(
            [session(AWS_OWNED_DOCUMENT)],
            service_control_policies=[],
            identity_policies=[ALLOW_SESSIONS],
        )
