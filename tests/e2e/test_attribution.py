"""Attribution in the emulated organization: member events and a recording, through to `make audit`.

The story's CloudTrail events (tests/support/access_events.py) are put on a
member account's default bus as the account's own; its AccessEventForwarding
rule sends them through its role to the log archive's bus, whose rule
queues them. A recording written into the central bucket reaches the queue
through the bucket's EventBridge notifications. The queue's event source
mapping runs the indexer (tests/e2e/emulator.py, `_run_queue_functions`),
and `make audit` then answers from the index.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from moto.logs.models import logs_backends
from moto.s3.models import s3_backends

from components.access_index.runtime.access_indexer import CONNECTION_TAG
from project import PROJECT_ROOT
from tests.e2e.support import EMULATOR_ENVIRONMENT
from tests.support import access_events as story


def test_audit_names_who_connected_the_instance_the_approver_and_the_recording(
    deployment, follow_ups
):
    follow_ups.wait()
    names, organization = deployment.config.names, deployment.organization
    member = sorted(organization.member_account_by_ou.values())[0]
    region = deployment.config.deployment_regions[0]
    archive = organization.log_archive_account
    events = deployment.client("events", account=member, region=region)
    cloudtrail = story.told_in(
        story.plain_session() + story.jit_request() + story.jit_rdp_connection(),
        account=member,
        region=region,
    )
    for event in cloudtrail:
        entry = {
            "Source": event["source"],
            "DetailType": event["detail-type"],
            "Detail": json.dumps(event["detail"]),
        }
        assert events.put_events(Entries=[entry])["FailedEntryCount"] == 0
    recording_key = story.RECORDING_KEY.replace(story.MEMBER, member).replace(story.REGION, region)
    # As ssm-guiconnect writes it: a service principal the emulator cannot sign as.
    s3_backends[archive]["aws"].put_object(names.bucket, recording_key, b"video")

    result = subprocess.run(
        [sys.executable, "-m", "tools.audit", "who", story.CONNECTION_ID],
        cwd=PROJECT_ROOT,
        env={
            **os.environ,
            **EMULATOR_ENVIRONMENT,
            "SESSION_LOGS_CONFIG": str(deployment.config_file),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr + _indexer_output(deployment)
    assert f"RDP connection {story.CONNECTION_ID} in {member} {region}" in result.stdout
    assert "bob@example.com (jit-requester)" in result.stdout
    assert story.WINDOWS_INSTANCE in result.stdout
    assert "approved by carol@example.com" in result.stdout
    assert f"s3://{names.bucket}/{recording_key}" in result.stdout
    s3 = deployment.client("s3", account=archive)
    tags = s3.get_object_tagging(Bucket=names.bucket, Key=recording_key)["TagSet"]
    assert {"Key": CONNECTION_TAG, "Value": story.CONNECTION_ID} in tags
    sqs = deployment.client("sqs", account=archive)
    dead_letters = sqs.get_queue_url(QueueName=names.access_index_dead_letter_queue)["QueueUrl"]
    assert "Messages" not in sqs.receive_message(QueueUrl=dead_letters)


def _indexer_output(deployment) -> str:
    """What the indexer printed, for a failure's report."""
    logs = logs_backends[deployment.organization.log_archive_account][deployment.config.home_region]
    group = logs.groups.get(deployment.config.names.access_indexer_log_group)
    if group is None:
        return "\nthe indexer never ran"
    return "\n".join(e.message for stream in group.streams.values() for e in stream.events)
