"""The custom resource that writes SSM-SessionManagerRunShell, against moto.

Runs through the CloudFormation stand-in of tests/support/custom_resources.py,
once with the handler imported and once as the inlined code Lambda runs.
"""

from __future__ import annotations

import json

import boto3
import pytest

from tests.support.custom_resources import HANDLER_FORMS, load_handler

pytestmark = pytest.mark.parametrize("how", HANDLER_FORMS)

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


def handler(how: str):
    return load_handler("session_preferences", how)


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


def test_create_writes_a_missing_document_with_real_booleans(how, cloudformation):
    answer = cloudformation.invoke(handler(how), "Create", preferences())
    assert (answer["Status"], answer["PhysicalResourceId"]) == ("SUCCESS", DOCUMENT)
    content, default, latest = stored_document()
    assert content == typed(PREFERENCES)
    assert content["inputs"]["cloudWatchStreamingEnabled"] is True
    assert (default, latest) == ("1", "1")


def test_create_updates_a_document_the_console_already_created(how, cloudformation):
    create_console_document()
    answer = cloudformation.invoke(handler(how), "Create", preferences())
    # The physical id remembers the default version the account had.
    assert (answer["Status"], answer["PhysicalResourceId"]) == ("SUCCESS", f"{DOCUMENT}@1")
    content, default, latest = stored_document()
    assert content == typed(PREFERENCES)
    assert (default, latest) == ("2", "2")


def test_update_adds_a_version_and_makes_it_the_default(how, cloudformation):
    loaded = handler(how)
    cloudformation.invoke(loaded, "Create", preferences())
    changed = {**PREFERENCES, "inputs": {**PREFERENCES["inputs"], "idleSessionTimeout": "15"}}
    answer = cloudformation.invoke(
        loaded, "Update", preferences(changed), PhysicalResourceId=DOCUMENT
    )
    assert answer["Status"] == "SUCCESS"
    content, default, latest = stored_document()
    assert content["inputs"]["idleSessionTimeout"] == "15"
    assert (default, latest) == ("2", "2")


def test_update_with_unchanged_content_keeps_the_latest_version_as_default(how, cloudformation):
    loaded = handler(how)
    cloudformation.invoke(loaded, "Create", preferences())
    answer = cloudformation.invoke(loaded, "Update", preferences(), PhysicalResourceId=DOCUMENT)
    assert answer["Status"] == "SUCCESS"
    assert stored_document()[1:] == ("1", "1")


def test_delete_gives_the_account_its_own_preferences_back(how, cloudformation):
    create_console_document()
    loaded = handler(how)
    created = cloudformation.invoke(loaded, "Create", preferences())
    physical_id = {"PhysicalResourceId": created["PhysicalResourceId"]}
    changed = {**PREFERENCES, "inputs": {**PREFERENCES["inputs"], "idleSessionTimeout": "15"}}
    updated = cloudformation.invoke(loaded, "Update", preferences(changed), **physical_id)
    assert updated["PhysicalResourceId"] == f"{DOCUMENT}@1"
    answer = cloudformation.invoke(loaded, "Delete", preferences(changed), **physical_id)
    assert answer["Status"] == "SUCCESS"
    content, default, latest = stored_document()
    assert content == CONSOLE_PREFERENCES
    assert (default, latest) == ("1", "3")


def test_delete_removes_a_document_that_create_made(how, cloudformation):
    loaded = handler(how)
    cloudformation.invoke(loaded, "Create", preferences())
    answer = cloudformation.invoke(loaded, "Delete", preferences(), PhysicalResourceId=DOCUMENT)
    assert answer["Status"] == "SUCCESS"
    assert (
        boto3.client("ssm").list_documents(Filters=[{"Key": "Name", "Values": [DOCUMENT]}])[
            "DocumentIdentifiers"
        ]
        == []
    )


def test_delete_keeps_the_default_when_the_remembered_version_is_gone(how, cloudformation):
    loaded = handler(how)
    cloudformation.invoke(loaded, "Create", preferences())
    answer = cloudformation.invoke(
        loaded, "Delete", preferences(), PhysicalResourceId=f"{DOCUMENT}@7"
    )
    assert answer["Status"] == "SUCCESS"
    assert stored_document()[1] == "1"


def test_delete_of_a_document_someone_removed_succeeds(how, cloudformation):
    loaded = handler(how)
    cloudformation.invoke(loaded, "Create", preferences())
    boto3.client("ssm").delete_document(Name=DOCUMENT)
    answer = cloudformation.invoke(loaded, "Delete", preferences(), PhysicalResourceId=DOCUMENT)
    assert answer["Status"] == "SUCCESS"


def test_delete_after_a_failed_create_leaves_the_existing_document_alone(how, cloudformation):
    create_console_document()
    # A failed Create answers with the logical id as physical id; the rollback's
    # Delete carries it back.
    answer = cloudformation.invoke(
        handler(how), "Delete", preferences(), PhysicalResourceId="Resource"
    )
    assert answer["Status"] == "SUCCESS"
    assert stored_document()[0] == CONSOLE_PREFERENCES


def test_failures_are_reported_to_cloudformation_with_the_reason(how, cloudformation):
    answer = cloudformation.invoke(handler(how), "Create", preferences({"schemaVersion": "1.0"}))
    assert answer["Status"] == "FAILED"
    assert answer["Reason"] == "KeyError: 'inputs'"
    assert answer["PhysicalResourceId"] == "Resource"
