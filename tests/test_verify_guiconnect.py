"""make verify's ssm-guiconnect calls: signed for the service and region, retried a bounded number of times."""

from __future__ import annotations

import pytest
from botocore.credentials import Credentials

from tests.support.guiconnect import guiconnect_stand_in
from tools.verify.guiconnect import ATTEMPTS, ENDPOINT_VARIABLE, GuiConnect, ServiceError

REGION = "eu-west-1"
# moto maps an access key it did not issue to its default account.
ACCOUNT = "123456789012"
PREFERENCES = {
    "KMSKeyArn": "arn:aws:kms:eu-west-1:111111111111:key/k",
    "RecordingDestinations": {
        "S3Buckets": [{"BucketName": "central-logs-111111111111", "BucketOwner": "111111111111"}]
    },
}


@pytest.fixture
def guiconnect(monkeypatch):
    with guiconnect_stand_in() as stand_in:
        monkeypatch.setenv(ENDPOINT_VARIABLE, stand_in.url)
        yield stand_in


def client(sleeps: list) -> GuiConnect:
    return GuiConnect(Credentials("AKIDVERIFY", "secret"), REGION, sleep=sleeps.append)


def test_the_preferences_of_the_signing_account_and_region_are_read(guiconnect):
    guiconnect.preferences[ACCOUNT, REGION] = PREFERENCES
    answer = client([]).call("GetConnectionRecordingPreferences")
    assert answer["ConnectionRecordingPreferences"] == PREFERENCES
    assert guiconnect.calls == [("GetConnectionRecordingPreferences", ACCOUNT, REGION)]


def test_throttling_is_retried_with_growing_pauses(guiconnect):
    guiconnect.preferences[ACCOUNT, REGION] = PREFERENCES
    guiconnect.planned_failures[:] = [429, 503]
    sleeps = []
    client(sleeps).call("GetConnectionRecordingPreferences")
    assert len(guiconnect.calls) == 3
    assert 1 <= sleeps[0] <= 2 < sleeps[1] <= 4


def test_throttling_that_does_not_stop_ends_after_the_last_attempt(guiconnect):
    guiconnect.planned_failures[:] = [429] * (ATTEMPTS + 3)
    sleeps = []
    with pytest.raises(ServiceError) as raised:
        client(sleeps).call("GetConnectionRecordingPreferences")
    assert raised.value.code == "ThrottlingException"
    assert len(guiconnect.calls) == ATTEMPTS
    assert len(sleeps) == ATTEMPTS - 1


def test_a_refusal_is_not_retried(guiconnect):
    sleeps = []
    with pytest.raises(ServiceError) as raised:
        client(sleeps).call("GetConnectionRecordingPreferences")
    assert raised.value.code == "ResourceNotFoundException"
    assert (len(guiconnect.calls), sleeps) == (1, [])


def test_without_the_override_the_regional_endpoint_is_called(monkeypatch):
    monkeypatch.delenv(ENDPOINT_VARIABLE, raising=False)
    assert client([]).endpoint == "https://ssm-guiconnect.eu-west-1.amazonaws.com"
