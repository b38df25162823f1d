"""Firehose transformation: CloudWatch Logs subscription records into session transcripts.

Each record CloudWatch Logs puts into Firehose is one gzip-compressed JSON
envelope holding log events of one log group of one account. This function
decompresses it and writes one JSON object per log event (JSON Lines), each
carrying the session id, the target where known, the account, the log group
and stream, and the event itself (docs/decisions/delivery.md, "Object
format"). It returns two partition keys for the stream's S3 prefix: the
sending account, and the folder, which is the session log folder only for
the account's own session log group and the quarantine folder for anything
else. Every batch also reports how many records it quarantined and failed,
as metrics. README ("Session log delivery") explains why a function does this
rather than Firehose's built-in decompression and message extraction.

Runs on the Lambda Python runtime with the standard library only; the folder
names and the log group prefix come from environment variables that
components/session_log_delivery/processor.py sets.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import json
import os
import re
import time
import zlib
from dataclasses import dataclass

# Lambda's synchronous invocations return at most 6 MB (Firehose developer
# guide, "Transform source data"); records beyond this budget are marked
# ProcessingFailed, which sends them unchanged to the error prefix.
RESPONSE_BUDGET_BYTES = 5_500_000
FOLDER_KEY = "folder"
ACCOUNT_KEY = "account"

# The construct sets these from config/names.py; the handler reads nothing else.
SESSION_FOLDER_VARIABLE = "SESSION_LOG_FOLDER"
QUARANTINE_FOLDER_VARIABLE = "SESSION_LOG_QUARANTINE_FOLDER"
LOG_GROUP_PREFIX_VARIABLE = "MEMBER_LOG_GROUP_PREFIX"
CANARY_FOLDER_VARIABLE = "SESSION_LOG_CANARY_FOLDER"
CANARY_STREAM_PREFIX_VARIABLE = "CANARY_STREAM_PREFIX"

METRIC_NAMESPACE = "CentralSessionLogs"
QUARANTINED_METRIC = "QuarantinedRecords"
# Records marked ProcessingFailed, which Firehose writes to the error prefix.
FAILED_METRIC = "FailedRecords"
STREAM_DIMENSION = "DeliveryStream"

# What a corrupted record can raise on its way from base64 to log events:
# binascii.Error (base64), zlib.error and gzip.BadGzipFile (an OSError) and
# EOFError (gzip), UnicodeDecodeError and json.JSONDecodeError (ValueErrors),
# RecursionError (JSON nested too deep), and KeyError, TypeError or
# AttributeError for a JSON document of the wrong shape.
DECODING_ERRORS = (
    binascii.Error,
    zlib.error,
    OSError,
    EOFError,
    ValueError,
    RecursionError,
    KeyError,
    TypeError,
    AttributeError,
)
# The partition key becomes part of the object key, so only an account id may.
ACCOUNT_ID = re.compile(r"\d{12}")
# What JSON allows around a value (RFC 8259, section 2); str.strip() would take more.
JSON_WHITESPACE = " \t\n\r"


@dataclass(frozen=True)
class Settings:
    session_folder: str
    quarantine_folder: str
    log_group_prefix: str
    canary_folder: str
    canary_stream_prefix: str

    @classmethod
    def from_environment(cls, environ: os._Environ | dict) -> Settings:
        return cls(
            session_folder=environ[SESSION_FOLDER_VARIABLE],
            quarantine_folder=environ[QUARANTINE_FOLDER_VARIABLE],
            log_group_prefix=environ[LOG_GROUP_PREFIX_VARIABLE],
            canary_folder=environ[CANARY_FOLDER_VARIABLE],
            canary_stream_prefix=environ[CANARY_STREAM_PREFIX_VARIABLE],
        )


def handler(event: dict, context: object) -> dict:
    settings = Settings.from_environment(os.environ)
    results = []
    quarantined = 0
    budget = RESPONSE_BUDGET_BYTES
    for record in event["records"]:
        result = transform(record, settings)
        size = response_size(result)
        if size > budget:
            result = failed(record)
        else:
            budget -= size
            quarantined += is_quarantined(result, settings)
        results.append(result)
    failures = sum(r["result"] == "ProcessingFailed" for r in results)
    print(batch_metrics(event["deliveryStreamArn"], quarantined=quarantined, failed=failures))
    return {"records": results}


def transform(record: dict, settings: Settings) -> dict:
    try:
        envelope = json.loads(gzip.decompress(base64.b64decode(record["data"], validate=True)))
        if envelope["messageType"] != "DATA_MESSAGE":
            # CONTROL_MESSAGE: CloudWatch Logs checking that the destination is reachable.
            return {"recordId": record["recordId"], "result": "Dropped"}
        account = envelope["owner"]
        if not ACCOUNT_ID.fullmatch(account):
            return failed(record)
        lines = json_lines(envelope)
    except DECODING_ERRORS:
        return failed(record)
    return {
        "recordId": record["recordId"],
        "result": "Ok",
        "data": base64.b64encode(lines.encode()).decode(),
        "metadata": {
            "partitionKeys": {
                FOLDER_KEY: folder_for(envelope, settings),
                ACCOUNT_KEY: account,
            }
        },
    }


def response_size(result: dict) -> int:
    """Bytes the result adds to the response: base64 needs no escaping, so it counts as is."""
    data = result.get("data", "")
    return len(json.dumps({**result, "data": ""})) + len(data)


def failed(record: dict) -> dict:
    return {"recordId": record["recordId"], "result": "ProcessingFailed"}


def folder_for(envelope: dict, settings: Settings) -> str:
    """Only the sending account's own session log group files under the session folder.

    Its canary streams (`make verify --canary`) file under their own folder,
    so queries over the session folder never see them.
    """
    own_log_group = f"{settings.log_group_prefix}{envelope['owner']}"
    if envelope["logGroup"] != own_log_group:
        return settings.quarantine_folder
    if envelope["logStream"].startswith(settings.canary_stream_prefix):
        return settings.canary_folder
    return settings.session_folder


def json_lines(envelope: dict) -> str:
    """One JSON object per log event, attributed whatever the message format.

    Built as text around the message rather than by json.dumps of the parsed
    event, and as one join of parts rather than a string per line: both
    copies of every message took most of the processor's time.
    """
    log_stream = envelope["logStream"]
    context = json.dumps(
        {"account": envelope["owner"], "logGroup": envelope["logGroup"], "logStream": log_stream}
    )[1:-1]
    # The events of one record share a session and target, so the part of
    # each line before the timestamp is written once per attribution.
    prefixes: dict[tuple[str, str | None], str] = {}
    parts = []
    for log_event in envelope["logEvents"]:
        session_id, target, content = attribution(log_event["message"], log_stream)
        prefix = prefixes.get((session_id, target))
        if prefix is None:
            prefix = prefixes[session_id, target] = (
                f'{{"sessionId": {json.dumps(session_id)}, "target": {json.dumps(target)}, '
                f'{context}, "timestamp": '
            )
        parts += (prefix, str(epoch_millis(log_event["timestamp"])), content, "}\n")
    return "".join(parts)


def epoch_millis(timestamp: object) -> int:
    """CloudWatch Logs timestamps are milliseconds since the epoch; anything else is a bad record."""
    if type(timestamp) is not int:
        raise TypeError(f"timestamp {timestamp!r} is not an integer")
    return timestamp


def attribution(message: str, log_stream: str) -> tuple[str, str | None, str]:
    """The session id and target of one message, and the message as JSON member `event` or `message`.

    Streamed sessions write one JSON document per message with `sessionId` and
    `target.id`; interactive-command sessions upload plain text, and the agent
    names every session's log stream after its session id.
    """
    streamed = streamed_event(message)
    if streamed is None:
        return log_stream, None, f', "message": {json.dumps(message)}'
    session_id = streamed.get("sessionId")
    target = streamed.get("target")
    target_id = target.get("id") if isinstance(target, dict) else None
    # The message is a valid JSON object already; written again only if it
    # spans lines, which would break the one-object-per-line format.
    event = json.dumps(streamed) if "\n" in message else message
    return (
        session_id if isinstance(session_id, str) else log_stream,
        target_id if isinstance(target_id, str) else None,
        f', "event": {event}',
    )


# json.loads without its Python layers around the C scanner, which cost a
# third of the parse for messages of a kilobyte; it returns the parsed value
# and where it ended, and raises StopIteration where no value starts.
_scan_json_value = json.JSONDecoder().scan_once


def streamed_event(message: str) -> dict | None:
    if not message.startswith("{"):
        return None
    try:
        document, end = _scan_json_value(message, 0)
    except (StopIteration, ValueError, RecursionError):
        return None
    if message[end:].strip(JSON_WHITESPACE):
        return None
    return document


def is_quarantined(result: dict, settings: Settings) -> bool:
    if result["result"] != "Ok":
        return False
    return result["metadata"]["partitionKeys"][FOLDER_KEY] == settings.quarantine_folder


def batch_metrics(delivery_stream_arn: str, *, quarantined: int, failed: int) -> str:
    """An embedded metric format line: CloudWatch Logs turns it into metrics to alarm on."""
    stream = delivery_stream_arn.rsplit("/", 1)[-1]
    return json.dumps(
        {
            "_aws": {
                "Timestamp": int(time.time() * 1000),
                "CloudWatchMetrics": [
                    {
                        "Namespace": METRIC_NAMESPACE,
                        "Dimensions": [[STREAM_DIMENSION]],
                        "Metrics": [
                            {"Name": QUARANTINED_METRIC, "Unit": "Count"},
                            {"Name": FAILED_METRIC, "Unit": "Count"},
                        ],
                    }
                ],
            },
            STREAM_DIMENSION: stream,
            QUARANTINED_METRIC: quarantined,
            FAILED_METRIC: failed,
        }
    )
