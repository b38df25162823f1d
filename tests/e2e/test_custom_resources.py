"""The emulator sends custom resources the requests CloudFormation sends (tests/e2e/custom_resources.py).

A probe handler records each event it gets in an SSM parameter of the stack's
account, through the endpoint and credentials the harness gives it, and
answers with a physical id made from its Name property.
"""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.e2e.support import assumed_session

# An account and region of their own, away from the shared deployment.
PROBE_ACCOUNT = "111122223333"
PROBE_REGION = "eu-west-1"
PROBE_HANDLER = """
import json, urllib.request, boto3

def handler(event, context):
    boto3.client("ssm").put_parameter(
        Name="/probe/" + event["RequestType"], Value=json.dumps(event), Type="String", Overwrite=True
    )
    properties = event["ResourceProperties"]
    answer = {
        "Status": "FAILED" if properties["Fail"] == "true" else "SUCCESS",
        "Reason": "the probe was asked to fail",
        "PhysicalResourceId": "probe-" + properties["Name"],
        "StackId": event["StackId"],
        "RequestId": event["RequestId"],
        "LogicalResourceId": event["LogicalResourceId"],
        "Data": {"Echo": properties["Name"]},
    }
    request = urllib.request.Request(event["ResponseURL"], json.dumps(answer).encode(), method="PUT")
    urllib.request.urlopen(request)
"""
PROBE_TEMPLATE = {
    "Parameters": {"Name": {"Type": "String"}, "Fail": {"Type": "String"}},
    "Resources": {
        "ProbeRole": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "lambda.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                }
            },
        },
        "ProbeFunction": {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "Runtime": "python3.12",
                "Handler": "index.handler",
                "Role": {"Fn::GetAtt": ["ProbeRole", "Arn"]},
                "Code": {"ZipFile": PROBE_HANDLER},
            },
        },
        "Probe": {
            "Type": "Custom::Probe",
            "Properties": {
                "ServiceToken": {"Fn::GetAtt": ["ProbeFunction", "Arn"]},
                "ServiceTimeout": 60,
                "Name": {"Ref": "Name"},
                "Fail": {"Ref": "Fail"},
                "Count": 3,
                "Nested": {"List": [1, True, {"Inner": 2.5}]},
            },
        },
    },
    "Outputs": {"Echo": {"Value": {"Fn::GetAtt": ["Probe", "Echo"]}}},
}


@pytest.fixture
def probe_session(emulator) -> boto3.Session:
    return assumed_session(
        emulator, f"arn:aws:iam::{PROBE_ACCOUNT}:role/probe", PROBE_REGION, "probe"
    )


def deploy_probe(emulator, session, action: str, name: str, fail: str = "false") -> None:
    getattr(session.client("cloudformation", endpoint_url=emulator), action)(
        StackName=f"probe-{name}" if action == "create_stack" else "probe-first",
        TemplateBody=json.dumps(PROBE_TEMPLATE),
        Parameters=[
            {"ParameterKey": "Name", "ParameterValue": name},
            {"ParameterKey": "Fail", "ParameterValue": fail},
        ],
        Capabilities=["CAPABILITY_IAM"],
    )


def last_event(emulator, session, request_type: str) -> dict:
    ssm = session.client("ssm", endpoint_url=emulator)
    return json.loads(ssm.get_parameter(Name=f"/probe/{request_type}")["Parameter"]["Value"])


def test_create_update_and_delete_reach_the_handler_as_cloudformation_sends_them(
    emulator, probe_session
):
    cloudformation = probe_session.client("cloudformation", endpoint_url=emulator)
    deploy_probe(emulator, probe_session, "create_stack", "first")
    created = last_event(emulator, probe_session, "Create")
    assert created["RequestType"] == "Create"
    assert "PhysicalResourceId" not in created
    assert created["ResourceType"] == "Custom::Probe"
    assert created["LogicalResourceId"] == "Probe"
    assert created["StackId"].startswith(f"arn:aws:cloudformation:{PROBE_REGION}:{PROBE_ACCOUNT}:")
    assert created["ServiceToken"].startswith(f"arn:aws:lambda:{PROBE_REGION}:{PROBE_ACCOUNT}:")
    assert created["ResourceProperties"] == {
        "ServiceToken": created["ServiceToken"],
        "Name": "first",
        "Fail": "false",
        "Count": "3",
        "Nested": {"List": ["1", "true", {"Inner": "2.5"}]},
    }
    [stack] = cloudformation.describe_stacks(StackName="probe-first")["Stacks"]
    assert stack["Outputs"] == [{"OutputKey": "Echo", "OutputValue": "first"}]

    deploy_probe(emulator, probe_session, "update_stack", "second")
    updated = last_event(emulator, probe_session, "Update")
    assert updated["PhysicalResourceId"] == "probe-first"
    assert updated["ResourceProperties"]["Name"] == "second"
    assert updated["OldResourceProperties"]["Name"] == "first"
    # The new physical id made the update a replacement: the old one is deleted.
    assert last_event(emulator, probe_session, "Delete")["PhysicalResourceId"] == "probe-first"

    cloudformation.delete_stack(StackName="probe-first")
    deleted = last_event(emulator, probe_session, "Delete")
    assert deleted["PhysicalResourceId"] == "probe-second"
    assert deleted["ResourceProperties"]["Name"] == "second"


def test_a_failed_answer_fails_the_stack_operation(emulator, probe_session):
    with pytest.raises(ClientError, match="the probe was asked to fail"):
        deploy_probe(emulator, probe_session, "create_stack", "failing", fail="true")
