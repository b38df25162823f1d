"""The Firehose processor: CloudWatch Logs subscription records in, JSON Lines and partition keys out."""

from __future__ import annotations

import base64
import gzip
import json
import zlib

import pytest

from components.session_log_delivery.processor import processor_environment
from components.session_log_delivery.runtime import session_log_processor
from components.session_log_delivery.runtime.session_log_processor import Settings, handler
from config.names import Names

ACCOUNT = "123456789012"
SESSION_ID = "alice-0123456789abcdef0"
STREAM_ARN = "arn:aws:firehose:eu-west-1:333333333333:deliverystream/central-session-logs-eu-west-1"
SESSION_EVENT = {
    "eventVersion": "1.0",
    "eventTime": "2024-05-01 10:00:00",
    "awsRegion": "us-east-1",
    "target": {"id": "i-0123456789abcdef0"},
    "userIdentity": {"arn": "arn:aws:sts::123456789012:assumed-role/Operator/alice"},
    "runAsUser": "ssm-user",
    "sessionId": SESSION_ID,
    "sessionData": ["sh-5.2$ whoami", "ssm-user"],
}
NAMES = Names(log_archive_account_id="333333333333", home_region="eu-west-1", bucket=None)


@pytest.fixture(autouse=True)
def environment(monkeypatch):
    """The environment the construct gives the function, and nothing else."""
    for variable, value in processor_environment(NAMES).items():
        monkeypatch.setenv(variable, value)


def subscription_record(record_id: str, envelope: dict) -> dict:
    """A record as CloudWatch Logs puts it into Firehose: gzip, then base64."""
    data = base64.b64encode(gzip.compress(json.dumps(envelope).encode())).decode()
    return {"recordId": record_id, "data": data}


def data_message(owner: str, *messages: str, log_group: str | None = None) -> dict:
    return {
        "messageType": "DATA_MESSAGE",
        "owner": owner,
        "logGroup": log_group or f"session-manager-log-{owner}",
        "logStream": SESSION_ID,
        "subscriptionFilters": ["central-session-logs"],
        "logEvents": [
            {"id": str(n), "timestamp": 1700000000000 + n, "message": m}
            for n, m in enumerate(messages)
        ],
    }


def firehose_event(*records: dict) -> dict:
    return {"deliveryStreamArn": STREAM_ARN, "region": "eu-west-1", "records": list(records)}


def json_lines(result: dict) -> list[dict]:
    text = base64.b64decode(result["data"]).decode()
    assert text.endswith("\n")
    return [json.loads(line) for line in text.split("\n")[:-1]]


def test_streamed_events_become_one_attributed_json_line_each():
    message = json.dumps(SESSION_EVENT)
    event = firehose_event(subscription_record("r1", data_message(ACCOUNT, message)))
    [result] = handler(event, None)["records"]
    assert result["recordId"] == "r1"
    assert result["result"] == "Ok"
    assert result["metadata"] == {
        "partitionKeys": {"folder": "session-manager", "account": ACCOUNT}
    }
    assert json_lines(result) == [
        {
            "sessionId": SESSION_ID,
            "target": "i-0123456789abcdef0",
            "account": ACCOUNT,
            "logGroup": f"session-manager-log-{ACCOUNT}",
            "logStream": SESSION_ID,
            "timestamp": 1700000000000,
            "event": SESSION_EVENT,
        }
    ]


def test_plain_text_transcripts_keep_the_session_id_of_their_log_stream():
    # Interactive-command sessions are not streamed: the agent uploads their
    # transcript as text into the log stream named after the session.
    transcript = "Script started\r\n$ cat /etc/hostname\r\nweb-1\r\n"
    event = firehose_event(subscription_record("t", data_message(ACCOUNT, transcript, "{}")))
    [result] = handler(event, None)["records"]
    first, second = json_lines(result)
    assert first["sessionId"] == SESSION_ID
    assert first["target"] is None
    assert first["message"] == transcript
    assert "event" not in first
    # A JSON document without a session id still keeps the stream's.
    assert (second["sessionId"], second["event"]) == (SESSION_ID, {})


@pytest.mark.parametrize(
    ("message", "member", "value"),
    [
        ('{"sessionId": "s"} and text after it', "message", '{"sessionId": "s"} and text after it'),
        ('{"sessionId": "s"', "message", '{"sessionId": "s"'),
        ("[1, 2]", "message", "[1, 2]"),
        ('{"sessionId": "s"}\r\n', "event", {"sessionId": "s"}),
        ('{\n  "sessionId": "s"\n}', "event", {"sessionId": "s"}),
    ],
)
def test_only_a_whole_json_object_is_written_as_an_event_and_always_on_one_line(
    message, member, value
):
    event = firehose_event(subscription_record("j", data_message(ACCOUNT, message)))
    [result] = handler(event, None)["records"]
    [line] = json_lines(result)
    assert line[member] == value


def test_each_record_keeps_its_own_account():
    event = firehose_event(
        subscription_record("a", data_message("111111111111", "first")),
        subscription_record("b", data_message("222222222222", "second")),
    )
    results = handler(event, None)["records"]
    assert [r["recordId"] for r in results] == ["a", "b"]
    assert [r["metadata"]["partitionKeys"]["account"] for r in results] == [
        "111111111111",
        "222222222222",
    ]


@pytest.mark.parametrize(
    "log_group",
    [
        "/aws/lambda/anything",  # another log group of the sending account
        "session-manager-log-999999999999",  # a group named for a different account
        "session-manager-log-123456789012-copy",
    ],
)
def test_records_from_any_other_log_group_are_quarantined_and_counted(log_group, capsys):
    foreign = subscription_record("f", data_message(ACCOUNT, "line", log_group=log_group))
    own = subscription_record("o", data_message(ACCOUNT, "line"))
    results = handler(firehose_event(foreign, own), None)["records"]
    assert [r["metadata"]["partitionKeys"]["folder"] for r in results] == [
        "session-manager-quarantine",
        "session-manager",
    ]
    assert json_lines(results[0])[0]["logGroup"] == log_group
    [metric_line] = capsys.readouterr().out.splitlines()
    metric = json.loads(metric_line)
    assert metric["QuarantinedRecords"] == 1
    assert metric["DeliveryStream"] == "central-session-logs-eu-west-1"
    assert metric["_aws"]["CloudWatchMetrics"] == [
        {
            "Namespace": "CentralSessionLogs",
            "Dimensions": [["DeliveryStream"]],
            "Metrics": [
                {"Name": "QuarantinedRecords", "Unit": "Count"},
                {"Name": "FailedRecords", "Unit": "Count"},
            ],
        }
    ]
    assert isinstance(metric["_aws"]["Timestamp"], int)


def test_every_batch_reports_its_quarantine_and_failure_counts_even_when_zero(capsys):
    handler(firehose_event(subscription_record("o", data_message(ACCOUNT, "line"))), None)
    metric = json.loads(capsys.readouterr().out)
    assert (metric["QuarantinedRecords"], metric["FailedRecords"]) == (0, 0)


def test_failed_records_are_counted(capsys):
    corrupt = {"recordId": "c", "data": base64.b64encode(b"not gzip").decode()}
    good = subscription_record("o", data_message(ACCOUNT, "line"))
    handler(firehose_event(corrupt, good), None)
    assert json.loads(capsys.readouterr().out)["FailedRecords"] == 1


def test_control_messages_from_cloudwatch_logs_are_dropped():
    control = {
        **data_message("CloudwatchLogs", "CWL CONTROL MESSAGE"),
        "messageType": "CONTROL_MESSAGE",
    }
    [result] = handler(firehose_event(subscription_record("c", control)), None)["records"]
    assert result == {"recordId": "c", "result": "Dropped"}


def test_records_that_are_not_cloudwatch_logs_data_fail_without_stopping_the_batch():
    not_gzip = {"recordId": "x", "data": base64.b64encode(b"plain text").decode()}
    not_base64 = {"recordId": "y", "data": "%%%"}
    no_owner = subscription_record("z", {"messageType": "DATA_MESSAGE", "logEvents": []})
    not_an_account = subscription_record("w", data_message("../../elsewhere", "line"))
    good = subscription_record("g", data_message(ACCOUNT, "line"))
    records = [not_gzip, not_base64, no_owner, not_an_account, good]
    results = handler(firehose_event(*records), None)["records"]
    assert [r["result"] for r in results] == ["ProcessingFailed"] * 4 + ["Ok"]


def test_a_corrupted_deflate_stream_fails_its_record_only():
    # A valid gzip header followed by a damaged deflate stream raises
    # zlib.error, which the processor once let escape, failing the whole batch.
    compressed = bytearray(gzip.compress(json.dumps(data_message(ACCOUNT, "x" * 500)).encode()))
    compressed[12] ^= 0xFF
    with pytest.raises(zlib.error):
        gzip.decompress(bytes(compressed))
    corrupt = {"recordId": "bad", "data": base64.b64encode(bytes(compressed)).decode()}
    good = subscription_record("good", data_message(ACCOUNT, "line"))
    results = handler(firehose_event(corrupt, good), None)["records"]
    assert [r["result"] for r in results] == ["ProcessingFailed", "Ok"]


def test_records_beyond_the_response_budget_fail_so_firehose_keeps_them(monkeypatch):
    monkeypatch.setattr(session_log_processor, "RESPONSE_BUDGET_BYTES", 1500)
    # Each result is about 600 bytes: two fit into 1500.
    records = [subscription_record(str(n), data_message(ACCOUNT, "x" * 200)) for n in range(3)]
    results = handler(firehose_event(*records), None)["records"]
    assert [r["result"] for r in results] == ["Ok", "Ok", "ProcessingFailed"]
    assert results[2] == {"recordId": "2", "result": "ProcessingFailed"}


def test_the_construct_sets_exactly_the_variables_the_handler_reads():
    environment = processor_environment(NAMES)
    assert Settings.from_environment(environment) == Settings(
        session_folder=NAMES.session_log_folder,
        quarantine_folder=NAMES.session_log_quarantine_folder,
        log_group_prefix=NAMES.member_log_group_prefix,
        canary_folder=NAMES.session_log_canary_folder,
        canary_stream_prefix=NAMES.canary_stream_prefix,
    )
    assert set(environment) == {
        session_log_processor.SESSION_FOLDER_VARIABLE,
        session_log_processor.QUARANTINE_FOLDER_VARIABLE,
        session_log_processor.LOG_GROUP_PREFIX_VARIABLE,
        session_log_processor.CANARY_FOLDER_VARIABLE,
        session_log_processor.CANARY_STREAM_PREFIX_VARIABLE,
    }


def test_canary_streams_of_the_own_log_group_file_apart_and_foreign_ones_stay_quarantined():
    own = data_message(ACCOUNT, "canary")
    own["logStream"] = f"{NAMES.canary_stream_prefix}run-1"
    foreign = data_message(ACCOUNT, "canary", log_group="/aws/lambda/other")
    foreign["logStream"] = own["logStream"]
    event = firehose_event(subscription_record("c", own), subscription_record("f", foreign))
    folders = [r["metadata"]["partitionKeys"]["folder"] for r in handler(event, None)["records"]]
    assert folders == [NAMES.session_log_canary_folder, NAMES.session_log_quarantine_folder]
