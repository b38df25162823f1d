"""The custom resource that attaches the instance policy to the listed roles, against moto.

Runs through the CloudFormation stand-in of tests/support/custom_resources.py,
once with the handler imported and once as the inlined code Lambda runs.
"""

from __future__ import annotations

import json

import boto3
import pytest

from tests.support.custom_resources import HANDLER_FORMS, load_handler

pytestmark = pytest.mark.parametrize("how", HANDLER_FORMS)

POLICY_DOCUMENT = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"}],
    }
)
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)
DHMC_ROLE = "service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole"


def handler(how: str):
    return load_handler("role_attachment", how)


def create_policy(name: str = "session-manager-log-access-us-east-1") -> str:
    return boto3.client("iam").create_policy(PolicyName=name, PolicyDocument=POLICY_DOCUMENT)[
        "Policy"
    ]["Arn"]


def create_role(path_and_name: str) -> None:
    path, _, name = path_and_name.rpartition("/")
    boto3.client("iam").create_role(
        RoleName=name, Path=f"/{path}/" if path else "/", AssumeRolePolicyDocument=TRUST
    )


def attached(role: str) -> list[str]:
    policies = boto3.client("iam").list_attached_role_policies(RoleName=role)
    return [p["PolicyArn"] for p in policies["AttachedPolicies"]]


def test_attaches_to_roles_that_exist_and_skips_the_others(how, cloudformation):
    policy_arn = create_policy()
    create_role(DHMC_ROLE)
    create_role("app-instance")
    answer = cloudformation.invoke(
        handler(how),
        "Create",
        {"PolicyArn": policy_arn, "RoleNames": [DHMC_ROLE, "app-instance", "not-in-this-account"]},
    )
    assert (answer["Status"], answer["PhysicalResourceId"]) == ("SUCCESS", policy_arn)
    assert attached("AWSSystemsManagerDefaultEC2InstanceManagementRole") == [policy_arn]
    assert attached("app-instance") == [policy_arn]


def test_update_detaches_from_roles_no_longer_listed(how, cloudformation):
    loaded = handler(how)
    policy_arn = create_policy()
    for role in ("kept", "dropped"):
        create_role(role)
    cloudformation.invoke(
        loaded, "Create", {"PolicyArn": policy_arn, "RoleNames": ["kept", "dropped"]}
    )
    answer = cloudformation.invoke(
        loaded,
        "Update",
        {"PolicyArn": policy_arn, "RoleNames": ["kept"]},
        PhysicalResourceId=policy_arn,
        OldResourceProperties={"PolicyArn": policy_arn, "RoleNames": ["kept", "dropped"]},
    )
    assert answer["Status"] == "SUCCESS"
    assert (attached("kept"), attached("dropped")) == ([policy_arn], [])


def test_a_new_policy_is_attached_and_the_old_one_left_to_its_delete(how, cloudformation):
    loaded = handler(how)
    old_arn, new_arn = create_policy("old-policy"), create_policy("new-policy")
    create_role("instance")
    cloudformation.invoke(loaded, "Create", {"PolicyArn": old_arn, "RoleNames": ["instance"]})
    answer = cloudformation.invoke(
        loaded,
        "Update",
        {"PolicyArn": new_arn, "RoleNames": ["instance"]},
        PhysicalResourceId=old_arn,
        OldResourceProperties={"PolicyArn": old_arn, "RoleNames": ["instance"]},
    )
    assert answer["PhysicalResourceId"] == new_arn
    assert sorted(attached("instance")) == sorted([old_arn, new_arn])
    # The changed physical id makes CloudFormation delete the old one afterwards.
    cloudformation.invoke(
        loaded,
        "Delete",
        {"PolicyArn": old_arn, "RoleNames": ["instance"]},
        PhysicalResourceId=old_arn,
    )
    assert attached("instance") == [new_arn]


def test_delete_detaches_from_every_listed_role_that_still_exists(how, cloudformation):
    loaded = handler(how)
    policy_arn = create_policy()
    create_role(DHMC_ROLE)
    properties = {"PolicyArn": policy_arn, "RoleNames": [DHMC_ROLE, "never-existed"]}
    cloudformation.invoke(loaded, "Create", properties)
    answer = cloudformation.invoke(loaded, "Delete", properties, PhysicalResourceId=policy_arn)
    assert answer["Status"] == "SUCCESS"
    assert attached("AWSSystemsManagerDefaultEC2InstanceManagementRole") == []
