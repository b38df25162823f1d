"""The member template's IAM: the instance policy, the session user policy, the sender role."""

from __future__ import annotations

import pytest

from tests.support.policies import statements_by_sid
from tests.support.templates import REGIONAL_LOGS_SERVICE

# The key and the session log groups in any region of the account: the
# account-wide policies serve every region.
ANY_REGION_KEY_ARN = {
    "Fn::Sub": "arn:${AWS::Partition}:kms:*:${LogArchiveAccountId}:key/${LogArchiveKeyId}"
}
SESSION_LOG_GROUPS_ARN = {
    "Fn::Sub": "arn:${AWS::Partition}:logs:*:${AWS::AccountId}:log-group:"
    "session-manager-log-${AWS::AccountId}:*"
}
LOG_GROUP_ARN = {
    "Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:"
    "session-manager-log-${AWS::AccountId}"
}


def instance_policy_statements(body: dict) -> dict[str, dict]:
    policy = body["Resources"]["SessionLogInstancePolicy"]["Properties"]["PolicyDocument"]
    return statements_by_sid(policy)


def test_instance_policy_is_named_per_region_so_regions_do_not_collide(default_template):
    policy = default_template.body["Resources"]["SessionLogInstancePolicy"]
    assert policy["Type"] == "AWS::IAM::ManagedPolicy"
    assert policy["Properties"]["ManagedPolicyName"] == {
        "Fn::Sub": "session-manager-log-access-${AWS::Region}"
    }


@pytest.mark.parametrize("fixture", ["default_template", "every_option_template"])
def test_named_iam_resources_include_the_region(request, fixture):
    name_properties = {"AWS::IAM::ManagedPolicy": "ManagedPolicyName", "AWS::IAM::Role": "RoleName"}
    named = 0
    for resource in request.getfixturevalue(fixture).body["Resources"].values():
        name = resource["Properties"].get(name_properties.get(resource["Type"], ""))
        if name is not None:
            assert "${AWS::Region}" in name["Fn::Sub"]
            named += 1
    assert named >= 3


def test_instance_policy_is_least_privilege(default_template):
    statements = instance_policy_statements(default_template.body)
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
    statements = instance_policy_statements(every_option_template.body)
    assert statements["DecryptSessionData"] == {
        "Sid": "DecryptSessionData",
        "Effect": "Allow",
        "Action": "kms:Decrypt",
        "Resource": ANY_REGION_KEY_ARN,
        "Condition": {
            "Null": {
                "kms:EncryptionContext:aws:ssm:SessionId": "false",
                "kms:EncryptionContext:aws:ssm:TargetId": "false",
            }
        },
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
    default_template, every_option_template
):
    assert "SessionEncryptionUserPolicy" not in default_template.body["Resources"]
    resources = every_option_template.body["Resources"]
    policy = resources["SessionEncryptionUserPolicy"]["Properties"]
    assert policy["ManagedPolicyName"] == {
        "Fn::Sub": "session-manager-session-encryption-${AWS::Region}"
    }
    assert policy["PolicyDocument"]["Statement"] == [
        {
            "Sid": "EncryptSessionData",
            "Effect": "Allow",
            "Action": "kms:GenerateDataKey",
            "Resource": ANY_REGION_KEY_ARN,
            "Condition": {
                "Null": {
                    "kms:EncryptionContext:aws:ssm:SessionId": "false",
                    "kms:EncryptionContext:aws:ssm:TargetId": "false",
                }
            },
        }
    ]


def test_sender_role_is_trusted_by_cloudwatch_logs_of_the_region_and_may_only_put_events(
    default_template,
):
    role = default_template.body["Resources"]["SessionLogSubscriptionRole"]["Properties"]
    assert role["RoleName"] == {"Fn::Sub": "central-session-logs-subscription-${AWS::Region}"}
    assert role["AssumeRolePolicyDocument"]["Statement"] == [
        {
            "Effect": "Allow",
            "Principal": {"Service": REGIONAL_LOGS_SERVICE},
            "Action": "sts:AssumeRole",
        }
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
