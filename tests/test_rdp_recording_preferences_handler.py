"""The custom resource that writes the RDP recording preferences, against the ssm-guiconnect stand-in.

Runs through the CloudFormation stand-in of tests/support/custom_resources.py,
once with the handler imported and once as the inlined code Lambda runs.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.custom_resources import HANDLER_FORMS, load_handler
from tests.support.guiconnect import GuiConnectStandIn, guiconnect_stand_in

pytestmark = pytest.mark.parametrize("how", HANDLER_FORMS)

ACCOUNT = "123456789012"  # the account moto gives the "testing" access key
REGION = "eu-west-1"
HERE = (ACCOUNT, REGION)
PHYSICAL_ID = f"ssm-guiconnect-preferences-{REGION}"
OURS = {
    "KMSKeyArn": "arn:aws:kms:eu-west-1:111111111111:key/mrk-0123456789abcdef0123456789abcdef",
    "RecordingDestinations": {
        "S3Buckets": [{"BucketName": "central-logs-111111111111", "BucketOwner": "111111111111"}]
    },
}
THEIRS = {
    "KMSKeyArn": "arn:aws:kms:eu-west-1:123456789012:key/their-key",
    "RecordingDestinations": {
        "S3Buckets": [{"BucketName": "their-recordings", "BucketOwner": ACCOUNT}]
    },
}


@pytest.fixture
def guiconnect(cloudformation, monkeypatch) -> Iterator[GuiConnectStandIn]:
    with guiconnect_stand_in() as stand_in:
        monkeypatch.setenv("AWS_REGION", REGION)
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSM_GUICONNECT", stand_in.url)
        yield stand_in


def invoke(cloudformation, how: str, request_type: str, **extra) -> dict:
    handler = load_handler("rdp_recording_preferences", how)
    properties = {"ConnectionRecordingPreferences": OURS}
    return cloudformation.invoke(handler, request_type, properties, **extra)


def test_create_writes_preferences_where_there_were_none(how, cloudformation, guiconnect):
    answer = invoke(cloudformation, how, "Create")
    assert (answer["Status"], answer["PhysicalResourceId"]) == ("SUCCESS", PHYSICAL_ID)
    assert guiconnect.preferences == {HERE: OURS}
    assert guiconnect.calls == [("UpdateConnectionRecordingPreferences", *HERE)]


def test_create_overwrites_the_accounts_own_preferences(how, cloudformation, guiconnect):
    guiconnect.preferences[HERE] = THEIRS
    answer = invoke(cloudformation, how, "Create")
    assert answer["Status"] == "SUCCESS"
    assert guiconnect.preferences == {HERE: OURS}


def test_throttling_is_retried(how, cloudformation, guiconnect, monkeypatch):
    handler = load_handler("rdp_recording_preferences", how)
    monkeypatch.setattr(handler.time, "sleep", lambda seconds: None)
    guiconnect.planned_failures[:] = [429, 503]
    answer = cloudformation.invoke(handler, "Create", {"ConnectionRecordingPreferences": OURS})
    assert answer["Status"] == "SUCCESS"
    assert len(guiconnect.calls) == 3


def test_a_refusal_reaches_cloudformation_with_the_service_error(how, cloudformation, guiconnect):
    handler = load_handler("rdp_recording_preferences", how)
    answer = cloudformation.invoke(
        handler, "Create", {"ConnectionRecordingPreferences": {"KMSKeyArn": "k"}}
    )
    assert answer["Status"] == "FAILED"
    assert answer["Reason"].startswith("ServiceError: ValidationException: ")
    assert len(guiconnect.calls) == 1


def test_delete_removes_preferences_that_still_name_the_central_bucket(
    how, cloudformation, guiconnect
):
    invoke(cloudformation, how, "Create")
    answer = invoke(cloudformation, how, "Delete", PhysicalResourceId=PHYSICAL_ID)
    assert answer["Status"] == "SUCCESS"
    assert guiconnect.preferences == {}


def test_delete_leaves_preferences_someone_changed_since(how, cloudformation, guiconnect):
    invoke(cloudformation, how, "Create")
    guiconnect.preferences[HERE] = THEIRS
    assert invoke(cloudformation, how, "Delete", PhysicalResourceId=PHYSICAL_ID)["Status"] == (
        "SUCCESS"
    )
    assert guiconnect.preferences == {HERE: THEIRS}


def test_delete_after_a_failed_create_changes_nothing(how, cloudformation, guiconnect):
    guiconnect.preferences[HERE] = OURS
    answer = invoke(cloudformation, how, "Delete", PhysicalResourceId="Resource")
    assert answer["Status"] == "SUCCESS"
    assert (guiconnect.preferences, guiconnect.calls) == ({HERE: OURS}, [])


def test_delete_where_preferences_are_gone_succeeds(how, cloudformation, guiconnect):
    answer = invoke(cloudformation, how, "Delete", PhysicalResourceId=PHYSICAL_ID)
    assert answer["Status"] == "SUCCESS"
