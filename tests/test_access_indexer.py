"""The access indexer: documented events in, one merged document per access in S3, recordings tagged."""

from __future__ import annotations

import json
from contextlib import closing

import boto3
import pytest
from moto import mock_aws

from components.access_index.indexer import indexer_environment
from components.access_index.runtime import access_indexer
from components.access_index.table import create_table_request
from components.audit_queries.queries import named_queries
from components.audit_queries.tables import access_index_table
from config.names import Names
from tests.support import access_events as story
from tests.support.athena_duckdb import athena_like, with_parameters

NAMES = Names(log_archive_account_id="333333333333", home_region="eu-west-1", bucket=None)
DAY = "2026/12/01"


@pytest.fixture
def index(monkeypatch):
    """The table, bucket and dead-letter queue the construct creates, in moto."""
    with mock_aws():
        monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
        dynamodb = boto3.client("dynamodb")
        dynamodb.create_table(**create_table_request(NAMES.access_records_table))
        s3 = boto3.client("s3")
        s3.create_bucket(
            Bucket=NAMES.bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
        )
        s3.put_object(Bucket=NAMES.bucket, Key=story.RECORDING_KEY, Body=b"video")
        queue = boto3.client("sqs").create_queue(QueueName=NAMES.access_index_dead_letter_queue)
        environment = indexer_environment(NAMES, dead_letter_queue_url=queue["QueueUrl"])
        for variable, value in environment.items():
            monkeypatch.setenv(variable, value)
        yield s3


def deliver(*events, bodies: list[str] | None = None) -> dict:
    messages = [json.dumps(e) for e in events] + (bodies or [])
    records = [{"messageId": f"m{n}", "body": body} for n, body in enumerate(messages)]
    return access_indexer.handler({"Records": records}, None)


def document(s3, key: str) -> dict:
    body = s3.get_object(Bucket=NAMES.bucket, Key=key)["Body"].read().decode()
    assert body.count("\n") == 1 and body.endswith("\n"), "one JSON document on one line"
    return json.loads(body)


def index_keys(s3) -> list[str]:
    listing = s3.list_objects_v2(Bucket=NAMES.bucket, Prefix=f"{NAMES.access_index_folder}/")
    return sorted(o["Key"] for o in listing.get("Contents", []))


SESSION_KEY = f"access-index/session/{story.MEMBER}/{story.REGION}/{DAY}/{story.SESSION_ID}.json"
JIT_SESSION_KEY = (
    f"access-index/session/{story.MEMBER}/{story.REGION}/{DAY}/{story.JIT_SESSION_ID}.json"
)
RDP_KEY = f"access-index/rdp/{story.MEMBER}/{story.REGION}/{DAY}/{story.CONNECTION_ID}.json"


def test_a_plain_session_names_the_identity_center_user_its_target_and_its_end(index):
    assert deliver(*story.plain_session()) == {"batchItemFailures": []}
    session = document(index, SESSION_KEY)
    assert session["principal"]["person"] == "alice@example.com"
    assert session["principal"]["person_source"] == "identity-center"
    assert session["target"] == story.INSTANCE
    assert session["document"] == "SSM-SessionManagerRunShell"
    assert (session["start"], session["end"]) == ("2026-12-01T10:00:00Z", "2026-12-01T10:30:00Z")
    assert session["source_ip"] == "198.51.100.7"
    assert session["jit"] is None
    assert session["transcript_prefix"] == f"session-manager/{story.MEMBER}/{story.REGION}/{DAY}/"
    assert len(session["events"]) == 3


def test_a_jit_rdp_connection_names_requester_approver_instance_and_recording(index):
    deliver(
        *story.jit_request(), *story.jit_rdp_connection(), story.recording_created(NAMES.bucket)
    )
    rdp = document(index, RDP_KEY)
    assert rdp["principal"]["arn"].endswith("assumed-role/SSM-JustInTimeAccessTokenRole/bob")
    assert rdp["principal"]["person"] == "bob@example.com"
    assert rdp["principal"]["person_source"] == "jit-requester"
    assert rdp["target"] == story.WINDOWS_INSTANCE
    assert rdp["jit"]["request_id"] == story.ACCESS_REQUEST_ID
    assert rdp["jit"]["reason"] == "Patch the print spooler"
    assert rdp["jit"]["approver"]["person"] == "carol@example.com"
    assert rdp["jit"]["decision"] == "Approve"
    assert rdp["recording_key"] == story.RECORDING_KEY
    assert rdp["end"] == "2026-12-01T09:40:00Z"
    carrier = document(index, JIT_SESSION_KEY)
    assert carrier["via"] == "ssm-guiconnect.amazonaws.com"
    assert carrier["jit"]["approver"]["person"] == "carol@example.com"


def test_the_recording_is_tagged_with_its_connection_and_principal(index):
    deliver(*story.jit_rdp_connection(), story.recording_created(NAMES.bucket))
    tags = index.get_object_tagging(Bucket=NAMES.bucket, Key=story.RECORDING_KEY)["TagSet"]
    assert {t["Key"]: t["Value"] for t in tags} == {
        access_indexer.CONNECTION_TAG: story.CONNECTION_ID,
        access_indexer.PRINCIPAL_TAG: (
            f"arn:aws:sts::{story.MEMBER}:assumed-role/SSM-JustInTimeAccessTokenRole/bob"
        ),
    }


def test_events_in_reverse_order_and_twice_give_the_same_documents(index):
    events = story.whole_story(NAMES.bucket)
    deliver(*events)
    in_order = {key: document(index, key) for key in index_keys(index)}
    for key in index_keys(index):
        index.delete_object(Bucket=NAMES.bucket, Key=key)
    table = boto3.resource("dynamodb").Table(NAMES.access_records_table)
    for item in table.scan()["Items"]:
        table.delete_item(Key={"key": item["key"]})
    deliver(*reversed(events))
    deliver(*events)
    reordered = {key: document(index, key) for key in index_keys(index)}
    assert set(reordered) == set(in_order) == {SESSION_KEY, JIT_SESSION_KEY, RDP_KEY}
    for key, expected in in_order.items():
        assert _without_updated(reordered[key]) == _without_updated(expected)


def test_a_recording_before_its_connection_moves_into_place_when_the_connection_arrives(index):
    deliver(story.recording_created(NAMES.bucket))
    assert index_keys(index) == [
        f"access-index/rdp/unknown/{story.REGION}/{DAY}/{story.CONNECTION_ID}.json"
    ]
    deliver(*story.jit_rdp_connection())
    assert RDP_KEY in index_keys(index)
    assert not any("/unknown/" in key for key in index_keys(index))


def test_a_recording_without_a_connection_id_is_indexed_as_a_recording_without_an_access(index):
    deliver(story.recording_created(NAMES.bucket, key="recordings/some-video.mp4"))
    (key,) = index_keys(index)
    orphan = document(index, key)
    assert orphan["recording_key"] == "recordings/some-video.mp4"
    assert orphan["start"] is None and orphan["principal"] is None


def test_malformed_events_go_to_the_dead_letter_queue_and_nowhere_else(index):
    result = deliver(
        bodies=[
            "not json",
            json.dumps({"source": "aws.ssm", "detail-type": "Something else", "detail": {}}),
            json.dumps(
                story.cloudtrail("aws.ssm", "StartSession", "2026-12-01T10:00:00Z", {}, {}, {})
            ),
        ]
    )
    assert result == {"batchItemFailures": []}
    assert index_keys(index) == []
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=NAMES.access_index_dead_letter_queue)["QueueUrl"]
    received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert len(received) == 3


def test_index_objects_never_feed_back_into_the_index(index):
    event = story.recording_created(NAMES.bucket, key=f"{NAMES.access_index_folder}/rdp/x.json")
    deliver(event)
    assert index_keys(index) == []


def test_refused_calls_open_nothing(index):
    (start, *_) = story.plain_session()
    start["detail"]["errorCode"] = "AccessDenied"
    deliver(start)
    assert index_keys(index) == []


def test_tokens_connection_keys_and_credentials_never_reach_the_index(index):
    deliver(*story.whole_story(NAMES.bucket))
    stored = "".join(json.dumps(document(index, key)) for key in index_keys(index))
    table = boto3.resource("dynamodb").Table(NAMES.access_records_table)
    stored += json.dumps(table.scan()["Items"], default=str)
    for secret in (story.CONNECTION_KEY, story.HIDDEN, "HIDDEN_DUE_TO_SECURITY_REASONS", "wss://"):
        assert secret not in stored


def test_a_failure_is_reported_for_the_queue_to_retry(index, monkeypatch):
    def unavailable(self, observation):
        raise RuntimeError("DynamoDB is unavailable")

    monkeypatch.setattr(access_indexer.Index, "_merge", unavailable)
    result = deliver(*story.plain_session()[:1])
    assert result == {"batchItemFailures": [{"itemIdentifier": "m0"}]}


def test_the_member_rule_forwards_every_event_the_indexer_reads():
    forwarded = {
        (source, name)
        for source, names in access_indexer.FORWARDED_EVENT_NAMES.items()
        for name in names
    }
    assert forwarded == set(access_indexer.CLOUDTRAIL_EVENTS)


def _without_updated(document: dict) -> dict:
    return {k: v for k, v in document.items() if k != "updated"}


def awaiting_records() -> dict[str, str]:
    """What the sparse index holds: record key -> what its access still lacks."""
    table = boto3.resource("dynamodb").Table(NAMES.access_records_table)
    items = table.scan(IndexName=access_indexer.AWAITING)["Items"]
    return {item["key"]: item[access_indexer.AWAITING] for item in items}


def test_an_rdp_connection_awaits_its_recording_until_it_lands(index):
    deliver(*story.jit_rdp_connection())
    assert awaiting_records() == {
        f"rdp#{story.CONNECTION_ID}": "recording",
        # The session under the connection forwards a port: it has no transcript.
    }
    deliver(story.recording_created(NAMES.bucket))
    assert awaiting_records() == {}


def test_a_recording_awaits_its_access_and_a_shell_session_its_transcripts(index):
    deliver(story.recording_created(NAMES.bucket), *story.plain_session())
    assert awaiting_records() == {
        f"rdp#{story.CONNECTION_ID}": "access",
        f"session#{story.SESSION_ID}": "transcript",
    }


def test_a_recording_gone_before_it_is_tagged_is_indexed_all_the_same(index):
    deliver(*story.jit_rdp_connection())
    assert deliver(
        story.recording_created(NAMES.bucket, key=f"gone/{story.CONNECTION_ID}.mp4")
    ) == {"batchItemFailures": []}
    assert document(index, RDP_KEY)["recording_key"] == f"gone/{story.CONNECTION_ID}.mp4"


def test_the_named_queries_find_the_indexers_own_documents(index, tmp_path):
    """The indexer's documents, copied into the bucket's layout, through the Athena tables' SQL."""
    deliver(*story.whole_story(NAMES.bucket))
    for key in index_keys(index):
        local = tmp_path / key
        local.parent.mkdir(parents=True, exist_ok=True)
        local.write_bytes(index.get_object(Bucket=NAMES.bucket, Key=key)["Body"].read())
    regions = [story.REGION]
    tables = [access_index_table(NAMES, regions)]
    queries = {q.name: q for q in named_queries()}
    with closing(athena_like(tmp_path, tables)) as athena:

        def run(name: str, *parameters: str) -> list[tuple]:
            return athena.execute(with_parameters(queries[name].sql, parameters)).fetchall()

        recordings = run("rdp_recordings_of_instance", story.MEMBER, story.WINDOWS_INSTANCE, DAY)
        by_bob = run("sessions_by_principal", story.MEMBER, "%bob%", "%bob%", DAY, DAY)
        by_alice = run("sessions_by_principal", story.MEMBER, "%alice%", "%alice%", DAY, DAY)
    assert [story.CONNECTION_ID in row for row in recordings] == [True]
    assert story.RECORDING_KEY in recordings[0]
    assert len(by_bob) == 2 and len(by_alice) == 1
