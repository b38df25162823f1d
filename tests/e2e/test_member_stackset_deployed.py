"""What `terraform apply` of the member-stackset stack left in the organization."""

from __future__ import annotations

import json

import pytest

from components.access_index.construct import forwarded_events_pattern
from components.member_template.builder import MemberTemplate, build_member_template
from components.member_template.parameters import LogArchiveOutputs
from tests.e2e.support import HOME_REGION, MEMBER_REGIONS


@pytest.fixture(scope="module")
def cloudformation(deployment):
    return deployment.client("cloudformation", account=deployment.organization.management_account)


@pytest.fixture(scope="module")
def stack_set(deployment, cloudformation) -> dict:
    name = deployment.config.names.stack_set
    return cloudformation.describe_stack_set(StackSetName=name)["StackSet"]


def test_stack_set_is_service_managed_with_auto_deployment_and_named_iam(stack_set):
    assert stack_set["PermissionModel"] == "SERVICE_MANAGED"
    assert stack_set["AutoDeployment"] == {"Enabled": True, "RetainStacksOnAccountRemoval": False}
    assert stack_set["Capabilities"] == ["CAPABILITY_NAMED_IAM"]
    assert stack_set["ManagedExecution"] == {"Active": True}
    assert stack_set["Status"] == "ACTIVE"


@pytest.fixture(scope="module")
def log_archive(deployment) -> LogArchiveOutputs:
    """What the log archive stack deployed, read from the log archive account itself."""
    account = deployment.organization.log_archive_account
    kms = deployment.client("kms", account=account)
    key_id = kms.describe_key(KeyId=deployment.config.names.key_alias)["KeyMetadata"]["KeyId"]
    return LogArchiveOutputs(
        bucket_name=deployment.config.names.bucket, account_id=account, key_id=key_id
    )


@pytest.fixture(scope="module")
def member_template(deployment, log_archive) -> MemberTemplate:
    return build_member_template(deployment.config, log_archive=log_archive)


def test_stack_set_parameters_come_from_the_log_archive_state(
    stack_set, log_archive, member_template
):
    parameters = {p["ParameterKey"]: p["ParameterValue"] for p in stack_set["Parameters"]}
    assert parameters == member_template.parameter_values
    assert (
        parameters["LogArchiveBucketName"],
        parameters["LogArchiveAccountId"],
        parameters["LogArchiveKeyId"],
    ) == (log_archive.bucket_name, log_archive.account_id, log_archive.key_id)
    assert parameters["IdleSessionTimeout"] == "20"


def test_stack_set_template_is_the_member_template(stack_set, member_template):
    assert stack_set["TemplateBody"] == member_template.rendered_body


def test_every_account_of_every_target_ou_has_an_instance_in_every_region(
    deployment, cloudformation, stack_set
):
    summaries = cloudformation.list_stack_instances(StackSetName=stack_set["StackSetName"])
    instances = {(i["Account"], i["Region"]) for i in summaries["Summaries"]}
    members = deployment.organization.member_account_by_ou.values()
    assert instances == {(account, region) for account in members for region in MEMBER_REGIONS}
    assert {i["Status"] for i in summaries["Summaries"]} == {"CURRENT"}


@pytest.mark.parametrize("region", MEMBER_REGIONS)
def test_member_accounts_got_the_log_group_in_every_region(deployment, region):
    for account in deployment.organization.member_account_by_ou.values():
        logs = deployment.client("logs", account=account, region=region)
        group_name = f"{deployment.config.names.member_log_group_prefix}{account}"
        [group] = logs.describe_log_groups(logGroupNamePrefix=group_name)["logGroups"]
        assert group["retentionInDays"] == 3


def test_member_accounts_got_one_instance_policy_from_the_home_region(deployment):
    prefix = deployment.config.names.member_instance_policy_prefix
    for account in deployment.organization.member_account_by_ou.values():
        iam = deployment.client("iam", account=account, region=HOME_REGION)
        policies = {p["PolicyName"] for p in iam.list_policies(Scope="Local")["Policies"]}
        assert {name for name in policies if name.startswith(prefix)} == {f"{prefix}{HOME_REGION}"}


@pytest.mark.parametrize("region", MEMBER_REGIONS)
def test_member_accounts_forward_access_events_to_the_log_archive_bus(deployment, region):
    names = deployment.config.names
    for account in deployment.organization.member_account_by_ou.values():
        events = deployment.client("events", account=account, region=region)
        rule = events.describe_rule(Name=names.access_event_bus)
        assert json.loads(rule["EventPattern"]) == forwarded_events_pattern()
        [target] = events.list_targets_by_rule(Rule=names.access_event_bus)["Targets"]
        assert target["Arn"] == names.access_event_bus_arn()
        assert target["RoleArn"].endswith(f":role/{names.access_event_forwarder_role(region)}")
