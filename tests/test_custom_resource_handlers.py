"""The member template's custom resource handlers against moto, answering a local CloudFormation stand-in.

Every test runs twice: with the handler imported as a module, and with the
inlined code the template gives Lambda, so the inlining cannot break a handler.
"""

from __future__ import annotations

import importlib
import json
import threading
import types
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

import boto3
import pytest
from moto import mock_aws

from components.member_template.lambda_functions import HANDLERS, inline_code
from components.member_template.runtime.session_preferences import DEFAULT_PREFERENCES

DOCUMENT = "SSM-SessionManagerRunShell"
PREFERENCES = {
    "schemaVersion": "1.0",
    "description": "Session Manager preferences managed by Central Session Logs",
    "sessionType": "Standard_Stream",
    # As CloudFormation passes them: every value a string.
    "inputs": {
        "cloudWatchLogGroupName": "session-manager-log-123456789012",
        "cloudWatchEncryptionEnabled": "true",
        "cloudWatchStreamingEnabled": "true",
        "s3EncryptionEnabled": "true",
        "runAsEnabled": "false",
        "idleSessionTimeout": "20",
    },
}
CONSOLE_PREFERENCES = {
    "schemaVersion": "1.0",
    "description": "Document to hold regional settings for Session Manager",
    "sessionType": "Standard_Stream",
    "inputs": {"idleSessionTimeout": "20", "cloudWatchStreamingEnabled": False},
}


class CloudFormation(BaseHTTPRequestHandler):
    """Receives the handler's answer as CloudFormation's pre-signed ResponseURL would."""

    answers: ClassVar[list[dict]] = []

    def do_PUT(self) -> None:
        length = int(self.headers["Content-Length"])
        CloudFormation.answers.append(json.loads(self.rfile.read(length)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def response_url():
    server = HTTPServer(("127.0.0.1", 0), CloudFormation)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/response"
    server.shutdown()


@pytest.fixture(autouse=True)
def aws(monkeypatch):
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    CloudFormation.answers.clear()
    with mock_aws():
        yield


def load(handler_name: str, how: str) -> types.ModuleType:
    if how == "module":
        return importlib.import_module(f"components.member_template.{handler_name}")
    module = types.ModuleType(f"inlined_{handler_name}")
    exec(compile(inline_code(HANDLERS / f"{handler_name}.py"), "index.py", "exec"), module.__dict__)
    return module


@pytest.fixture(params=["module", "inlined"])
def how(request) -> str:
    return request.param


def invoke(handler, response_url: str, request_type: str, properties: dict, **extra) -> dict:
    event = {
        "RequestType": request_type,
        "ResponseURL": response_url,
        "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/member/guid",
        "RequestId": f"request-{len(CloudFormation.answers)}",
        "LogicalResourceId": "Resource",
        "ResourceType": "Custom::Test",
        "ResourceProperties": {"ServiceToken": "arn:aws:lambda:...", **properties},
        **extra,
    }
    handler.handler(event, None)
    answer = CloudFormation.answers[-1]
    assert (answer["RequestId"], answer["StackId"], answer["LogicalResourceId"]) == (
        event["RequestId"],
        event["StackId"],
        "Resource",
    )
    return answer


# SSM-SessionManagerRunShell ---------------------------------------------------


def preferences(content: dict = PREFERENCES) -> dict:
    return {"DocumentName": DOCUMENT, "Content": content}


def stored_document() -> tuple[dict, str, str]:
    """The default version's content, the default version and the latest version."""
    ssm = boto3.client("ssm")
    description = ssm.describe_document(Name=DOCUMENT)["Document"]
    content = ssm.get_document(Name=DOCUMENT)["Content"]
    return json.loads(content), description["DefaultVersion"], description["LatestVersion"]


def typed(content: dict) -> dict:
    inputs = dict(content["inputs"])
    for key in ("cloudWatchEncryptionEnabled", "cloudWatchStreamingEnabled", "s3EncryptionEnabled"):
        inputs[key] = True
    inputs["runAsEnabled"] = False
    return {**content, "inputs": inputs}


def create_console_document() -> None:
    boto3.client("ssm").create_document(
        Name=DOCUMENT,
        Content=json.dumps(CONSOLE_PREFERENCES),
        DocumentType="Session",
        DocumentFormat="JSON",
    )


def test_create_writes_a_missing_document_with_real_booleans(how, response_url):
    answer = invoke(load("session_preferences_handler", how), response_url, "Create", preferences())
    assert (answer["Status"], answer["PhysicalResourceId"]) == ("SUCCESS", DOCUMENT)
    content, default, latest = stored_document()
    assert content == typed(PREFERENCES)
    assert content["inputs"]["cloudWatchStreamingEnabled"] is True
    assert (default, latest) == ("1", "1")


def test_create_updates_a_document_the_console_already_created(how, response_url):
    create_console_document()
    answer = invoke(load("session_preferences_handler", how), response_url, "Create", preferences())
    assert answer["Status"] == "SUCCESS"
    content, default, latest = stored_document()
    assert content == typed(PREFERENCES)
    assert (default, latest) == ("2", "2")


def test_update_adds_a_version_and_makes_it_the_default(how, response_url):
    handler = load("session_preferences_handler", how)
    invoke(handler, response_url, "Create", preferences())
    changed = {**PREFERENCES, "inputs": {**PREFERENCES["inputs"], "idleSessionTimeout": "15"}}
    answer = invoke(
        handler, response_url, "Update", preferences(changed), PhysicalResourceId=DOCUMENT
    )
    assert answer["Status"] == "SUCCESS"
    content, default, latest = stored_document()
    assert content["inputs"]["idleSessionTimeout"] == "15"
    assert (default, latest) == ("2", "2")


def test_update_with_unchanged_content_keeps_the_latest_version_as_default(how, response_url):
    handler = load("session_preferences_handler", how)
    invoke(handler, response_url, "Create", preferences())
    answer = invoke(handler, response_url, "Update", preferences(), PhysicalResourceId=DOCUMENT)
    assert answer["Status"] == "SUCCESS"
    assert stored_document()[1:] == ("1", "1")


def test_delete_restores_the_default_preferences(how, response_url):
    handler = load("session_preferences_handler", how)
    invoke(handler, response_url, "Create", preferences())
    answer = invoke(handler, response_url, "Delete", preferences(), PhysicalResourceId=DOCUMENT)
    assert answer["Status"] == "SUCCESS"
    content, default, _ = stored_document()
    assert content == DEFAULT_PREFERENCES
    assert default == "2"


def test_delete_of_a_document_someone_removed_succeeds(how, response_url):
    handler = load("session_preferences_handler", how)
    invoke(handler, response_url, "Create", preferences())
    boto3.client("ssm").delete_document(Name=DOCUMENT)
    answer = invoke(handler, response_url, "Delete", preferences(), PhysicalResourceId=DOCUMENT)
    assert answer["Status"] == "SUCCESS"


def test_delete_after_a_failed_create_leaves_the_existing_document_alone(how, response_url):
    create_console_document()
    handler = load("session_preferences_handler", how)
    # A failed Create answers with the logical id as physical id; the rollback's
    # Delete carries it back.
    answer = invoke(handler, response_url, "Delete", preferences(), PhysicalResourceId="Resource")
    assert answer["Status"] == "SUCCESS"
    assert stored_document()[0] == CONSOLE_PREFERENCES


def test_failures_are_reported_to_cloudformation_with_the_reason(how, response_url):
    answer = invoke(
        load("session_preferences_handler", how),
        response_url,
        "Create",
        preferences({"schemaVersion": "1.0"}),
    )
    assert answer["Status"] == "FAILED"
    assert answer["Reason"] == "KeyError: 'inputs'"
    assert answer["PhysicalResourceId"] == "Resource"


# Instance policy attachment --------------------------------------------------

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


def test_attaches_to_roles_that_exist_and_skips_the_others(how, response_url):
    policy_arn = create_policy()
    create_role(DHMC_ROLE)
    create_role("app-instance")
    answer = invoke(
        load("role_attachment_handler", how),
        response_url,
        "Create",
        {"PolicyArn": policy_arn, "RoleNames": [DHMC_ROLE, "app-instance", "not-in-this-account"]},
    )
    assert (answer["Status"], answer["PhysicalResourceId"]) == ("SUCCESS", policy_arn)
    assert attached("AWSSystemsManagerDefaultEC2InstanceManagementRole") == [policy_arn]
    assert attached("app-instance") == [policy_arn]


def test_update_detaches_from_roles_no_longer_listed(how, response_url):
    handler = load("role_attachment_handler", how)
    policy_arn = create_policy()
    for role in ("kept", "dropped"):
        create_role(role)
    invoke(
        handler, response_url, "Create", {"PolicyArn": policy_arn, "RoleNames": ["kept", "dropped"]}
    )
    answer = invoke(
        handler,
        response_url,
        "Update",
        {"PolicyArn": policy_arn, "RoleNames": ["kept"]},
        PhysicalResourceId=policy_arn,
        OldResourceProperties={"PolicyArn": policy_arn, "RoleNames": ["kept", "dropped"]},
    )
    assert answer["Status"] == "SUCCESS"
    assert (attached("kept"), attached("dropped")) == ([policy_arn], [])


def test_a_new_policy_is_attached_and_the_old_one_left_to_its_delete(how, response_url):
    handler = load("role_attachment_handler", how)
    old_arn, new_arn = create_policy("old-policy"), create_policy("new-policy")
    create_role("instance")
    invoke(handler, response_url, "Create", {"PolicyArn": old_arn, "RoleNames": ["instance"]})
    answer = invoke(
        handler,
        response_url,
        "Update",
        {"PolicyArn": new_arn, "RoleNames": ["instance"]},
        PhysicalResourceId=old_arn,
        OldResourceProperties={"PolicyArn": old_arn, "RoleNames": ["instance"]},
    )
    assert answer["PhysicalResourceId"] == new_arn
    assert sorted(attached("instance")) == sorted([old_arn, new_arn])
    # The changed physical id makes CloudFormation delete the old one afterwards.
    invoke(
        handler,
        response_url,
        "Delete",
        {"PolicyArn": old_arn, "RoleNames": ["instance"]},
        PhysicalResourceId=old_arn,
    )
    assert attached("instance") == [new_arn]


def test_delete_detaches_from_every_listed_role_that_still_exists(how, response_url):
    handler = load("role_attachment_handler", how)
    policy_arn = create_policy()
    create_role(DHMC_ROLE)
    properties = {"PolicyArn": policy_arn, "RoleNames": [DHMC_ROLE, "never-existed"]}
    invoke(handler, response_url, "Create", properties)
    answer = invoke(handler, response_url, "Delete", properties, PhysicalResourceId=policy_arn)
    assert answer["Status"] == "SUCCESS"
    assert attached("AWSSystemsManagerDefaultEC2InstanceManagementRole") == []
