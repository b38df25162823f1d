"""A member account that already had the session log group, its own Session document and recording preferences.

tests/e2e/support.py (give_account_its_own_state) gives one member account
in one region that state before the stack set deploys; the stack instance
there must still succeed and bring everything to the project's settings.
"""

from __future__ import annotations

import json

from tests.e2e.support import (
    OWN_SESSION_PREFERENCES,
    OWN_STATE_REGION,
    account_with_own_state,
    member_stack_custom_resource,
)


def test_the_existing_log_group_is_adopted_keyed_kept_and_subscribed(deployment):
    account = account_with_own_state(deployment.organization)
    logs = deployment.client("logs", account=account, region=OWN_STATE_REGION)
    name = f"session-manager-log-{account}"
    [group] = logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    archive = deployment.config.log_archive.account_id
    assert group["kmsKeyId"].startswith(f"arn:aws:kms:{OWN_STATE_REGION}:{archive}:key/mrk-")
    assert group["retentionInDays"] == deployment.config.session.log_retention_days
    [subscription] = logs.describe_subscription_filters(logGroupName=name)["subscriptionFilters"]
    assert subscription["filterName"] == "central-session-logs-to-log-archive"
    streams = deployment.config.delivery_streams_per_region
    shard = int(account) % streams
    assert subscription["destinationArn"] == deployment.config.names.log_destination_arn(
        OWN_STATE_REGION, shard
    )


def test_the_accounts_own_session_document_gets_the_projects_preferences_as_default(deployment):
    account = account_with_own_state(deployment.organization)
    ssm = deployment.client("ssm", account=account, region=OWN_STATE_REGION)
    description = ssm.describe_document(Name="SSM-SessionManagerRunShell")["Document"]
    assert (description["DefaultVersion"], description["LatestVersion"]) == ("2", "2")
    own = json.loads(
        ssm.get_document(Name="SSM-SessionManagerRunShell", DocumentVersion="1")["Content"]
    )
    assert own == OWN_SESSION_PREFERENCES  # kept, for the stack's Delete to give back
    current = json.loads(ssm.get_document(Name="SSM-SessionManagerRunShell")["Content"])
    assert current["inputs"]["cloudWatchLogGroupName"] == f"session-manager-log-{account}"
    assert current["inputs"]["cloudWatchStreamingEnabled"] is True


def test_recording_preferences_name_the_central_bucket_in_every_account_and_region(
    deployment, guiconnect
):
    bucket = deployment.config.names.bucket
    archive = deployment.config.log_archive.account_id
    expected = {
        (account, region)
        for account in deployment.organization.member_account_by_ou.values()
        for region in deployment.config.deployment_regions
    }
    assert expected <= set(guiconnect.preferences)
    for where in expected:
        preferences = guiconnect.preferences[where]
        assert preferences["RecordingDestinations"]["S3Buckets"] == [
            {"BucketName": bucket, "BucketOwner": archive}
        ]
        assert preferences["KMSKeyArn"].startswith(f"arn:aws:kms:{where[1]}:{archive}:key/mrk-")


def default_session_document(ssm) -> dict:
    return json.loads(ssm.get_document(Name="SSM-SessionManagerRunShell")["Content"])


def test_deleting_the_preferences_gives_the_account_its_own_document_back(deployment):
    """The Delete a stack instance's removal sends, then the Create of a rejoin.

    The stack instance stays (the follow-up plans read it), so the harness
    sends its custom resource the two requests CloudFormation would.
    """
    account = account_with_own_state(deployment.organization)
    ssm = deployment.client("ssm", account=account, region=OWN_STATE_REGION)
    preferences = member_stack_custom_resource(
        deployment, account, OWN_STATE_REGION, "Custom::SessionManagerPreferences"
    )
    projects = default_session_document(ssm)
    preferences.send("Delete")
    assert default_session_document(ssm) == OWN_SESSION_PREFERENCES
    preferences.send("Create")
    assert default_session_document(ssm) == projects
