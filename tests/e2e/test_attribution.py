"""Attribution in the emulated organization: member events and a recording, through to `make audit`.

The story's CloudTrail events (tests/support/access_events.py), told in a
member account, are put on the log archive's bus, as the member account's
AccessEventForwarding rule sends them; the bus's rule queues them. (Put on
the member's default bus instead, moto's cross-account hop delivered only
some of them, so this run does not prove the member rule's hop.) A recording written into the central bucket reaches the queue
through the bucket's EventBridge notifications. The indexer runs on what the
queue holds, and `make audit` then answers from the index.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from moto.s3.models import s3_backends

from components.access_index.runtime.access_indexer import CONNECTION_TAG
from project import PROJECT_ROOT
from tests.e2e.lambda_runtime import LambdaRuntime
from tests.e2e.support import EMULATOR_ENVIRONMENT
from tests.support import access_events as story


def retarget(events: list[dict], *, account: str, region: str) -> list[dict]:
    """The story told in the deployment's member account and region."""
    text = json.dumps(events).replace(story.MEMBER, account).replace(story.REGION, region)
    return json.loads(text)


def test_audit_names_who_connected_the_instance_the_approver_and_the_recording(
    deployment, guiconnect, follow_ups
):
    follow_ups.wait()
    names, organization = deployment.config.names, deployment.organization
    member = sorted(organization.member_account_by_ou.values())[0]
    region = deployment.config.deployment_regions[0]
    archive = organization.log_archive_account
    events = deployment.client("events", account=archive)
    cloudtrail = retarget(
        story.plain_session() + story.jit_request() + story.jit_rdp_connection(),
        account=member,
        region=region,
    )
    for event in cloudtrail:
        entry = {
            "Source": event["source"],
            "DetailType": event["detail-type"],
            "Detail": json.dumps(event["detail"]),
            "EventBusName": names.access_event_bus,
        }
        assert events.put_events(Entries=[entry])["FailedEntryCount"] == 0
    recording_key = story.RECORDING_KEY.replace(story.MEMBER, member).replace(story.REGION, region)
    # As ssm-guiconnect writes it: a service principal the emulator cannot sign as.
    s3_backends[archive]["aws"].put_object(names.bucket, recording_key, b"video")

    sqs = deployment.client("sqs", account=archive)
    queue = sqs.get_queue_url(QueueName=names.access_index_queue)["QueueUrl"]
    messages = _drain(sqs, queue)
    assert len(messages) == len(cloudtrail) + 1
    indexer = (
        f"arn:aws:lambda:{deployment.config.home_region}:{archive}:function:{names.access_indexer}"
    )
    batch = {"Records": [{"messageId": m["MessageId"], "body": m["Body"]} for m in messages]}
    functions = LambdaRuntime(deployment.emulator, guiconnect.url)
    assert functions.invoke(indexer, batch) == {"batchItemFailures": []}

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
    assert result.returncode == 0, result.stderr
    assert f"RDP connection {story.CONNECTION_ID} in {member} {region}" in result.stdout
    assert "bob@example.com (jit-requester)" in result.stdout
    assert story.WINDOWS_INSTANCE in result.stdout
    assert "approved by carol@example.com" in result.stdout
    assert f"s3://{names.bucket}/{recording_key}" in result.stdout
    s3 = deployment.client("s3", account=archive)
    tags = s3.get_object_tagging(Bucket=names.bucket, Key=recording_key)["TagSet"]
    assert {"Key": CONNECTION_TAG, "Value": story.CONNECTION_ID} in tags


def _drain(sqs, queue: str) -> list[dict]:
    messages = []
    while batch := sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages"):
        messages += batch
        sqs.delete_message_batch(
            QueueUrl=queue,
            Entries=[{"Id": m["MessageId"], "ReceiptHandle": m["ReceiptHandle"]} for m in batch],
        )
    return messages
