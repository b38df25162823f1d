"""The member template's resources: the session log group, its subscription, the preferences.

What every member account gets in every deployment region, and what only the
account-wide region's stack instance holds.
"""

from __future__ import annotations

import pytest

from config.regions import COMMERCIAL_REGIONS, RDP_RECORDING_REGIONS
from tests.support.templates import REGIONAL_KEY_ARN


def test_log_group_is_created_or_adopted_keyed_kept_and_subscribed(default_template):
    group = default_template.body["Resources"]["AdoptedSessionLogGroup"]
    assert group["Type"] == "Custom::SessionLogGroup"
    # A custom resource with no DeletionPolicy: its Delete keeps the group.
    assert "DeletionPolicy" not in group
    assert group["Properties"] == {
        "ServiceToken": {"Fn::GetAtt": ["SessionLogGroupFunction", "Arn"]},
        "ServiceTimeout": 360,
        "LogGroupName": {"Fn::Sub": "session-manager-log-${AWS::AccountId}"},
        "RetentionInDays": {"Ref": "LogRetentionDays"},
        "KmsKeyId": REGIONAL_KEY_ARN,
        "FilterName": "central-session-logs-to-log-archive",
        "DestinationArn": {
            "Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${LogArchiveAccountId}"
            ":destination:central-session-logs"
        },
        "DestinationCount": {"Ref": "DeliveryStreamsPerRegion"},
        "AccountId": {"Ref": "AWS::AccountId"},
        "RoleArn": {"Fn::GetAtt": ["SessionLogSubscriptionRole", "Arn"]},
    }


def test_what_an_account_may_already_have_is_written_by_handlers_that_adopt_it(default_template):
    # A resource type that creates these fails with "already exists" there.
    resources = default_template.body["Resources"].values()
    log_groups = [
        r["Properties"]["LogGroupName"] for r in resources if r["Type"] == "AWS::Logs::LogGroup"
    ]
    assert all(name.startswith("/central-session-logs/") for name in log_groups)
    assert not {r["Type"] for r in resources} & {
        "AWS::Logs::SubscriptionFilter",
        "AWS::SSMGuiConnect::Preferences",
        "AWS::SSM::Document",
    }


def test_every_custom_resource_times_out_a_minute_after_its_function(every_option_template):
    resources = every_option_template.body["Resources"]
    custom = {n: r for n, r in resources.items() if r["Type"].startswith("Custom::")}
    assert len(custom) == 4
    for resource in custom.values():
        function = resources[resource["Properties"]["ServiceToken"]["Fn::GetAtt"][0]]
        timeout = resource["Properties"]["ServiceTimeout"]
        assert timeout == function["Properties"]["Timeout"] + 60 <= 3600


def test_account_wide_resources_exist_only_in_the_account_wide_region(default_template):
    assert default_template.body["Conditions"]["InAccountWideRegion"] == {
        "Fn::Equals": [{"Ref": "AWS::Region"}, "ap-northeast-1"]
    }


@pytest.mark.parametrize("fixture", ["default_template", "every_option_template"])
def test_only_the_account_wide_region_holds_the_iam_policies_and_attaches_them(request, fixture):
    # One copy per account: attached to a role once, not once per region, so
    # roles stay within IAM's quota of managed policies per role.
    body = request.getfixturevalue(fixture).body
    conditional = {name for name, resource in body["Resources"].items() if "Condition" in resource}
    policies = {
        name
        for name, resource in body["Resources"].items()
        if resource["Type"] == "AWS::IAM::ManagedPolicy"
    }
    assert policies <= conditional
    attachment = {name for name in body["Resources"] if "InstancePolicyAttachment" in name}
    assert attachment <= conditional
    account_wide = {
        n for n in conditional if body["Resources"][n]["Condition"] == "InAccountWideRegion"
    }
    assert policies | attachment <= account_wide
    assert body["Outputs"]["InstancePolicyArn"]["Condition"] == "InAccountWideRegion"


def test_session_preferences_are_upserted_by_a_custom_resource(default_template):
    preferences = default_template.body["Resources"]["SessionManagerPreferences"]
    assert preferences["Type"] == "Custom::SessionManagerPreferences"
    properties = preferences["Properties"]
    assert properties["ServiceToken"] == {"Fn::GetAtt": ["SessionPreferencesFunction", "Arn"]}
    assert properties["DocumentName"] == "SSM-SessionManagerRunShell"
    content = properties["Content"]
    assert content["sessionType"] == "Standard_Stream"
    assert content["inputs"] == {
        "cloudWatchLogGroupName": {"Ref": "AdoptedSessionLogGroup"},
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
    resources = every_option_template.body["Resources"]
    inputs = resources["SessionManagerPreferences"]["Properties"]["Content"]["inputs"]
    assert inputs["kmsKeyId"] == REGIONAL_KEY_ARN
    assert inputs["s3BucketName"] == {"Ref": "S3LogBucketName"}
    assert inputs["s3KeyPrefix"] == {"Ref": "S3LogKeyPrefix"}
    assert inputs["s3EncryptionEnabled"] is True
    assert inputs["runAsEnabled"] is True
    assert inputs["runAsDefaultUser"] == {"Ref": "RunAsDefaultUser"}
    assert inputs["shellProfile"] == {
        "windows": {"Ref": "ShellProfileWindows"},
        "linux": {"Ref": "ShellProfileLinux"},
    }


def test_rdp_recordings_go_to_the_central_bucket_with_the_regional_key(default_template):
    preferences = default_template.body["Resources"]["RdpRecordingPreferencesWriter"]
    assert preferences["Type"] == "Custom::RdpRecordingPreferences"
    assert preferences["Condition"] == "RecordsRdp"
    assert preferences["Properties"]["ConnectionRecordingPreferences"] == {
        "KMSKeyArn": REGIONAL_KEY_ARN,
        "RecordingDestinations": {
            "S3Buckets": [
                {"BucketName": {"Ref": "LogArchiveBucketName"},
                 "BucketOwner": {"Ref": "LogArchiveAccountId"}}
            ]
        },
    }  # fmt: skip


def test_rdp_recording_is_configured_only_where_the_region_has_it(default_template):
    body = default_template.body
    assert body["Conditions"]["RecordsRdp"] == {
        "Fn::Equals": [
            {"Fn::FindInMap": ["RdpRecording", {"Ref": "AWS::Region"}, "Available"]},
            "true",
        ]
    }
    expected = {
        region: {"Available": str(region in RDP_RECORDING_REGIONS).lower()}
        for region in COMMERCIAL_REGIONS
    }
    assert body["Mappings"]["RdpRecording"] == expected
    recording = {n for n, r in body["Resources"].items() if r.get("Condition") == "RecordsRdp"}
    assert recording == {
        "RdpRecordingPreferencesWriter",
        "RdpRecordingPreferencesFunction",
        "RdpRecordingPreferencesFunctionRole",
        "RdpRecordingPreferencesFunctionLogGroup",
    }


def test_the_verifier_role_exists_only_when_configured_for_canary_streams_and_rdp_preferences(
    default_template, every_option_template
):
    assert "VerifierRole" not in default_template.body["Resources"]
    role = every_option_template.body["Resources"]["VerifierRole"]
    # IAM is global: one role per account, from the account-wide region.
    assert role["Condition"] == "InAccountWideRegion"
    properties = role["Properties"]
    assert properties["RoleName"] == {"Fn::Sub": "central-session-logs-verifier-${AWS::Region}"}
    [trust] = properties["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"AWS": "arn:aws:iam::666666666666:root"}
    [policy] = properties["Policies"]
    statements = {s["Sid"]: s for s in policy["PolicyDocument"]["Statement"]}
    assert statements["PutCanaryEvents"]["Action"] == "logs:PutLogEvents"
    assert statements["PutCanaryEvents"]["Resource"] == {
        "Fn::Sub": "arn:${AWS::Partition}:logs:*:${AWS::AccountId}:log-group:"
        "session-manager-log-${AWS::AccountId}:log-stream:central-session-logs-canary/*"
    }
    # make verify's rdp_recording check reads the preferences and cannot change them.
    assert statements["ReadRdpRecordingPreferences"] == {
        "Sid": "ReadRdpRecordingPreferences",
        "Effect": "Allow",
        "Action": "ssm-guiconnect:GetConnectionRecordingPreferences",
        "Resource": "*",
    }
    assert set(statements) == {
        "CreateCanaryStreams",
        "PutCanaryEvents",
        "ReadRdpRecordingPreferences",
    }
