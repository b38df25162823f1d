"""The alarms on session log delivery, as data: what each watches, when it fires, what to do.

Metric names and dimensions are those of the Firehose developer guide
("Monitor Amazon Data Firehose with CloudWatch metrics": DeliveryToS3.Success,
DeliveryToS3.DataFreshness, ThrottledRecords, ExecuteProcessing.Success, by
DeliveryStreamName), the Lambda developer guide ("Types of metrics for Lambda
functions": Errors, Throttles, by FunctionName) and the processor's own
embedded metric line (runtime/session_log_processor.py in
session_log_delivery: QuarantinedRecords, FailedRecords, by DeliveryStream).
"""

from __future__ import annotations

from dataclasses import dataclass

from components.session_log_delivery.runtime.session_log_processor import (
    FAILED_METRIC,
    METRIC_NAMESPACE,
    QUARANTINED_METRIC,
    STREAM_DIMENSION,
)
from config.names import Names

FIREHOSE = "AWS/Firehose"
LAMBDA = "AWS/Lambda"
# What each alarm is per: every Firehose stream, or the one processor function.
PER_STREAM, PER_PROCESSOR = "stream", "processor"


@dataclass(frozen=True)
class AlarmSpec:
    name: str
    per: str
    namespace: str
    metric: str
    dimension: str
    statistic: str
    comparison: str
    # None: the config's data freshness threshold.
    threshold: float | None
    description: str


def delivery_alarms(names: Names) -> list[AlarmSpec]:
    return [
        _delivery_failing(names),
        _data_stale(),
        _stream_throttled(),
        _processing_failing(names),
        _records_failed(names),
        _records_quarantined(names),
        _processor_errors(names),
        _processor_throttled(),
    ]


def _delivery_failing(names: Names) -> AlarmSpec:
    return AlarmSpec(
        name="delivery-failing",
        per=PER_STREAM,
        namespace=FIREHOSE,
        metric="DeliveryToS3.Success",
        dimension="DeliveryStreamName",
        statistic="Minimum",
        comparison="LessThanThreshold",
        threshold=1,
        description=(
            "Firehose could not write session logs to the central bucket; it retries, then "
            f"writes them to {names.session_log_error_folder}/. Read the stream's error log "
            f"stream in {names.delivery_error_log_group}, check the bucket and key policies, "
            "then redrive the error prefix."
        ),
    )


def _data_stale() -> AlarmSpec:
    return AlarmSpec(
        name="data-stale",
        per=PER_STREAM,
        namespace=FIREHOSE,
        metric="DeliveryToS3.DataFreshness",
        dimension="DeliveryStreamName",
        statistic="Maximum",
        comparison="GreaterThanThreshold",
        threshold=None,
        description=(
            "Session logs wait in Firehose longer than the freshness threshold: delivery is "
            "failing or cannot keep up. Look at the stream's delivery-failing and throttled "
            "alarms and its incoming bytes against its quota (docs/decisions/delivery.md)."
        ),
    )


def _stream_throttled() -> AlarmSpec:
    return AlarmSpec(
        name="throttled",
        per=PER_STREAM,
        namespace=FIREHOSE,
        metric="ThrottledRecords",
        dimension="DeliveryStreamName",
        statistic="Sum",
        comparison="GreaterThanThreshold",
        threshold=0,
        description=(
            "The stream refused records over its throughput quota; CloudWatch Logs retries "
            "them. Lower delivery.accounts_per_stream to spread the accounts over more streams, "
            "or ask AWS for a higher quota for this stream (docs/decisions/delivery.md)."
        ),
    )


def _processing_failing(names: Names) -> AlarmSpec:
    return AlarmSpec(
        name="processing-failing",
        per=PER_STREAM,
        namespace=FIREHOSE,
        metric="ExecuteProcessing.Success",
        dimension="DeliveryStreamName",
        statistic="Minimum",
        comparison="LessThanThreshold",
        threshold=1,
        description=(
            "Firehose could not invoke the processor for a batch; after retries the batch goes "
            f"to {names.session_log_error_folder}/. Read {names.session_log_processor_log_group} "
            "and the processor-errors alarm."
        ),
    )


def _records_failed(names: Names) -> AlarmSpec:
    return AlarmSpec(
        name="records-failed",
        per=PER_STREAM,
        namespace=METRIC_NAMESPACE,
        metric=FAILED_METRIC,
        dimension=STREAM_DIMENSION,
        statistic="Sum",
        comparison="GreaterThanThreshold",
        threshold=0,
        description=(
            "The processor marked records it could not read as failed; Firehose wrote them, "
            f"unchanged, to {names.session_log_error_folder}/. Inspect them there."
        ),
    )


def _records_quarantined(names: Names) -> AlarmSpec:
    return AlarmSpec(
        name="records-quarantined",
        per=PER_STREAM,
        namespace=METRIC_NAMESPACE,
        metric=QUARANTINED_METRIC,
        dimension=STREAM_DIMENSION,
        statistic="Sum",
        comparison="GreaterThanThreshold",
        threshold=0,
        description=(
            "Records came from a log group other than the sending account's session log group "
            f"and landed in {names.session_log_quarantine_folder}/. Find who subscribed what "
            "from the objects' account and logGroup fields."
        ),
    )


def _processor_errors(names: Names) -> AlarmSpec:
    return AlarmSpec(
        name="processor-errors",
        per=PER_PROCESSOR,
        namespace=LAMBDA,
        metric="Errors",
        dimension="FunctionName",
        statistic="Sum",
        comparison="GreaterThanThreshold",
        threshold=0,
        description=(
            "The Firehose processor raised an error; Firehose retries the batch. Read "
            f"{names.session_log_processor_log_group}."
        ),
    )


def _processor_throttled() -> AlarmSpec:
    return AlarmSpec(
        name="processor-throttled",
        per=PER_PROCESSOR,
        namespace=LAMBDA,
        metric="Throttles",
        dimension="FunctionName",
        statistic="Sum",
        comparison="GreaterThanThreshold",
        threshold=0,
        description=(
            "Lambda throttled the processor: the account's concurrency is used up. Raise the "
            "log archive account's Lambda concurrency quota in the home region."
        ),
    )
