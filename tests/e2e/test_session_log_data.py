"""Session log events put into member accounts, read back from the central bucket.

Each event goes the whole way: the member account's log group, its
subscription, the destination of its region, the Firehose stream, the
processor and the bucket. The emulator carries the resources and the log
group; tests/e2e/session_log_delivery.py carries the hops it lacks.
"""

from __future__ import annotations

import base64
import json
import time
import uuid

import pytest
from moto.s3.models import FakeKey, s3_backends

from tests.e2e.session_log_delivery import cloudwatch_logs_record
from tests.e2e.support import HOME_REGION, MEMBER_REGIONS


def member_account(deployment) -> str:
    return sorted(deployment.organization.member_account_by_ou.values())[0]


def archive(deployment, service: str, region: str = HOME_REGION):
    return deployment.client(
        service, account=deployment.organization.log_archive_account, region=region
    )


def put_events(deployment, account: str, region: str, group: str, stream: str, messages: list):
    logs = deployment.client("logs", account=account, region=region)
    logs.create_log_stream(logGroupName=group, logStreamName=stream)
    now = int(time.time() * 1000)
    logs.put_log_events(
        logGroupName=group,
        logStreamName=stream,
        logEvents=[{"timestamp": now + n, "message": m} for n, m in enumerate(messages)],
    )


def objects_under(deployment, prefix: str) -> list[dict]:
    s3 = archive(deployment, "s3")
    listed = s3.list_objects_v2(Bucket=deployment.config.names.bucket, Prefix=prefix)
    return listed.get("Contents", [])


def stored_object(deployment, key: str) -> FakeKey:
    """An object as the emulator stores it.

    Read from the emulator's store rather than with GetObject: the bucket
    policy denies requests without TLS (`aws:SecureTransport`), which moto
    evaluates, and the emulator serves plain HTTP on loopback.
    """
    backend = s3_backends[deployment.organization.log_archive_account]["aws"]
    return backend.get_object(deployment.config.names.bucket, key)


def lines_with(deployment, prefix: str, needle: str) -> list[tuple[str, dict]]:
    """(object key, parsed line) of every JSON line under `prefix` that contains `needle`."""
    found = []
    for listed in objects_under(deployment, prefix):
        body = stored_object(deployment, listed["Key"]).value
        for line in body.decode().splitlines():
            if needle in line:
                found.append((listed["Key"], json.loads(line)))
    return found


def streamed_event(account: str, region: str, session_id: str, output: list[str]) -> str:
    """A message as Session Manager streams it (docs/decisions/delivery.md, "Object format")."""
    return json.dumps(
        {
            "eventVersion": "1.0",
            "eventTime": "2026-12-03 10:00:00",
            "awsRegion": region,
            "target": {"id": "i-0123456789abcdef0"},
            "userIdentity": {"arn": f"arn:aws:sts::{account}:assumed-role/Operator/alice"},
            "runAsUser": "ssm-user",
            "sessionId": session_id,
            "sessionData": output,
        }
    )


def new_session_id() -> str:
    return f"alice-{uuid.uuid4().hex[:17]}"


@pytest.mark.parametrize("region", MEMBER_REGIONS)
def test_a_streamed_session_lands_as_an_attributed_encrypted_transcript(deployment, region):
    account = member_account(deployment)
    names = deployment.config.names
    session = new_session_id()
    message = streamed_event(account, region, session, ["$ whoami", "ssm-user"])
    group = f"{names.member_log_group_prefix}{account}"
    put_events(deployment, account, region, group, session, [message])

    prefix = f"{names.session_log_folder}/{account}/{region}/"
    [(key, line)] = lines_with(deployment, prefix, session)
    assert line["sessionId"] == session
    assert line["target"] == "i-0123456789abcdef0"
    assert line["account"] == account
    assert line["logGroup"] == group
    assert line["event"]["userIdentity"]["arn"].endswith("assumed-role/Operator/alice")
    assert line["event"]["sessionData"] == ["$ whoami", "ssm-user"]
    assert key.endswith(".jsonl")
    stored = stored_object(deployment, key)
    key_arn = archive(deployment, "kms").describe_key(KeyId=names.key_alias)["KeyMetadata"]["Arn"]
    assert (stored.encryption, stored.kms_key_id) == ("aws:kms", key_arn)


def test_an_interactive_command_transcript_keeps_its_session_id(deployment):
    """Interactive commands upload plain text; the log stream names the session."""
    account, region = member_account(deployment), MEMBER_REGIONS[0]
    names = deployment.config.names
    session = new_session_id()
    transcript = f"Script started, file is /tmp/{session}\n$ uptime\n 10:00:00 up 3 days"
    group = f"{names.member_log_group_prefix}{account}"
    put_events(deployment, account, region, group, session, [transcript])

    prefix = f"{names.session_log_folder}/{account}/{region}/"
    [(_, line)] = lines_with(deployment, prefix, session)
    assert line["sessionId"] == session
    assert line["target"] is None
    assert line["message"] == transcript


def test_another_log_group_subscribed_to_the_destination_is_quarantined(deployment):
    """Any principal of the organization may subscribe any log group to the destination."""
    account, region = member_account(deployment), MEMBER_REGIONS[-1]
    names = deployment.config.names
    logs = deployment.client("logs", account=account, region=region)
    group = f"not-a-session-log-{uuid.uuid4().hex[:8]}"
    logs.create_log_group(logGroupName=group)
    shard = int(account) % deployment.config.delivery_streams_per_region
    logs.put_subscription_filter(
        logGroupName=group,
        filterName="to-the-archive",
        filterPattern="",
        destinationArn=names.log_destination_arn(region, shard),
    )
    session = new_session_id()
    put_events(deployment, account, region, group, session, [f"pretending to be {session}"])

    assert lines_with(deployment, f"{names.session_log_folder}/", session) == []
    quarantine = f"{names.session_log_quarantine_folder}/{account}/{region}/"
    [(_, line)] = lines_with(deployment, quarantine, session)
    assert line["logGroup"] == group
    assert quarantined_counts(deployment) >= {1}


def quarantined_counts(deployment) -> set[int]:
    """The processor's QuarantinedRecords values, from the embedded metric lines in its log group."""
    logs = archive(deployment, "logs")
    group = deployment.config.names.session_log_processor_log_group
    events = logs.filter_log_events(logGroupName=group, filterPattern="QuarantinedRecords")
    return {json.loads(e["message"])["QuarantinedRecords"] for e in events["events"]}


def test_a_corrupt_record_fails_alone_into_the_error_prefix(deployment):
    region = MEMBER_REGIONS[0]
    names = deployment.config.names
    firehose = archive(deployment, "firehose")
    garbage = b"\x1f\x8b" + uuid.uuid4().bytes  # a gzip header, then nothing gzip can read
    good = new_session_id()
    account = member_account(deployment)
    firehose.put_record_batch(
        DeliveryStreamName=names.delivery_stream(region, 0),
        Records=[{"Data": garbage}, {"Data": session_record(names, account, good)}],
    )

    errors = f"{names.session_log_error_folder}/{region}/processing-failed/"
    raw = base64.b64encode(garbage).decode()
    [(_, failure)] = lines_with(deployment, errors, raw)
    assert failure["rawData"] == raw
    assert failure["lambdaArn"].endswith(f":function:{names.session_log_processor}")
    [(_, line)] = lines_with(deployment, f"{names.session_log_folder}/{account}/{region}/", good)
    assert line["sessionId"] == good


def session_record(names, account: str, session: str) -> bytes:
    """A record of the account's session log group, as its destination puts it into the stream."""
    return cloudwatch_logs_record(
        owner=account,
        log_group=f"{names.member_log_group_prefix}{account}",
        log_stream=session,
        filter_name=names.member_subscription_filter,
        log_events=[{"id": "1", "timestamp": int(time.time() * 1000), "message": "$ ls"}],
    )
