"""The Lambda functions behind the member template's custom resources, and their inlined code.

The handlers' behaviour is tested in tests/test_<handler module>_handler.py.
"""

from __future__ import annotations

import zipfile
from io import BytesIO

import pytest

from components.member_template.lambda_functions import (
    INLINE_CODE_BUDGET_BYTES,
    RUNTIME_DIR,
    ZIP_FILE_LIMIT_BYTES,
    inline_code,
)
from tests.support.policies import statements_by_sid
from tests.support.templates import REGIONAL_KEY_ARN, REGIONAL_LOGS_SERVICE

# Each function's logical id, its name and its handler module in runtime/.
FUNCTIONS = {
    "SessionPreferencesFunction": ("session-preferences", "session_preferences.py"),
    "InstancePolicyAttachmentFunction": ("instance-policy-attachment", "role_attachment.py"),
    "SessionLogGroupFunction": ("session-log-group", "session_log_group.py"),
    "RdpRecordingPreferencesFunction": (
        "rdp-recording-preferences",
        "rdp_recording_preferences.py",
    ),
}
SESSION_LOG_GROUP_ARN = {
    "Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:"
    "session-manager-log-${AWS::AccountId}"
}


@pytest.mark.parametrize("logical_id", sorted(FUNCTIONS))
def test_custom_resource_functions_run_the_inlined_handler_with_their_own_log_group(
    every_option_template, logical_id
):
    name, handler_file = FUNCTIONS[logical_id]
    resources = every_option_template.body["Resources"]
    function = resources[logical_id]["Properties"]
    assert function["FunctionName"] == f"central-session-logs-{name}"
    assert (function["Runtime"], function["Handler"]) == ("python3.12", "index.handler")
    assert function["Code"] == {"ZipFile": inline_code(RUNTIME_DIR / handler_file)}
    assert function["LoggingConfig"] == {
        "LogGroup": {"Ref": f"{logical_id}LogGroup"},
        "LogFormat": "Text",
    }
    group = resources[f"{logical_id}LogGroup"]["Properties"]
    assert group == {
        "LogGroupName": f"/central-session-logs/{name}",
        "RetentionInDays": 365,
        "KmsKeyId": REGIONAL_KEY_ARN,
    }
    role = resources[f"{logical_id}Role"]["Properties"]
    assert role["RoleName"] == {"Fn::Sub": f"central-session-logs-{name}-${{AWS::Region}}"}
    assert role["AssumeRolePolicyDocument"]["Statement"] == [
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ]
    [inline] = role["Policies"]
    statements = statements_by_sid(inline["PolicyDocument"])
    assert statements["WriteOwnLogs"]["Resource"] == {
        "Fn::GetAtt": [f"{logical_id}LogGroup", "Arn"]
    }
    assert statements["UseLogKeyThroughCloudWatchLogs"]["Condition"] == {
        "StringEquals": {"kms:ViaService": REGIONAL_LOGS_SERVICE}
    }


def test_preferences_function_may_only_write_the_one_document(default_template):
    role = default_template.body["Resources"]["SessionPreferencesFunctionRole"]["Properties"]
    statements = statements_by_sid(role["Policies"][0]["PolicyDocument"])
    assert set(statements) == {
        "WriteOwnLogs",
        "UseLogKeyThroughCloudWatchLogs",
        "WriteSessionPreferencesDocument",
    }
    assert statements["WriteSessionPreferencesDocument"] == {
        "Sid": "WriteSessionPreferencesDocument",
        "Effect": "Allow",
        "Action": [
            "ssm:CreateDocument",
            "ssm:DeleteDocument",
            "ssm:DescribeDocument",
            "ssm:UpdateDocument",
            "ssm:UpdateDocumentDefaultVersion",
        ],
        "Resource": {
            "Fn::Sub": "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:document/"
            "SSM-SessionManagerRunShell"
        },
    }


def test_role_attachment_exists_only_with_role_names_and_may_attach_only_the_instance_policy(
    default_template, every_option_template
):
    assert not {"InstancePolicyAttachment", "InstancePolicyAttachmentFunction"} & set(
        default_template.body["Resources"]
    )
    resources = every_option_template.body["Resources"]
    assert resources["InstancePolicyAttachment"] == {
        "Type": "Custom::InstancePolicyAttachment",
        "Condition": "InAccountWideRegion",
        "Properties": {
            "ServiceToken": {"Fn::GetAtt": ["InstancePolicyAttachmentFunction", "Arn"]},
            "ServiceTimeout": 120,
            "PolicyArn": {"Ref": "SessionLogInstancePolicy"},
            "RoleNames": {"Ref": "InstanceRoleNames"},
        },
    }
    role = resources["InstancePolicyAttachmentFunctionRole"]["Properties"]
    statements = statements_by_sid(role["Policies"][0]["PolicyDocument"])
    assert statements["AttachOnlyTheInstancePolicy"] == {
        "Sid": "AttachOnlyTheInstancePolicy",
        "Effect": "Allow",
        "Action": ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
        "Resource": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/*"},
        "Condition": {"ArnEquals": {"iam:PolicyARN": {"Ref": "SessionLogInstancePolicy"}}},
    }


@pytest.mark.parametrize("handler_file", sorted(f for _, f in FUNCTIONS.values()))
def test_inline_handlers_stay_within_their_budget_and_cloudformations_zip_limit(handler_file):
    code = inline_code(RUNTIME_DIR / handler_file)
    assert len(code.encode()) <= INLINE_CODE_BUDGET_BYTES
    archive = BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("index.py", code)
    assert len(archive.getvalue()) <= ZIP_FILE_LIMIT_BYTES
    compile(code, "index.py", "exec")


def function_statements(template, logical_id: str) -> dict[str, dict]:
    role = template.body["Resources"][f"{logical_id}Role"]["Properties"]
    return statements_by_sid(role["Policies"][0]["PolicyDocument"])


def test_log_group_function_may_set_up_only_the_session_log_group(default_template):
    statements = function_statements(default_template, "SessionLogGroupFunction")
    assert statements["SetUpSessionLogGroup"]["Resource"] == [
        SESSION_LOG_GROUP_ARN,
        {"Fn::Join": ["", [SESSION_LOG_GROUP_ARN, ":*"]]},
    ]
    assert statements["PassSubscriptionRoleToCloudWatchLogs"] == {
        "Sid": "PassSubscriptionRoleToCloudWatchLogs",
        "Effect": "Allow",
        "Action": "iam:PassRole",
        "Resource": {"Fn::GetAtt": ["SessionLogSubscriptionRole", "Arn"]},
        "Condition": {"StringEquals": {"iam:PassedToService": "logs.amazonaws.com"}},
    }
    key = statements["KeySessionLogGroupThroughCloudWatchLogs"]
    assert (key["Resource"], key["Condition"]) == (
        REGIONAL_KEY_ARN,
        {"StringEquals": {"kms:ViaService": REGIONAL_LOGS_SERVICE}},
    )


def test_rdp_function_may_grant_the_key_only_through_guiconnect(default_template):
    statements = function_statements(default_template, "RdpRecordingPreferencesFunction")
    assert statements["LetGuiConnectGrantTheRecordingKey"] == {
        "Sid": "LetGuiConnectGrantTheRecordingKey",
        "Effect": "Allow",
        "Action": "kms:CreateGrant",
        "Resource": REGIONAL_KEY_ARN,
        "Condition": {
            "StringEquals": {
                "kms:ViaService": {"Fn::Sub": "ssm-guiconnect.${AWS::Region}.amazonaws.com"}
            }
        },
    }
    assert statements["WriteRdpRecordingPreferences"]["Resource"] == "*"
