"""The CloudFormation template that every member account gets in every deployment region."""

from __future__ import annotations

import json
import zipfile
from io import BytesIO

import pytest
from cfnlint.api import ManualArgs, lint

from components.member_template import (
    build_member_template,
    config_parameter_values,
    render_template,
)
from components.member_template.lambda_functions import (
    HANDLERS,
    INLINE_CODE_BUDGET_BYTES,
    ZIP_FILE_LIMIT_BYTES,
    inline_code,
)
from config import load_config
from tests.conftest import DEFAULT_CONFIG, EVERY_OPTION_CONFIG, THREE_REGIONS_CONFIG
from tools.scale_config import SCALE_OU_COUNT, write_scale_config

# CreateStackSet/UpdateStackSet accept a TemplateBody of at most 51,200 bytes.
TEMPLATE_BODY_LIMIT = 51_200
KEY_ARN = {
    "Fn::Sub": "arn:${AWS::Partition}:kms:${AWS::Region}:${LogArchiveAccountId}"
    ":key/${LogArchiveKeyId}"
}
LOGS_SERVICE = {"Fn::Sub": "logs.${AWS::Region}.amazonaws.com"}
LOG_GROUP_ARN = {"Fn::GetAtt": ["SessionLogGroup", "Arn"]}
ANY_REGION_KEY_ARN = {
    "Fn::Sub": "arn:${AWS::Partition}:kms:*:${LogArchiveAccountId}:key/${LogArchiveKeyId}"
}
SESSION_LOG_GROUPS_ARN = {
    "Fn::Sub": "arn:${AWS::Partition}:logs:*:${AWS::AccountId}:log-group:"
    "session-manager-log-${AWS::AccountId}:*"
}
LOG_ARCHIVE_PARAMETERS = {"LogArchiveBucketName", "LogArchiveAccountId", "LogArchiveKeyId"}
FUNCTIONS = {
    "SessionPreferencesFunction": ("session-preferences", "session_preferences_handler.py"),
    "InstancePolicyAttachmentFunction": (
        "instance-policy-attachment",
        "role_attachment_handler.py",
    ),
}


@pytest.fixture(scope="module")
def template() -> dict:
    return build_member_template(load_config(DEFAULT_CONFIG))


@pytest.fixture(scope="module")
def every_option_template() -> dict:
    return build_member_template(load_config(EVERY_OPTION_CONFIG))


def statements_by_sid(document: dict) -> dict[str, dict]:
    return {s["Sid"]: s for s in document["Statement"]}


def instance_policy_statements(template: dict) -> dict[str, dict]:
    policy = template["Resources"]["SessionLogInstancePolicy"]["Properties"]["PolicyDocument"]
    return statements_by_sid(policy)


def test_log_group_is_encrypted_with_the_regional_key_and_retained(template):
    group = template["Resources"]["SessionLogGroup"]
    assert group["Type"] == "AWS::Logs::LogGroup"
    assert group["DeletionPolicy"] == "Retain"
    assert group["UpdateReplacePolicy"] == "Retain"
    assert group["Properties"] == {
        "LogGroupName": {"Fn::Sub": "session-manager-log-${AWS::AccountId}"},
        "RetentionInDays": {"Ref": "LogRetentionDays"},
        "KmsKeyId": KEY_ARN,
    }


def test_instance_policy_is_named_per_region_so_regions_do_not_collide(template):
    policy = template["Resources"]["SessionLogInstancePolicy"]
    assert policy["Type"] == "AWS::IAM::ManagedPolicy"
    assert policy["Properties"]["ManagedPolicyName"] == {
        "Fn::Sub": "session-manager-log-access-${AWS::Region}"
    }


def test_account_wide_resources_exist_only_in_the_account_wide_region(template):
    assert template["Conditions"] == {
        "InAccountWideRegion": {"Fn::Equals": [{"Ref": "AWS::Region"}, "ap-northeast-1"]}
    }


@pytest.mark.parametrize("fixture", ["template", "every_option_template"])
def test_only_the_account_wide_region_holds_the_iam_policies_and_attaches_them(request, fixture):
    # One copy per account: attached to a role once, not once per region, so
    # roles stay within IAM's quota of managed policies per role.
    template = request.getfixturevalue(fixture)
    conditional = {
        name for name, resource in template["Resources"].items() if "Condition" in resource
    }
    policies = {
        name
        for name, resource in template["Resources"].items()
        if resource["Type"] == "AWS::IAM::ManagedPolicy"
    }
    assert policies <= conditional
    attachment = {name for name in template["Resources"] if "InstancePolicyAttachment" in name}
    assert attachment <= conditional
    assert {template["Resources"][name]["Condition"] for name in conditional} == {
        "InAccountWideRegion"
    }
    assert template["Outputs"]["InstancePolicyArn"]["Condition"] == "InAccountWideRegion"


@pytest.mark.parametrize("fixture", ["template", "every_option_template"])
def test_named_iam_resources_include_the_region(request, fixture):
    name_properties = {"AWS::IAM::ManagedPolicy": "ManagedPolicyName", "AWS::IAM::Role": "RoleName"}
    named = 0
    for resource in request.getfixturevalue(fixture)["Resources"].values():
        name = resource["Properties"].get(name_properties.get(resource["Type"], ""))
        if name is not None:
            assert "${AWS::Region}" in name["Fn::Sub"]
            named += 1
    assert named >= 3


def test_instance_policy_is_least_privilege(template):
    statements = instance_policy_statements(template)
    assert set(statements) == {
        "FindSessionLogGroup",
        "WriteSessionLogStreams",
        "UseSessionLogKeyThroughCloudWatchLogs",
    }
    assert statements["FindSessionLogGroup"]["Action"] == "logs:DescribeLogGroups"
    assert statements["FindSessionLogGroup"]["Resource"] == "*"
    write = statements["WriteSessionLogStreams"]
    assert write["Action"] == [
        "logs:CreateLogStream",
        "logs:DescribeLogStreams",
        "logs:PutLogEvents",
    ]
    # The session log group and the key replica of every region, by name.
    assert write["Resource"] == SESSION_LOG_GROUPS_ARN
    key = statements["UseSessionLogKeyThroughCloudWatchLogs"]
    assert key["Resource"] == ANY_REGION_KEY_ARN
    assert key["Condition"] == {"StringLike": {"kms:ViaService": "logs.*.amazonaws.com"}}
    assert all(s["Effect"] == "Allow" for s in statements.values())


def test_instance_policy_adds_session_decryption_and_s3_uploads_when_configured(
    every_option_template,
):
    statements = instance_policy_statements(every_option_template)
    assert statements["DecryptSessionData"] == {
        "Sid": "DecryptSessionData",
        "Effect": "Allow",
        "Action": "kms:Decrypt",
        "Resource": ANY_REGION_KEY_ARN,
    }
    assert statements["UploadSessionLogs"]["Action"] == ["s3:PutObject", "s3:PutObjectAcl"]
    assert statements["UploadSessionLogs"]["Resource"] == {
        "Fn::Sub": "arn:${AWS::Partition}:s3:::${S3LogBucketName}/${S3LogKeyPrefix}*"
    }
    assert statements["CheckSessionLogBucketEncryption"] == {
        "Sid": "CheckSessionLogBucketEncryption",
        "Effect": "Allow",
        "Action": "s3:GetEncryptionConfiguration",
        "Resource": {"Fn::Sub": "arn:${AWS::Partition}:s3:::${S3LogBucketName}"},
    }
    assert statements["EncryptSessionLogUploads"] == {
        "Sid": "EncryptSessionLogUploads",
        "Effect": "Allow",
        "Action": "kms:GenerateDataKey",
        "Resource": {"Ref": "S3LogBucketKeyArn"},
    }


def test_users_get_a_policy_for_encrypted_sessions_only_when_configured(
    template, every_option_template
):
    assert "SessionEncryptionUserPolicy" not in template["Resources"]
    policy = every_option_template["Resources"]["SessionEncryptionUserPolicy"]["Properties"]
    assert policy["ManagedPolicyName"] == {
        "Fn::Sub": "session-manager-session-encryption-${AWS::Region}"
    }
    assert policy["PolicyDocument"]["Statement"] == [
        {
            "Sid": "EncryptSessionData",
            "Effect": "Allow",
            "Action": "kms:GenerateDataKey",
            "Resource": ANY_REGION_KEY_ARN,
        }
    ]


def test_session_log_group_is_subscribed_to_the_regions_destination(template):
    subscription = template["Resources"]["SessionLogSubscription"]
    assert subscription["Type"] == "AWS::Logs::SubscriptionFilter"
    assert subscription["Properties"] == {
        "FilterName": "central-session-logs",
        "LogGroupName": {"Ref": "SessionLogGroup"},
        "FilterPattern": "",
        "DestinationArn": {
            "Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${LogArchiveAccountId}"
            ":destination:central-session-logs"
        },
        "RoleArn": {"Fn::GetAtt": ["SessionLogSubscriptionRole", "Arn"]},
    }


def test_sender_role_is_trusted_by_cloudwatch_logs_of_the_region_and_may_only_put_events(
    template,
):
    role = template["Resources"]["SessionLogSubscriptionRole"]["Properties"]
    assert role["RoleName"] == {"Fn::Sub": "central-session-logs-subscription-${AWS::Region}"}
    assert role["AssumeRolePolicyDocument"]["Statement"] == [
        {"Effect": "Allow", "Principal": {"Service": LOGS_SERVICE}, "Action": "sts:AssumeRole"}
    ]
    [inline] = role["Policies"]
    assert inline["PolicyDocument"]["Statement"] == [
        {
            "Sid": "ValidateTheSubscription",
            "Effect": "Allow",
            "Action": "logs:PutLogEvents",
            "Resource": LOG_GROUP_ARN,
        }
    ]


def test_session_preferences_are_upserted_by_a_custom_resource(template):
    preferences = template["Resources"]["SessionManagerPreferences"]
    assert preferences["Type"] == "Custom::SessionManagerPreferences"
    properties = preferences["Properties"]
    assert properties["ServiceToken"] == {"Fn::GetAtt": ["SessionPreferencesFunction", "Arn"]}
    assert properties["DocumentName"] == "SSM-SessionManagerRunShell"
    content = properties["Content"]
    assert content["sessionType"] == "Standard_Stream"
    assert content["inputs"] == {
        "cloudWatchLogGroupName": {"Ref": "SessionLogGroup"},
        "cloudWatchStreamingEnabled": True,
        "cloudWatchEncryptionEnabled": True,
        "idleSessionTimeout": {"Ref": "IdleSessionTimeout"},
        "maxSessionDuration": {"Ref": "MaxSessionDuration"},
        "kmsKeyId": "",
        "s3BucketName": "",
        "s3KeyPrefix": "",
        "s3EncryptionEnabled": True,
        "runAsEnabled": False,
        "runAsDefaultUser": "",
    }


def test_every_session_input_follows_the_config_when_switched_on(every_option_template):
    inputs = every_option_template["Resources"]["SessionManagerPreferences"]["Properties"][
        "Content"
    ]["inputs"]
    assert inputs["kmsKeyId"] == KEY_ARN
    assert inputs["s3BucketName"] == {"Ref": "S3LogBucketName"}
    assert inputs["s3KeyPrefix"] == {"Ref": "S3LogKeyPrefix"}
    assert inputs["s3EncryptionEnabled"] is True
    assert inputs["runAsEnabled"] is True
    assert inputs["runAsDefaultUser"] == {"Ref": "RunAsDefaultUser"}
    assert inputs["shellProfile"] == {
        "windows": {"Ref": "ShellProfileWindows"},
        "linux": {"Ref": "ShellProfileLinux"},
    }


@pytest.mark.parametrize("logical_id", sorted(FUNCTIONS))
def test_custom_resource_functions_run_the_inlined_handler_with_their_own_log_group(
    every_option_template, logical_id
):
    name, handler_file = FUNCTIONS[logical_id]
    resources = every_option_template["Resources"]
    function = resources[logical_id]["Properties"]
    assert function["FunctionName"] == f"central-session-logs-{name}"
    assert (function["Runtime"], function["Handler"]) == ("python3.12", "index.handler")
    assert function["Code"] == {"ZipFile": inline_code(HANDLERS / handler_file)}
    assert function["LoggingConfig"] == {
        "LogGroup": {"Ref": f"{logical_id}LogGroup"},
        "LogFormat": "Text",
    }
    group = resources[f"{logical_id}LogGroup"]["Properties"]
    assert group == {
        "LogGroupName": f"/central-session-logs/{name}",
        "RetentionInDays": 365,
        "KmsKeyId": KEY_ARN,
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
        "StringEquals": {"kms:ViaService": LOGS_SERVICE}
    }


def test_preferences_function_may_only_write_the_one_document(template):
    role = template["Resources"]["SessionPreferencesFunctionRole"]["Properties"]
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
    template, every_option_template
):
    assert not {"InstancePolicyAttachment", "InstancePolicyAttachmentFunction"} & set(
        template["Resources"]
    )
    resources = every_option_template["Resources"]
    assert resources["InstancePolicyAttachment"] == {
        "Type": "Custom::InstancePolicyAttachment",
        "Condition": "InAccountWideRegion",
        "Properties": {
            "ServiceToken": {"Fn::GetAtt": ["InstancePolicyAttachmentFunction", "Arn"]},
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


def test_rdp_recordings_go_to_the_central_bucket_with_the_regional_key(template):
    preferences = template["Resources"]["RdpRecordingPreferences"]
    assert preferences["Type"] == "AWS::SSMGuiConnect::Preferences"
    assert preferences["Properties"]["ConnectionRecordingPreferences"] == {
        "KMSKeyArn": KEY_ARN,
        "RecordingDestinations": {
            "S3Buckets": [
                {"BucketName": {"Ref": "LogArchiveBucketName"},
                 "BucketOwner": {"Ref": "LogArchiveAccountId"}}
            ]
        },
    }  # fmt: skip


def test_session_setting_parameters_accept_only_what_session_manager_accepts(template):
    parameters = template["Parameters"]
    assert (
        parameters["IdleSessionTimeout"]["MinValue"],
        parameters["IdleSessionTimeout"]["MaxValue"],
    ) == (1, 60)
    assert (
        parameters["MaxSessionDuration"]["MinValue"],
        parameters["MaxSessionDuration"]["MaxValue"],
    ) == (1, 1440)
    assert 3 in parameters["LogRetentionDays"]["AllowedValues"]
    assert 4 not in parameters["LogRetentionDays"]["AllowedValues"]  # fmt: skip


@pytest.mark.parametrize("config_file", [DEFAULT_CONFIG, THREE_REGIONS_CONFIG, EVERY_OPTION_CONFIG])
def test_template_declares_exactly_the_parameters_the_stack_set_passes(config_file):
    config = load_config(config_file)
    declared = set(build_member_template(config)["Parameters"])
    assert declared == LOG_ARCHIVE_PARAMETERS | set(config_parameter_values(config))


def test_config_values_become_parameter_values():
    values = config_parameter_values(load_config(EVERY_OPTION_CONFIG))
    assert values["InstanceRoleNames"].split(",")[0] == (
        "service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole"
    )
    assert len(values["InstanceRoleNames"].split(",")) == 10
    # CloudFormation accepts parameter values of at most 4,096 bytes.
    assert max(len(v.encode()) for v in values.values()) <= 4096
    assert values["ShellProfileLinux"] == "cd ${HOME}; exec bash -l"
    assert values["RunAsDefaultUser"] == "ssm-operator"
    assert values["S3LogKeyPrefix"] == "session-manager/transcripts"


@pytest.mark.parametrize("fixture", ["template", "every_option_template"])
def test_rendering_is_deterministic(request, fixture):
    rendered = render_template(request.getfixturevalue(fixture))
    assert rendered == render_template(json.loads(rendered))


def test_the_largest_template_fits_the_template_body_limit(every_option_template):
    size = len(render_template(every_option_template).encode())
    assert size < TEMPLATE_BODY_LIMIT
    # The every-option config switches on every optional resource.
    assert set(every_option_template["Resources"]) >= {
        "InstancePolicyAttachment",
        "SessionEncryptionUserPolicy",
    }


@pytest.mark.parametrize("handler_file", sorted(f for _, f in FUNCTIONS.values()))
def test_inline_handlers_stay_within_their_budget_and_cloudformations_zip_limit(handler_file):
    code = inline_code(HANDLERS / handler_file)
    assert len(code.encode()) <= INLINE_CODE_BUDGET_BYTES
    archive = BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("index.py", code)
    assert len(archive.getvalue()) <= ZIP_FILE_LIMIT_BYTES
    compile(code, "index.py", "exec")


@pytest.mark.parametrize("fixture", ["template", "every_option_template"])
def test_cfn_lint_finds_nothing_in_any_member_region(request, fixture):
    regions = sorted(
        {
            *load_config(THREE_REGIONS_CONFIG).member_regions,
            *load_config(EVERY_OPTION_CONFIG).member_regions,
        }
    )
    matches = lint(
        render_template(request.getfixturevalue(fixture)), config=ManualArgs(regions=regions)
    )
    assert [str(match) for match in matches] == []


def test_cfn_lint_would_report_a_broken_template(template):
    broken = json.loads(render_template(template))
    broken["Resources"]["SessionLogGroup"]["Properties"]["RetentionInDays"] = 4
    matches = lint(render_template(broken), config=ManualArgs(regions=["us-east-1"]))
    assert matches


def test_template_does_not_grow_with_the_organization(template, tmp_path):
    scale = load_config(write_scale_config(DEFAULT_CONFIG, tmp_path / "scale.yaml"))
    assert len(scale.target_ou_ids) == SCALE_OU_COUNT
    assert render_template(build_member_template(scale)) == render_template(template)
