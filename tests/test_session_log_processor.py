"""The Firehose processor: CloudWatch Logs subscription records in, transcripts and partition keys out."""

from __future__ import annotations

import base64
import gzip
import json

from components.session_log_delivery.runtime import session_log_processor
from components.session_log_delivery.runtime.session_log_processor import handler

SESSION_EVENT = {
    "eventVersion": "1.0",
    "awsRegion": "us-east-1",
    "target": {"id": "i-0123456789abcdef0"},
    "userIdentity": {"arn": "arn:aws:sts::123456789012:assumed-role/Operator/alice"},
    "sessionId": "alice-0123456789abcdef0",
    "sessionData": ["sh-5.2$ whoami", "ssm-user"],
}


def subscription_record(record_id: str, envelope: dict) -> dict:
    """A record as CloudWatch Logs puts it into Firehose: gzip, then base64."""
    data = base64.b64encode(gzip.compress(json.dumps(envelope).encode())).decode()
    return {"recordId": record_id, "data": data}


def data_message(owner: str, *messages: str) -> dict:
    return {
        "messageType": "DATA_MESSAGE",
        "owner": owner,
        "logGroup": f"session-manager-log-{owner}",
        "logStream": "alice-0123456789abcdef0",
        "subscriptionFilters": ["central-session-logs"],
        "logEvents": [
            {"id": str(n), "timestamp": 1700000000000 + n, "message": m}
            for n, m in enumerate(messages)
        ],
    }


def transcript(result: dict) -> str:
    return base64.b64decode(result["data"]).decode()


def test_data_messages_become_one_transcript_line_per_event_keyed_by_account():
    message = json.dumps(SESSION_EVENT)
    event = {"records": [subscription_record("r1", data_message("123456789012", message, "{}"))]}
    [result] = handler(event, None)["records"]
    assert result["recordId"] == "r1"
    assert result["result"] == "Ok"
    assert result["metadata"] == {"partitionKeys": {"account": "123456789012"}}
    assert transcript(result) == f"{message}\n{{}}\n"
    assert json.loads(transcript(result).splitlines()[0]) == SESSION_EVENT


def test_each_record_keeps_its_own_account():
    event = {
        "records": [
            subscription_record("a", data_message("111111111111", "first")),
            subscription_record("b", data_message("222222222222", "second")),
        ]
    }
    results = handler(event, None)["records"]
    assert [r["recordId"] for r in results] == ["a", "b"]
    assert [r["metadata"]["partitionKeys"]["account"] for r in results] == [
        "111111111111",
        "222222222222",
    ]


def test_control_messages_from_cloudwatch_logs_are_dropped():
    control = {
        **data_message("CloudwatchLogs", "CWL CONTROL MESSAGE"),
        "messageType": "CONTROL_MESSAGE",
    }
    [result] = handler({"records": [subscription_record("c", control)]}, None)["records"]
    assert result == {"recordId": "c", "result": "Dropped"}


def test_records_that_are_not_cloudwatch_logs_data_fail_without_stopping_the_batch():
    not_gzip = {"recordId": "x", "data": base64.b64encode(b"plain text").decode()}
    not_base64 = {"recordId": "y", "data": "%%%"}
    no_owner = subscription_record("z", {"messageType": "DATA_MESSAGE", "logEvents": []})
    good = subscription_record("g", data_message("123456789012", "line"))
    results = handler({"records": [not_gzip, not_base64, no_owner, good]}, None)["records"]
    assert [r["result"] for r in results] == ["ProcessingFailed"] * 3 + ["Ok"]


def test_records_beyond_the_response_budget_fail_so_firehose_keeps_them(monkeypatch):
    monkeypatch.setattr(session_log_processor, "RESPONSE_BUDGET_BYTES", 800)
    # Each result is 373 bytes: two fit into 800.
    records = [
        subscription_record(str(n), data_message("123456789012", "x" * 200)) for n in range(3)
    ]
    results = handler({"records": records}, None)["records"]
    assert [r["result"] for r in results] == ["Ok", "Ok", "ProcessingFailed"]
    assert results[2] == {"recordId": "2", "result": "ProcessingFailed"}
