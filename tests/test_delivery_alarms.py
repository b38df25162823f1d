"""The delivery alarms: every stream and the processor watched, to an encrypted topic, with advice."""

from __future__ import annotations

import json

import pytest
import yaml

from components.delivery_alarms.alarms import PER_STREAM, PER_SUBJECT, delivery_alarms
from config import load_config
from config.names import Names
from stacks.registry import LOG_ARCHIVE_STACK
from tests.support.configs import DEFAULT_CONFIG, problems, with_changes
from tests.support.policies import statements_by_sid
from tests.support.synth import synthesize_config

STACK = LOG_ARCHIVE_STACK
NAMES = Names(log_archive_account_id="111111111111", home_region="eu-west-1", bucket=None)


def alarms_by_name(synth) -> dict[str, dict]:
    resources = synth.resources(STACK, "aws_cloudwatch_metric_alarm")
    return {address.removeprefix("delivery_alarms_"): a for address, a in resources.items()}


def stream_names(synth) -> set[str]:
    streams = synth.resource(
        STACK, "aws_kinesis_firehose_delivery_stream", "session_log_delivery_streams"
    )
    return {values["name"] for values in streams["for_each"].values()}


@pytest.mark.parametrize(
    ("regions", "expected_accounts"),
    [(["eu-west-1"], 10), (["eu-west-1", "us-east-1", "ap-southeast-2"], 1200)],
)
def test_every_stream_is_watched_by_every_stream_alarm(tmp_path, regions, expected_accounts):
    """Whatever the regions and shards, the alarms cover exactly the streams that exist."""
    settings = yaml.safe_load(DEFAULT_CONFIG.read_text())
    settings.update(home_region=regions[0], member_regions=regions)
    settings["stack_set"] = {"expected_accounts": expected_accounts}
    config_file = tmp_path / "config.yaml"
    config_file.write_text(yaml.safe_dump(settings))
    synth = synthesize_config(config_file, tmp_path / "out")
    streams = stream_names(synth)
    config = load_config(config_file)
    assert len(streams) == len(regions) * config.delivery_streams_per_region
    for spec in delivery_alarms(config.names):
        alarm = alarms_by_name(synth)[spec.name.replace("-", "_")]
        if spec.per == PER_STREAM:
            watched = json.loads(alarm["for_each"].removeprefix("${toset(").removesuffix(")}"))
            assert set(watched) == streams, spec.name
            assert alarm["dimensions"] == {spec.dimension: "${each.value}"}
        else:
            assert "for_each" not in alarm
            assert alarm["dimensions"] == {spec.dimension: spec.subject}
            assert alarm["alarm_name"] == f"{spec.subject}-{spec.name}"


def test_every_alarm_tells_what_to_do_and_notifies_both_ways(default_synth):
    alarms = alarms_by_name(default_synth)
    assert len(alarms) == len(delivery_alarms(NAMES)) == 11
    for alarm in alarms.values():
        assert len(alarm["alarm_description"]) > 80
        assert (
            alarm["alarm_actions"]
            == alarm["ok_actions"]
            == ["${aws_sns_topic.delivery_alarms_topic.arn}"]
        )
        assert alarm["treat_missing_data"] == "notBreaching"
        assert alarm["period"] == 300


def test_the_freshness_threshold_comes_from_the_config(default_synth):
    assert alarms_by_name(default_synth)["data_stale"]["threshold"] == 1800


def test_the_alarms_watch_what_the_processor_reports():
    processor = {s.metric: s for s in delivery_alarms(NAMES) if s.namespace == "CentralSessionLogs"}
    assert sorted(processor) == ["FailedRecords", "QuarantinedRecords"]
    assert {s.dimension for s in processor.values()} == {"DeliveryStream"}
    lambda_alarms = [s for s in delivery_alarms(NAMES) if s.namespace == "AWS/Lambda"]
    assert {s.per for s in lambda_alarms} == {PER_SUBJECT}
    assert {s.subject for s in lambda_alarms} == {NAMES.session_log_processor, NAMES.access_indexer}


def test_dead_lettered_access_events_alarm():
    [dead_letters] = [s for s in delivery_alarms(NAMES) if s.namespace == "AWS/SQS"]
    assert (dead_letters.subject, dead_letters.dimension) == (
        NAMES.access_index_dead_letter_queue,
        "QueueName",
    )
    assert (dead_letters.comparison, dead_letters.threshold) == ("GreaterThanThreshold", 0)


def test_the_topic_is_encrypted_with_the_central_key_and_only_the_account_publishes(default_synth):
    topic = default_synth.resource(STACK, "aws_sns_topic", "delivery_alarms_topic")
    assert topic["name"] == "central-session-logs-alarms"
    assert topic["kms_master_key_id"] == "${aws_kms_key.session_log_key.arn}"
    policy = default_synth.resource(STACK, "aws_sns_topic_policy", "delivery_alarms_topic_policy")
    publish = statements_by_sid(policy["policy"])["CloudWatchAlarmsPublish"]
    assert publish["Condition"] == {"StringEquals": {"aws:SourceAccount": "111111111111"}}
    key = default_synth.resource(STACK, "aws_kms_key", "session_log_key")
    key_statement = statements_by_sid(key["policy"])["CloudWatchAlarmsPublishToEncryptedTopic"]
    assert key_statement["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert key_statement["Condition"] == publish["Condition"]


def test_configured_addresses_and_endpoints_subscribe(tmp_path):
    settings = yaml.safe_load(DEFAULT_CONFIG.read_text())
    settings["alarms"] = {
        "email": ["secops@example.com"],
        "topic_subscriptions": [{"protocol": "https", "endpoint": "https://siem.example.com/sns"}],
    }
    config_file = tmp_path / "config.yaml"
    config_file.write_text(yaml.safe_dump(settings))
    synth = synthesize_config(config_file, tmp_path / "out")
    subscriptions = synth.resource(
        STACK, "aws_sns_topic_subscription", "delivery_alarms_subscriptions"
    )
    assert subscriptions["for_each"] == {
        "email:secops@example.com": {"protocol": "email", "endpoint": "secops@example.com"},
        "https:https://siem.example.com/sns": {
            "protocol": "https",
            "endpoint": "https://siem.example.com/sns",
        },
    }


def test_a_freshness_threshold_inside_one_buffer_is_refused(tmp_path):
    message = problems(with_changes(tmp_path, alarms={"data_freshness_seconds": 120}))
    assert (
        "alarms.data_freshness_seconds 120 is shorter than delivery.buffering_interval_seconds 300"
        in message
    )
