"""The canary's wait: delivered objects count from the moment verify put the events, nothing older."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3
import pytest
from moto import mock_aws

from tools.verify.checks.canary import wait_for_objects

BUCKET = "central-logs-111111111111"
FOLDER = "session-manager-canary"
PAIRS = [("222222222222", "eu-west-1"), ("333333333333", "us-east-1")]


@pytest.fixture
def s3(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        yield client


def test_a_delivered_canary_passes_and_a_missing_one_fails_after_the_wait(s3):
    started = datetime.now(UTC) - timedelta(seconds=5)
    account, region = PAIRS[0]
    s3.put_object(Bucket=BUCKET, Key=f"{FOLDER}/{account}/{region}/2026/12/04/c.jsonl", Body=b"{}")
    sleeps = []
    results = wait_for_objects(
        s3,
        bucket=BUCKET,
        folder=FOLDER,
        pairs=PAIRS,
        since=started,
        wait_seconds=0,
        sleep=sleeps.append,
    )
    assert results[PAIRS[0]].status == "ok"
    assert results[PAIRS[1]].status == "fail"
    assert (
        results[PAIRS[1]].detail == f"not delivered to {FOLDER}/333333333333/us-east-1/ within 0 s"
    )
    assert sleeps == []


def test_an_object_written_in_the_second_the_run_started_counts(s3):
    """S3's LastModified has no fraction of a second; the run's start has."""
    account, region = PAIRS[0]
    s3.put_object(Bucket=BUCKET, Key=f"{FOLDER}/{account}/{region}/2026/12/04/c.jsonl", Body=b"{}")
    stored = s3.list_objects_v2(Bucket=BUCKET)["Contents"][0]["LastModified"]
    assert stored.microsecond == 0
    results = wait_for_objects(
        s3,
        bucket=BUCKET,
        folder=FOLDER,
        pairs=PAIRS[:1],
        since=stored.replace(microsecond=999_999),
        wait_seconds=0,
    )
    assert results[PAIRS[0]].status == "ok"


def test_an_object_from_before_the_run_is_not_this_runs_canary(s3):
    account, region = PAIRS[0]
    s3.put_object(
        Bucket=BUCKET, Key=f"{FOLDER}/{account}/{region}/2026/12/04/old.jsonl", Body=b"{}"
    )
    results = wait_for_objects(
        s3,
        bucket=BUCKET,
        folder=FOLDER,
        pairs=PAIRS[:1],
        since=datetime.now(UTC) + timedelta(minutes=1),
        wait_seconds=0,
    )
    assert results[PAIRS[0]].status == "fail"


def test_the_canary_assumes_the_verifier_role_of_the_account_wide_region(tmp_path, monkeypatch):
    """The role's name is Names.verifier_role(<account-wide region>), as the template names it."""
    from config import load_config
    from tests.support.configs import with_changes
    from tools.verify import __main__ as verify_main

    config = load_config(with_changes(tmp_path, verify={"canary_role": True}))
    assumed = set()

    class Clients:
        def member_client(self, service, *, account_id, role_name, via, region):
            assumed.add(role_name)
            return None

        def client(self, service, account, region=None):
            return None

    monkeypatch.setattr(verify_main.canary, "put_event", lambda logs, **_: None)
    monkeypatch.setattr(
        verify_main.canary,
        "wait_for_objects",
        lambda s3, *, pairs, **_: dict.fromkeys(pairs, "delivered"),
    )
    results = {PAIRS[0]: {}}
    verify_main._add_canaries(config, Clients(), results, wait_seconds=0)
    assert assumed == {f"central-session-logs-verifier-{config.account_wide_region}"}
    assert results[PAIRS[0]]["canary"] == "delivered"
