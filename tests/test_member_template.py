"""The CloudFormation template that every member account gets in every member region."""

from __future__ import annotations

import json

import pytest
from cfnlint.api import ManualArgs, lint

from config import load_config
from modules.member_template import build_member_template, render_template
from tests.conftest import DEFAULT_CONFIG, THREE_REGIONS_CONFIG
from tools.scale_config import SCALE_OU_COUNT, write_scale_config

# CreateStackSet/UpdateStackSet accept a TemplateBody of at most 51,200 bytes.
TEMPLATE_BODY_LIMIT = 51_200
KEY_ARN = {
    "Fn::Sub": "arn:${AWS::Partition}:kms:${AWS::Region}:${LogArchiveAccountId}"
    ":key/${LogArchiveKeyId}"
}


@pytest.fixture(scope="module")
def template() -> dict:
    return build_member_template(load_config(DEFAULT_CONFIG).names)


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


def test_named_iam_resources_include_the_region(template):
    name_properties = {"AWS::IAM::ManagedPolicy": "ManagedPolicyName", "AWS::IAM::Role": "RoleName"}
    for resource in template["Resources"].values():
        name = resource["Properties"].get(name_properties.get(resource["Type"], ""))
        if name is not None:
            assert "${AWS::Region}" in name["Fn::Sub"]


def test_instance_policy_is_least_privilege(template):
    document = template["Resources"]["SessionLogInstancePolicy"]["Properties"]["PolicyDocument"]
    statements = {s["Sid"]: s for s in document["Statement"]}
    assert statements["FindSessionLogGroup"]["Action"] == "logs:DescribeLogGroups"
    assert statements["FindSessionLogGroup"]["Resource"] == "*"
    write = statements["WriteSessionLogStreams"]
    assert write["Action"] == [
        "logs:CreateLogStream",
        "logs:DescribeLogStreams",
        "logs:PutLogEvents",
    ]
    assert write["Resource"] == {"Fn::GetAtt": ["SessionLogGroup", "Arn"]}
    key = statements["UseSessionLogKeyThroughCloudWatchLogs"]
    assert key["Resource"] == KEY_ARN
    assert key["Condition"] == {
        "StringEquals": {"kms:ViaService": {"Fn::Sub": "logs.${AWS::Region}.amazonaws.com"}}
    }
    assert all(s["Effect"] == "Allow" for s in statements.values())


def test_session_preferences_stream_to_the_encrypted_log_group(template):
    document = template["Resources"]["SessionManagerPreferences"]["Properties"]
    assert document["Name"] == "SSM-SessionManagerRunShell"
    assert document["DocumentType"] == "Session"
    content = document["Content"]
    assert content["sessionType"] == "Standard_Stream"
    assert content["inputs"] == {
        "cloudWatchLogGroupName": {"Ref": "SessionLogGroup"},
        "cloudWatchStreamingEnabled": True,
        "cloudWatchEncryptionEnabled": True,
        "idleSessionTimeout": {"Ref": "IdleSessionTimeout"},
        "maxSessionDuration": {"Ref": "MaxSessionDuration"},
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


def test_rendering_is_deterministic_and_within_the_template_body_limit(template):
    rendered = render_template(template)
    assert rendered == render_template(json.loads(rendered))
    assert len(rendered.encode()) < TEMPLATE_BODY_LIMIT


def test_cfn_lint_finds_nothing_in_any_member_region(template):
    regions = load_config(THREE_REGIONS_CONFIG).member_regions
    matches = lint(render_template(template), config=ManualArgs(regions=regions))
    assert [str(match) for match in matches] == []


def test_cfn_lint_would_report_a_broken_template(template):
    broken = json.loads(render_template(template))
    broken["Resources"]["SessionLogGroup"]["Properties"]["RetentionInDays"] = 4
    matches = lint(render_template(broken), config=ManualArgs(regions=["us-east-1"]))
    assert matches


def test_template_does_not_grow_with_the_organization(template, tmp_path):
    scale = load_config(write_scale_config(DEFAULT_CONFIG, tmp_path / "scale.yaml"))
    assert len(scale.target_ou_ids) == SCALE_OU_COUNT
    assert render_template(build_member_template(scale.names)) == render_template(template)
