"""The hops of session log delivery that moto 5.2.5 lacks, done as AWS documents them.

A session log event goes: member log group → subscription filter → the
CloudWatch Logs destination in the log archive account → its Firehose stream
→ the processor → the central bucket. moto stores every resource on the way
but moves data only part of it:

- **Subscription to a destination.** moto sends a subscription's events to a
  Lambda function, a Firehose stream or a Kinesis stream, and for a `logs`
  ARN to a log group named after it; a destination ARN
  (`arn:aws:logs:<region>:<account>:destination:<name>`) then fails the
  PutLogEvents. CloudWatch Logs instead puts the events into the
  destination's target: one record per batch of events of one log stream, a
  gzip-compressed JSON envelope with `owner` (the sending account),
  `logGroup`, `logStream`, `subscriptionFilters`, `messageType` and
  `logEvents` (`id`, `timestamp`, `message`) (CloudWatch Logs User Guide,
  "Log group-level subscription filters", the examples' record format; Firehose
  Developer Guide, "Extract message after decompression of CloudWatch Logs").
  `through_destinations` does that, with every event, as the project's
  empty filter pattern selects.
- **Firehose with a Lambda processor and dynamic partitioning.** moto writes
  each PutRecordBatch as one object under `<prefix>YYYY/MM/DD/HH/`, as is: no
  processor, no evaluated prefix, no file extension, no SSE-KMS.
  `transformed_and_partitioned` does what the Firehose Developer Guide
  describes: it invokes the processor with the records ("Transform source
  data"; the event as in the Lambda Developer Guide, "Using Lambda with
  Amazon Data Firehose"), writes the `Ok` records of each set of partition
  keys as one object, named `<evaluated prefix><stream>-<version>-<yyyy>-<MM>-
  <dd>-<HH>-<mm>-<ss>-<uuid><file extension>` ("Configure Amazon S3 object
  name format"; `!{timestamp:…}` is the arrival time, `!{partitionKeyFromLambda:…}`
  the processor's key, "Understand custom prefixes for Amazon S3 objects"),
  encrypted with the destination's KMS key, drops `Dropped` records, and
  writes each `ProcessingFailed` record to the error prefix with
  `!{firehose:error-output-type}` = `processing-failed`, as the document that
  "Handle failure in data transformation" shows.

Not emulated: buffering (each PutRecordBatch is delivered at once, as if its
buffer had filled), retries, throttling and quotas, and IAM (moto checks no
role). The processor runs as Lambda runs it (tests/e2e/lambda_runtime.py).
"""

from __future__ import annotations

import base64
import gzip
import json
import re
import uuid
from collections import defaultdict
from datetime import UTC, datetime

import pytest
from moto.firehose.models import DeliveryStream, FirehoseBackend, firehose_backends
from moto.logs.models import LogStream, logs_backends
from moto.s3.models import s3_backends
from moto.utilities.arns import parse_arn

from tests.e2e.lambda_runtime import LambdaRuntime

PROCESSING_FAILED = "processing-failed"
# The Java DateTimeFormatter patterns the project's prefixes use, as strftime.
_TIMESTAMP_FORMATS = {"yyyy": "%Y", "MM": "%m", "dd": "%d", "HH": "%H"}
_EXPRESSION = re.compile(r"!\{(\w+):([^}]+)\}")


def deliver_session_logs(patches: pytest.MonkeyPatch, functions: LambdaRuntime) -> None:
    patches.setattr(LogStream, "_send_log_events", through_destinations(LogStream._send_log_events))
    patches.setattr(
        FirehoseBackend,
        "put_s3_records",
        transformed_and_partitioned(FirehoseBackend.put_s3_records, functions),
    )


def through_destinations(moto_send):
    def send(self: LogStream, service, destination_arn, filter_name, log_events) -> None:
        if ":destination:" not in destination_arn:
            moto_send(self, service, destination_arn, filter_name, log_events)
            return
        arn = parse_arn(destination_arn)
        destination = logs_backends[arn.account][arn.region].destinations[destination_arn]
        target = parse_arn(destination.target_arn)
        record = cloudwatch_logs_record(
            owner=self.account_id,
            log_group=self.log_group.name,
            log_stream=self.log_stream_name,
            filter_name=filter_name,
            log_events=[{**event, "id": str(event["id"])} for event in log_events],
        )
        firehose_backends[target.account][target.region].put_record_batch(
            target.resource_id, [{"Data": record}]
        )

    return send


def cloudwatch_logs_record(
    *, owner: str, log_group: str, log_stream: str, filter_name: str, log_events: list[dict]
) -> bytes:
    """One record as CloudWatch Logs puts it into a destination's stream."""
    envelope = {
        "messageType": "DATA_MESSAGE",
        "owner": owner,
        "logGroup": log_group,
        "logStream": log_stream,
        "subscriptionFilters": [filter_name],
        "logEvents": log_events,
    }
    return gzip.compress(json.dumps(envelope).encode())


def transformed_and_partitioned(moto_put, functions: LambdaRuntime):
    def put_s3_records(self: FirehoseBackend, stream_name, version_id, destination, records):
        processor_arn = _lambda_processor(destination)
        if processor_arn is None:
            return moto_put(self, stream_name, version_id, destination, records)
        delivery = Delivery(self, self.delivery_streams[stream_name], destination)
        return delivery.deliver(functions, processor_arn, [r["Data"] for r in records])

    return put_s3_records


def _lambda_processor(destination: dict) -> str | None:
    processing = destination.get("ProcessingConfiguration") or {}
    if not processing.get("Enabled"):
        return None
    [processor] = processing["Processors"]
    parameters = {p["ParameterName"]: p["ParameterValue"] for p in processor["Parameters"]}
    return parameters["LambdaArn"]


class Delivery:
    """One PutRecordBatch through one stream's processor into S3."""

    def __init__(self, backend: FirehoseBackend, stream: DeliveryStream, destination: dict):
        self.backend, self.stream, self.destination = backend, stream, destination
        self.arrival = datetime.now(UTC)
        self.bucket = destination["BucketARN"].split(":")[-1]

    def deliver(self, functions: LambdaRuntime, processor_arn: str, data: list[bytes]) -> list:
        ids = [str(uuid.uuid4()) for _ in data]
        event = self.transformation_event(dict(zip(ids, data, strict=True)))
        results = {r["recordId"]: r for r in functions.invoke(processor_arn, event)["records"]}
        partitions: dict[tuple, list[bytes]] = defaultdict(list)
        for record_id, raw in zip(ids, data, strict=True):
            result = results.get(record_id, {"result": "ProcessingFailed"})
            if result["result"] == "Ok":
                keys = result["metadata"]["partitionKeys"]
                partitions[tuple(sorted(keys.items()))].append(base64.b64decode(result["data"]))
            elif result["result"] != "Dropped":
                self.write_failed(raw, processor_arn)
        for keys, parts in partitions.items():
            self.put(self.evaluated(self.destination["Prefix"], dict(keys)), b"".join(parts))
        return [{"RecordId": record_id} for record_id in ids]

    def transformation_event(self, records: dict[str, bytes]) -> dict:
        arrival_ms = int(self.arrival.timestamp() * 1000)
        return {
            "invocationId": str(uuid.uuid4()),
            "deliveryStreamArn": self.stream.delivery_stream_arn,
            "region": self.backend.region_name,
            "records": [
                {
                    "recordId": record_id,
                    "approximateArrivalTimestamp": arrival_ms,
                    "data": base64.b64encode(raw).decode(),
                }
                for record_id, raw in records.items()
            ],
        }

    def write_failed(self, raw: bytes, processor_arn: str) -> None:
        arrival_ms = int(self.arrival.timestamp() * 1000)
        document = {
            "attemptsMade": 1,
            "arrivalTimestamp": arrival_ms,
            # The guide names the field ("The HTTP error code returned by
            # Lambda") but lists no codes; this is the record's status.
            "errorCode": "Lambda.ProcessingFailed",
            "errorMessage": "The record's result was ProcessingFailed.",
            "attemptEndingTimestamp": arrival_ms,
            "rawData": base64.b64encode(raw).decode(),
            "lambdaArn": processor_arn,
        }
        prefix = self.destination["ErrorOutputPrefix"]
        self.put(self.evaluated(prefix, {}, PROCESSING_FAILED), json.dumps(document).encode())

    def evaluated(self, prefix: str, keys: dict[str, str], error_type: str = "") -> str:
        def value(match: re.Match) -> str:
            namespace, name = match.groups()
            if namespace == "partitionKeyFromLambda":
                return keys[name]
            if namespace == "firehose" and name == "error-output-type":
                return error_type
            if namespace == "timestamp" and name in _TIMESTAMP_FORMATS:
                return self.arrival.strftime(_TIMESTAMP_FORMATS[name])
            raise ValueError(f"the stand-in does not evaluate {match.group(0)} in {prefix!r}")

        return _EXPRESSION.sub(value, prefix)

    def put(self, prefix: str, body: bytes) -> None:
        stamp = self.arrival.strftime("%Y-%m-%d-%H-%M-%S")
        name = f"{self.stream.delivery_stream_name}-{self.stream.version_id}-{stamp}-{uuid.uuid4()}"
        key = f"{prefix}{name}{self.destination.get('FileExtension', '')}"
        kms = self.destination["EncryptionConfiguration"]["KMSEncryptionConfig"]["AWSKMSKeyARN"]
        s3_backends[self.backend.account_id][self.backend.partition].put_object(
            self.bucket, key, body, encryption="aws:kms", kms_key_id=kms
        )
