"""The member template's resources: the session log group, its subscription, the preferences.

What every member account gets in every deployment region, and what only the
account-wide region's stack instance holds.
"""

from __future__ import annotations

import pytest

from tests.support.templates import REGIONAL_KEY_ARN


def test_log_group_is_encrypted_with_the_regional_key_and_retained(default_template):
    group = default_template.body["Resources"]["SessionLogGroup"]
    assert group["Type"] == "AWS::Logs::LogGroup"
    assert group["DeletionPolicy"] == "Retain"
    assert group["UpdateReplacePolicy"] == "Retain"
    assert group["Properties"] == {
        "LogGroupName": {"Fn::Sub": "session-manager-log-${AWS::AccountId}"},
        "RetentionInDays": {"Ref": "LogRetentionDays"},
        "KmsKeyId": REGIONAL_KEY_ARN,
    }


def test_account_wide_resources_exist_only_in_the_account_wide_region(default_template):
    assert default_template.body["Conditions"] == {
        "InAccountWideRegion": {"Fn::Equals": [{"Ref": "AWS::Region"}, "ap-northeast-1"]}
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
    assert {body["Resources"][name]["Condition"] for name in conditional} == {"InAccountWideRegion"}
    assert body["Outputs"]["InstancePolicyArn"]["Condition"] == "InAccountWideRegion"


def test_session_log_group_is_subscribed_to_the_regions_destination(default_template):
    subscription = default_template.body["Resources"]["SessionLogSubscription"]
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


def test_session_preferences_are_upserted_by_a_custom_resource(default_template):
    preferences = default_template.body["Resources"]["SessionManagerPreferences"]
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
    preferences = default_template.body["Resources"]["RdpRecordingPreferences"]
    assert preferences["Type"] == "AWS::SSMGuiConnect::Preferences"
    assert preferences["Properties"]["ConnectionRecordingPreferences"] == {
        "KMSKeyArn": REGIONAL_KEY_ARN,
        "RecordingDestinations": {
            "S3Buckets": [
                {"BucketName": {"Ref": "LogArchiveBucketName"},
                 "BucketOwner": {"Ref": "LogArchiveAccountId"}}
            ]
        },
    }  # fmt: skip
