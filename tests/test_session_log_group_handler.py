"""The custom resource that creates or adopts the session log group, against moto.

Runs through the CloudFormation stand-in of tests/support/custom_resources.py,
once with the handler imported and once as the inlined code Lambda runs.
"""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.support.custom_resources import HANDLER_FORMS, load_handler
from tests.support.moto_logs import close_logs_gaps

pytestmark = pytest.mark.parametrize("how", HANDLER_FORMS)

GROUP = "session-manager-log-123456789012"
FILTER = "central-session-logs"
DESTINATION = "arn:aws:logs:us-east-1:111111111111:destination:central-session-logs"
ROLE = "arn:aws:iam::123456789012:role/central-session-logs-subscription-us-east-1"
PROPERTIES = {
    "LogGroupName": GROUP,
    "KmsKeyId": "arn:aws:kms:us-east-1:111111111111:key/mrk-0123456789abcdef0123456789abcdef",
    # As CloudFormation passes it: a string.
    "RetentionInDays": "400",
    "FilterName": FILTER,
    "DestinationArn": DESTINATION,
    "DestinationCount": "1",
    "AccountId": "123456789012",
    "RoleArn": ROLE,
}
ROLE_NOT_VISIBLE_YET = ClientError(
    {
        "Error": {
            "Code": "ValidationException",
            "Message": "Make sure you have given CloudWatch Logs permission to assume the provided role.",
        }
    },
    "PutSubscriptionFilter",
)


@pytest.fixture(autouse=True)
def log_archive_destination(cloudformation, monkeypatch) -> None:
    """The log archive account's destination the subscription delivers to."""
    from moto.logs.models import logs_backends

    close_logs_gaps(monkeypatch)
    logs_backends["111111111111"]["us-east-1"].put_destination(
        "central-session-logs", "arn:aws:iam::111111111111:role/d", "arn:aws:firehose:x", {}
    )


def stored_group() -> dict:
    logs = boto3.client("logs")
    (group,) = logs.describe_log_groups(logGroupNamePrefix=GROUP)["logGroups"]
    filters = logs.describe_subscription_filters(logGroupName=GROUP)["subscriptionFilters"]
    return {
        "kmsKeyId": group.get("kmsKeyId"),
        "retentionInDays": group.get("retentionInDays"),
        "filters": [(f["filterName"], f["destinationArn"], f["roleArn"]) for f in filters],
    }


EXPECTED = {
    "kmsKeyId": PROPERTIES["KmsKeyId"],
    "retentionInDays": 400,
    "filters": [(FILTER, DESTINATION, ROLE)],
}


def test_create_makes_the_group_keyed_kept_and_subscribed(how, cloudformation):
    handler = load_handler("session_log_group", how)
    answer = cloudformation.invoke(handler, "Create", PROPERTIES)
    assert (answer["Status"], answer["PhysicalResourceId"]) == ("SUCCESS", GROUP)
    assert stored_group() == EXPECTED


def test_create_adopts_a_group_the_account_already_has(how, cloudformation):
    # As the article's template or a deleted stack instance left it.
    boto3.client("logs").create_log_group(logGroupName=GROUP)
    handler = load_handler("session_log_group", how)
    answer = cloudformation.invoke(handler, "Create", PROPERTIES)
    assert answer["Status"] == "SUCCESS"
    assert stored_group() == EXPECTED


def test_create_waits_for_the_subscription_role_to_propagate(how, cloudformation, monkeypatch):
    handler = load_handler("session_log_group", how)
    logs = boto3.client("logs")
    put_filter = logs.put_subscription_filter
    attempts = []

    def not_visible_twice(**request):
        attempts.append(request)
        if len(attempts) <= 2:
            raise ROLE_NOT_VISIBLE_YET
        return put_filter(**request)

    monkeypatch.setattr(logs, "put_subscription_filter", not_visible_twice)
    monkeypatch.setattr(handler.boto3, "client", lambda service: logs)
    waits = []
    monkeypatch.setattr(handler.time, "sleep", waits.append)
    answer = cloudformation.invoke(handler, "Create", PROPERTIES)
    assert answer["Status"] == "SUCCESS"
    assert (len(attempts), waits) == (3, [2, 4])
    assert stored_group() == EXPECTED


def test_other_subscription_errors_fail_at_once(how, cloudformation, monkeypatch):
    handler = load_handler("session_log_group", how)
    logs = boto3.client("logs")
    refusal = ClientError(
        {"Error": {"Code": "LimitExceededException", "Message": "Resource limit exceeded."}},
        "PutSubscriptionFilter",
    )
    monkeypatch.setattr(
        logs, "put_subscription_filter", lambda **request: (_ for _ in ()).throw(refusal)
    )
    monkeypatch.setattr(handler.boto3, "client", lambda service: logs)
    monkeypatch.setattr(handler.time, "sleep", lambda seconds: pytest.fail("retried"))
    answer = cloudformation.invoke(handler, "Create", PROPERTIES)
    assert answer["Status"] == "FAILED"
    assert "LimitExceededException" in answer["Reason"]


def test_propagation_errors_give_up_after_the_wait(how, cloudformation, monkeypatch):
    handler = load_handler("session_log_group", how)
    logs = boto3.client("logs")
    monkeypatch.setattr(
        logs,
        "put_subscription_filter",
        lambda **request: (_ for _ in ()).throw(ROLE_NOT_VISIBLE_YET),
    )
    monkeypatch.setattr(handler.boto3, "client", lambda service: logs)
    clock = [0.0]
    monkeypatch.setattr(handler.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(
        handler.time, "sleep", lambda seconds: clock.__setitem__(0, clock[0] + seconds)
    )
    answer = cloudformation.invoke(handler, "Create", PROPERTIES)
    assert answer["Status"] == "FAILED"
    assert clock[0] <= handler.PROPAGATION_WAIT_SECONDS


def test_delete_removes_the_subscription_and_keeps_the_group(how, cloudformation):
    handler = load_handler("session_log_group", how)
    cloudformation.invoke(handler, "Create", PROPERTIES)
    answer = cloudformation.invoke(handler, "Delete", PROPERTIES, PhysicalResourceId=GROUP)
    assert answer["Status"] == "SUCCESS"
    assert stored_group() == {**EXPECTED, "filters": []}


def test_delete_after_a_failed_create_leaves_the_group_alone(how, cloudformation):
    handler = load_handler("session_log_group", how)
    cloudformation.invoke(handler, "Create", PROPERTIES)
    answer = cloudformation.invoke(handler, "Delete", PROPERTIES, PhysicalResourceId="Resource")
    assert answer["Status"] == "SUCCESS"
    assert stored_group() == EXPECTED


@pytest.mark.parametrize("count", [1, 2, 13])
def test_each_account_picks_the_destination_the_log_archive_names_for_its_shard(how, count):
    from config.names import Names

    handler = load_handler("session_log_group", how)
    names = Names(log_archive_account_id="111111111111", home_region="us-east-1", bucket=None)
    picked = set()
    for account in range(123456789012, 123456789012 + 50):
        shard = account % count
        arn = handler.destination_arn(
            {**PROPERTIES, "DestinationCount": str(count), "AccountId": str(account)}
        )
        assert arn == names.log_destination_arn("us-east-1", shard)
        picked.add(arn)
    assert len(picked) == count
