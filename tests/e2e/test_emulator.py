"""The emulator harness cleans up after itself, whatever the code using it does."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

import boto3
import pytest
from moto.kms.responses import KmsResponse

from tests.e2e.emulator import _replicate_key_as_kms_does, running_emulator
from tests.e2e.recorded_calls import RecordedCalls


def accepts_connections(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port), timeout=2):
            return True
    except OSError:
        return False


def test_emulator_stops_and_unpatches_moto_when_the_code_using_it_fails(guiconnect):
    before = KmsResponse.replicate_key
    with (
        pytest.raises(RuntimeError, match="a failing test"),
        running_emulator(guiconnect, RecordedCalls()) as url,
    ):
        sts = boto3.client(
            "sts",
            endpoint_url=url,
            region_name="us-east-1",
            aws_access_key_id="emulator",
            aws_secret_access_key="emulator",
        )
        assert sts.get_caller_identity()["Account"]
        assert KmsResponse.replicate_key is _replicate_key_as_kms_does
        raise RuntimeError("a failing test")
    assert not accepts_connections(url)
    assert KmsResponse.replicate_key is before
