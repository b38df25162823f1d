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
SQS = "AWS/SQS"
# What each alarm is per: every Firehose stream, or one subject (a function, a queue).
PER_STREAM, PER_SUBJECT = "stream", "subject"


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
    # PER_SUBJECT: the dimension's value, which also names the alarm.
    subject: str | None = None


def _firehose_alarm(**fields) -> AlarmSpec:
    return AlarmSpec(per=PER_STREAM, namespace=FIREHOSE, dimension="DeliveryStreamName", **fields)


def _processor_metric_alarm(**fields) -> AlarmSpec:
    """A metric of the processor's embedded metric line: counts per stream, alarm above 0."""
    return AlarmSpec(
        per=PER_STREAM,
        namespace=METRIC_NAMESPACE,
        dimension=STREAM_DIMENSION,
        statistic="Sum",
        comparison="GreaterThanThreshold",
        threshold=0,
        **fields,
    )


def _lambda_alarm(**fields) -> AlarmSpec:
    return AlarmSpec(
        per=PER_SUBJECT,
        namespace=LAMBDA,
        dimension="FunctionName",
        statistic="Sum",
        comparison="GreaterThanThreshold",
        threshold=0,
        **fields,
    )


def delivery_alarms(names: Names) -> list[AlarmSpec]:
    return [
        _delivery_failing(names),
        _data_stale(),
        _stream_throttled(),
        _processing_failing(names),
        _records_failed(names),
        _records_quarantined(names),
        _processor_errors(names),
        _processor_throttled(names),
        _indexer_errors(names),
        _indexer_throttled(names),
        _access_events_dead_lettered(names),
    ]


def _delivery_failing(names: Names) -> AlarmSpec:
    return _firehose_alarm(
        name="delivery-failing",
        metric="DeliveryToS3.Success",
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
    return _firehose_alarm(
        name="data-stale",
        metric="DeliveryToS3.DataFreshness",
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
    return _firehose_alarm(
        name="throttled",
        metric="ThrottledRecords",
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
    return _firehose_alarm(
        name="processing-failing",
        metric="ExecuteProcessing.Success",
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
    return _processor_metric_alarm(
        name="records-failed",
        metric=FAILED_METRIC,
        description=(
            "The processor marked records it could not read as failed; Firehose wrote them, "
            f"unchanged, to {names.session_log_error_folder}/. Inspect them there."
        ),
    )


def _records_quarantined(names: Names) -> AlarmSpec:
    return _processor_metric_alarm(
        name="records-quarantined",
        metric=QUARANTINED_METRIC,
        description=(
            "Records came from a log group other than the sending account's session log group "
            f"and landed in {names.session_log_quarantine_folder}/. Find who subscribed what "
            "from the objects' account and logGroup fields."
        ),
    )


def _processor_errors(names: Names) -> AlarmSpec:
    return _lambda_alarm(
        name="processor-errors",
        subject=names.session_log_processor,
        metric="Errors",
        description=(
            "The Firehose processor raised an error; Firehose retries the batch. Read "
            f"{names.session_log_processor_log_group}."
        ),
    )


def _processor_throttled(names: Names) -> AlarmSpec:
    return _lambda_alarm(
        name="processor-throttled",
        subject=names.session_log_processor,
        metric="Throttles",
        description=(
            "Lambda throttled the processor: the account's concurrency is used up. Raise the "
            "log archive account's Lambda concurrency quota in the home region."
        ),
    )


def _indexer_errors(names: Names) -> AlarmSpec:
    return _lambda_alarm(
        name="indexer-errors",
        subject=names.access_indexer,
        metric="Errors",
        description=(
            "The access indexer failed on a batch; the queue retries its messages and moves "
            f"one that keeps failing to {names.access_index_dead_letter_queue}. Read "
            f"{names.access_indexer_log_group} (docs/attribution.md)."
        ),
    )


def _indexer_throttled(names: Names) -> AlarmSpec:
    return _lambda_alarm(
        name="indexer-throttled",
        subject=names.access_indexer,
        metric="Throttles",
        description=(
            "Lambda throttled the access indexer: accesses reach the index late. Raise the log "
            "archive account's Lambda concurrency quota in the home region."
        ),
    )


def _access_events_dead_lettered(names: Names) -> AlarmSpec:
    # SQS developer guide, "Available CloudWatch metrics for Amazon SQS":
    # ApproximateNumberOfMessagesVisible, by QueueName.
    return AlarmSpec(
        name="access-events-dead-lettered",
        per=PER_SUBJECT,
        subject=names.access_index_dead_letter_queue,
        namespace=SQS,
        metric="ApproximateNumberOfMessagesVisible",
        dimension="QueueName",
        statistic="Maximum",
        comparison="GreaterThanThreshold",
        threshold=0,
        description=(
            "Access events the indexer could not index wait in the dead-letter queue: their "
            "accesses are missing from the index. Each malformed message carries its reason "
            "as the 'reason' attribute; fix the cause, then redrive the queue to "
            f"{names.access_index_queue} (SQS console, Start DLQ redrive)."
        ),
    )
