"""The log archive's side of attribution: the central bus, the queue, the table and the indexer.

Member accounts forward Session Manager, ssm-guiconnect and just-in-time
node access CloudTrail events to the bus (the member template's
AccessEventForwarding rule); the central bucket's EventBridge notifications
bring new recordings to the home region's default bus. Both rules feed one
queue, whose dead-letter queue keeps what the indexer cannot index. The
indexer (indexer.py) writes the documents under access-index/ in the
central bucket. docs/attribution.md says why each piece is what it is.
"""

from __future__ import annotations

import json

from cdktf_cdktf_provider_aws.cloudwatch_event_bus import CloudwatchEventBus
from cdktf_cdktf_provider_aws.cloudwatch_event_bus_policy import CloudwatchEventBusPolicy
from cdktf_cdktf_provider_aws.cloudwatch_event_rule import CloudwatchEventRule
from cdktf_cdktf_provider_aws.cloudwatch_event_target import CloudwatchEventTarget
from cdktf_cdktf_provider_aws.dynamodb_table import (
    DynamodbTable,
    DynamodbTableAttribute,
    DynamodbTableGlobalSecondaryIndex,
    DynamodbTablePointInTimeRecovery,
    DynamodbTableServerSideEncryption,
)
from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_aws.sqs_queue import SqsQueue
from cdktf_cdktf_provider_aws.sqs_queue_policy import SqsQueuePolicy
from constructs import Construct

from components.access_index import policies, table
from components.access_index.indexer import INDEXER_TIMEOUT_SECONDS, AccessIndexer
from components.access_index.runtime.access_indexer import FORWARDED_EVENT_NAMES
from components.iam_policy import render_policy
from config.names import Names

# SQS's longest retention (SQS developer guide, "Quotas"): an indexer outage
# of up to two weeks loses nothing.
RETENTION_SECONDS = 14 * 24 * 3600
# Lambda developer guide, "Using Lambda with Amazon SQS": "set the source
# queue's visibility timeout to at least six times the timeout that you
# configure on your function".
VISIBILITY_TIMEOUT_SECONDS = 6 * INDEXER_TIMEOUT_SECONDS
# Attempts before a message that keeps failing moves to the dead-letter queue.
MAX_RECEIVE_COUNT = 5


def forwarded_events_pattern() -> dict:
    """What the member rule forwards and the central rule takes: the events the indexer reads."""
    return {
        "source": sorted(
            f"aws.{source.removesuffix('.amazonaws.com')}" for source in FORWARDED_EVENT_NAMES
        ),
        "detail-type": ["AWS API Call via CloudTrail"],
        "detail": {
            "eventSource": sorted(FORWARDED_EVENT_NAMES),
            "eventName": sorted({n for names in FORWARDED_EVENT_NAMES.values() for n in names}),
        },
    }


def recordings_pattern(names: Names) -> dict:
    # S3 user guide, "Using EventBridge": Object Created events carry
    # detail.bucket.name and detail.object.key. Every folder Firehose writes
    # to starts with the session log folder's name, so one anything-but
    # prefix leaves all transcripts out; the indexer drops its own folder.
    return {
        "source": ["aws.s3"],
        "detail-type": ["Object Created"],
        "detail": {
            "bucket": {"name": [names.bucket]},
            "object": {"key": [{"anything-but": {"prefix": names.session_log_folder}}]},
        },
    }


class AccessIndex(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        provider: AwsProvider,
        names: Names,
        organization_id: str,
        key_arn: str,
    ) -> None:
        super().__init__(scope, id)
        bus = CloudwatchEventBus(self, "bus", provider=provider, name=names.access_event_bus)
        CloudwatchEventBusPolicy(
            self,
            "bus-policy",
            provider=provider,
            event_bus_name=bus.name,
            policy=render_policy(
                policies.access_event_bus_policy_document(
                    bus_arn=bus.arn, organization_id=organization_id
                )
            ),
        )
        dead_letters = self._queue(
            provider, "dead-letter-queue", names.access_index_dead_letter_queue
        )
        queue = self._queue(
            provider,
            "queue",
            names.access_index_queue,
            # Compact, as SQS returns it: any other spacing plans a change every time.
            redrive_policy=json.dumps(
                {"deadLetterTargetArn": dead_letters.arn, "maxReceiveCount": MAX_RECEIVE_COUNT},
                sort_keys=True,
                separators=(",", ":"),
            ),
            visibility_timeout_seconds=VISIBILITY_TIMEOUT_SECONDS,
        )
        rules = [
            self._rule_to(
                provider,
                "forwarded-events",
                queue,
                name=names.access_event_bus,
                bus=bus.name,
                pattern=forwarded_events_pattern(),
                description="Access events forwarded by the member accounts, to the access indexer",
            ),
            self._rule_to(
                provider,
                "new-recordings",
                queue,
                name=f"{names.prefix}-new-recordings",
                bus="default",
                pattern=recordings_pattern(names),
                description="New RDP recordings in the central bucket, to the access indexer",
            ),
        ]
        SqsQueuePolicy(
            self,
            "queue-policy",
            provider=provider,
            queue_url=queue.url,
            policy=render_policy(
                policies.access_queue_policy_document(
                    queue_arn=queue.arn, rule_arns=[rule.arn for rule in rules]
                )
            ),
        )
        self.records = DynamodbTable(
            self,
            "table",
            provider=provider,
            name=names.access_records_table,
            billing_mode="PAY_PER_REQUEST",
            hash_key=table.KEY,
            attribute=[
                DynamodbTableAttribute(name=name, type="S")
                for name in (table.KEY, table.AWAITING, table.FIRST_SEEN)
            ],
            global_secondary_index=[
                DynamodbTableGlobalSecondaryIndex(
                    name=table.AWAITING_INDEX,
                    hash_key=table.AWAITING,
                    range_key=table.FIRST_SEEN,
                    projection_type="ALL",
                )
            ],
            point_in_time_recovery=DynamodbTablePointInTimeRecovery(enabled=True),
            server_side_encryption=DynamodbTableServerSideEncryption(
                enabled=True, kms_key_arn=key_arn
            ),
            deletion_protection_enabled=True,
        )
        self.indexer = AccessIndexer(
            self,
            "indexer",
            provider=provider,
            names=names,
            key_arn=key_arn,
            queue_arn=queue.arn,
            dead_letter_queue_arn=dead_letters.arn,
            dead_letter_queue_url=dead_letters.url,
            table_arn=self.records.arn,
        )
        self.dead_letter_queue_name: str = dead_letters.name

    def _queue(self, provider: AwsProvider, id: str, name: str, **settings) -> SqsQueue:
        # SSE-SQS: a customer managed key would need a key policy letting
        # EventBridge use it (SQS developer guide, "Key management"); with
        # SQS-managed keys the queue policy is all EventBridge needs.
        return SqsQueue(
            self,
            id,
            provider=provider,
            name=name,
            message_retention_seconds=RETENTION_SECONDS,
            sqs_managed_sse_enabled=True,
            **settings,
        )

    def _rule_to(
        self,
        provider: AwsProvider,
        id: str,
        queue: SqsQueue,
        *,
        name: str,
        bus: str,
        pattern: dict,
        description: str,
    ) -> CloudwatchEventRule:
        rule = CloudwatchEventRule(
            self,
            id,
            provider=provider,
            name=name,
            event_bus_name=bus,
            description=description,
            event_pattern=json.dumps(pattern, sort_keys=True),
        )
        CloudwatchEventTarget(
            self,
            f"{id}-target",
            provider=provider,
            rule=rule.name,
            event_bus_name=bus,
            arn=queue.arn,
        )
        return rule
