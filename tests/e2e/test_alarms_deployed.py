"""The delivery alarms and their topic as the emulated CloudWatch and SNS hold them after the apply."""

from __future__ import annotations

from components.delivery_alarms.alarms import PER_STREAM, delivery_alarms


def test_every_stream_function_and_queue_has_its_alarms_on_the_encrypted_topic(deployment):
    config, account = deployment.config, deployment.organization.log_archive_account
    names = config.names
    cloudwatch = deployment.client("cloudwatch", account=account)
    alarms = {a["AlarmName"]: a for a in cloudwatch.describe_alarms()["MetricAlarms"]}
    streams = [
        names.delivery_stream(region, shard)
        for region in config.deployment_regions
        for shard in range(config.delivery_streams_per_region)
    ]
    expected = {
        f"{watched}-{spec.name}"
        for spec in delivery_alarms(names)
        for watched in (streams if spec.per == PER_STREAM else [spec.subject])
    }
    assert set(alarms) == expected
    sns = deployment.client("sns", account=account)
    [topic_arn] = {arn for a in alarms.values() for arn in a["AlarmActions"]}
    attributes = sns.get_topic_attributes(TopicArn=topic_arn)["Attributes"]
    assert topic_arn.endswith(f":{names.alarm_topic}")
    assert attributes["KmsMasterKeyId"].startswith(
        f"arn:aws:kms:{config.home_region}:{account}:key/"
    )
