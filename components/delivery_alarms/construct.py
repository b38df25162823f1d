"""CloudWatch alarms on session log delivery, and the SNS topic they publish to.

Each alarm of delivery_alarms() is one resource: for_each over the Firehose
streams for the per-stream ones, once for the processor's. The topic is
encrypted with the central key, whose policy lets CloudWatch use it for that
(session_log_key/policies.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdktf import TerraformIterator, Token
from cdktf_cdktf_provider_aws.cloudwatch_metric_alarm import CloudwatchMetricAlarm
from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_aws.sns_topic import SnsTopic
from cdktf_cdktf_provider_aws.sns_topic_policy import SnsTopicPolicy
from cdktf_cdktf_provider_aws.sns_topic_subscription import SnsTopicSubscription
from constructs import Construct

from components.delivery_alarms.alarms import PER_STREAM, AlarmSpec
from components.delivery_alarms.policies import alarm_topic_policy_document
from components.iam_policy import render_policy


@dataclass(frozen=True)
class Subscriber:
    protocol: str
    endpoint: str


class DeliveryAlarms(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        provider: AwsProvider,
        topic_name: str,
        key_arn: str,
        account_id: str,
        alarms: Sequence[AlarmSpec],
        stream_names: Sequence[str],
        freshness_seconds: int,
        period_seconds: int,
        subscribers: Sequence[Subscriber],
    ) -> None:
        super().__init__(scope, id)
        topic = SnsTopic(
            self, "topic", provider=provider, name=topic_name, kms_master_key_id=key_arn
        )
        SnsTopicPolicy(
            self,
            "topic-policy",
            provider=provider,
            arn=topic.arn,
            policy=render_policy(
                alarm_topic_policy_document(topic_arn=topic.arn, account_id=account_id)
            ),
        )
        self._subscribe(provider, topic, subscribers)
        each_stream = TerraformIterator.from_list(list(stream_names))
        for alarm in alarms:
            per_stream = alarm.per == PER_STREAM
            CloudwatchMetricAlarm(
                self,
                alarm.name,
                provider=provider,
                for_each=each_stream if per_stream else None,
                # Named after what they watch: <stream>-<alarm> or <subject>-<alarm>.
                alarm_name=(
                    f"${{each.value}}-{alarm.name}"
                    if per_stream
                    else f"{alarm.subject}-{alarm.name}"
                ),
                alarm_description=alarm.description,
                namespace=alarm.namespace,
                metric_name=alarm.metric,
                dimensions={
                    alarm.dimension: (
                        Token.as_string(each_stream.value) if per_stream else alarm.subject
                    )
                },
                statistic=alarm.statistic,
                comparison_operator=alarm.comparison,
                threshold=freshness_seconds if alarm.threshold is None else alarm.threshold,
                period=period_seconds,
                evaluation_periods=1,
                # No data is no delivery: nothing to alarm on, and streams of
                # quiet regions send none.
                treat_missing_data="notBreaching",
                alarm_actions=[topic.arn],
                ok_actions=[topic.arn],
            )

    def _subscribe(
        self, provider: AwsProvider, topic: SnsTopic, subscribers: Sequence[Subscriber]
    ) -> None:
        if not subscribers:
            return
        keyed = {f"{s.protocol}:{s.endpoint}": s for s in subscribers}
        each = TerraformIterator.from_map(
            {key: {"protocol": s.protocol, "endpoint": s.endpoint} for key, s in keyed.items()}
        )
        SnsTopicSubscription(
            self,
            "subscriptions",
            provider=provider,
            for_each=each,
            topic_arn=topic.arn,
            protocol=each.get_string("protocol"),
            endpoint=each.get_string("endpoint"),
        )
