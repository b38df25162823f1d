"""The member stack set, its instances and the cross-stack reference to the log archive."""

from __future__ import annotations

import json

import pytest

from stacks.registry import MEMBER_STACKSET_STACK
from tests.support.templates import member_template

STACK = MEMBER_STACKSET_STACK
REMOTE_STATE = "data.terraform_remote_state.cross_stack_reference_input_log_archive.outputs"


def stack_set(synth) -> dict:
    return synth.resource(STACK, "aws_cloudformation_stack_set", "member_stack_set")


def test_stack_set_is_service_managed_and_deploys_to_new_accounts(default_synth):
    resource = stack_set(default_synth)
    assert resource["name"] == "central-session-logs-member"
    assert resource["permission_model"] == "SERVICE_MANAGED"
    assert resource["auto_deployment"] == {
        "enabled": True,
        "retain_stacks_on_account_removal": False,
    }
    assert resource["capabilities"] == ["CAPABILITY_NAMED_IAM"]
    assert resource["managed_execution"] == {"active": True}
    assert resource["call_as"] == "SELF"


def test_stack_set_follows_the_configured_caller_and_retention(three_region_synth):
    resource = stack_set(three_region_synth)
    assert resource["call_as"] == "DELEGATED_ADMIN"
    assert resource["auto_deployment"]["retain_stacks_on_account_removal"] is True


def test_stack_set_ignores_the_administration_role_the_api_reports(default_synth):
    assert stack_set(default_synth)["lifecycle"] == {"ignore_changes": ["administration_role_arn"]}


def test_template_body_is_the_member_template_escaped_for_terraform(default_synth):
    body = stack_set(default_synth)["template_body"]
    expected = member_template(default_synth.config).rendered_body
    assert "${AWS::" not in body.replace("$${", "")
    assert body.replace("$${", "${").replace("%%{", "%{") == expected
    json.loads(expected)


def test_parameters_come_from_the_log_archive_state_and_the_config(three_region_synth):
    parameters = stack_set(three_region_synth)["parameters"]
    assert parameters == {
        "LogArchiveBucketName": (
            f"${{{REMOTE_STATE}.cross_stack_output_aws_s3_bucket_central_log_bucket_bucket}}"
        ),
        "LogArchiveAccountId": (
            f"${{{REMOTE_STATE}.cross_stack_output_data_aws_caller_identity_"
            "deploying_account_account_id}"
        ),
        "LogArchiveKeyId": (
            f"${{{REMOTE_STATE}.cross_stack_output_aws_kms_key_session_log_key_key_id}}"
        ),
        "IdleSessionTimeout": "15",
        "MaxSessionDuration": "120",
        "LogRetentionDays": "30",
        "DeliveryStreamsPerRegion": "1",
        "AccessEventBusArn": (
            "arn:aws:events:eu-west-1:333333333333:event-bus/central-session-logs-access-events"
        ),
    }


def test_log_archive_exports_what_the_stack_set_reads(three_region_synth):
    outputs = three_region_synth.stack("log-archive")["output"]
    assert {name: o["value"] for name, o in outputs.items()} == {
        "cross_stack_output_aws_s3_bucket_central_log_bucket_bucket": (
            "${aws_s3_bucket.central_log_bucket.bucket}"
        ),
        "cross_stack_output_data_aws_caller_identity_deploying_account_account_id": (
            "${data.aws_caller_identity.deploying_account.account_id}"
        ),
        "cross_stack_output_aws_kms_key_session_log_key_key_id": (
            "${aws_kms_key.session_log_key.key_id}"
        ),
        "cross_stack_output_local_member_ready_regions": "${local.member_ready_regions}",
    }


def test_log_archive_counts_a_region_ready_once_its_destinations_and_key_exist(
    three_region_synth,
):
    ready = three_region_synth.stack("log-archive")["locals"]["member_ready_regions"]
    destinations = ", ".join(
        f'element(split(":", aws_cloudwatch_log_destination.session_log_delivery_{r}.arn), 3)'
        for r in ("us_east_1", "eu_west_1", "ap_southeast_2")
    )
    keys = ", ".join(
        f'element(split(":", {key}.arn), 3)'
        for key in (
            "aws_kms_key.session_log_key",
            "aws_kms_replica_key.session_log_key_replica_us_east_1",
            "aws_kms_replica_key.session_log_key_replica_ap_southeast_2",
        )
    )
    assert ready == f"${{setintersection([{keys}], [{destinations}])}}"


def test_stack_set_instances_refuse_a_region_the_log_archive_has_not_made_ready(
    three_region_synth,
):
    [precondition] = stack_set_instances(three_region_synth)["lifecycle"]["precondition"]
    assert precondition["condition"] == (
        "${contains(data.terraform_remote_state.cross_stack_reference_input_log_archive"
        ".outputs.cross_stack_output_local_member_ready_regions, each.value.region)}"
    )
    assert precondition["error_message"].startswith(
        "Region ${each.value.region} has no session log destination and key replica in the "
        "log-archive state yet: apply the log-archive stack first"
    )


def test_remote_state_reads_the_log_archive_s3_backend(three_region_synth):
    remote = three_region_synth.stack(STACK)["data"]["terraform_remote_state"][
        "cross_stack_reference_input_log_archive"
    ]
    assert remote["backend"] == "s3"
    assert remote["config"] == {
        "bucket": "test-terraform-state",
        "key": "central-session-logs/log-archive.tfstate",
        "region": "eu-west-1",
        "encrypt": True,
        "assume_role": {"role_arn": "arn:aws:iam::444444444444:role/terraform-state"},
    }


def test_remote_state_reads_the_local_state_file_of_the_log_archive(default_synth):
    remote = default_synth.stack(STACK)["data"]["terraform_remote_state"][
        "cross_stack_reference_input_log_archive"
    ]
    assert remote["config"] == {"path": "../../../terraform.log-archive.tfstate"}


# The instance's batch of OUs, from the local that lists them once.
OU_BATCH = "${element(local.member_stack_set_ou_batches, each.value.batch)}"


def stack_set_instances(synth) -> dict:
    [instances] = synth.resources(STACK, "aws_cloudformation_stack_set_instance").values()
    return instances


def test_stack_set_instances_cover_every_member_region_and_target_the_ous(three_region_synth):
    instances = stack_set_instances(three_region_synth)
    assert instances["for_each"] == {
        region: {"region": region, "batch": 0}
        for region in ("us-east-1", "eu-west-1", "ap-southeast-2")
    }
    assert three_region_synth.stack(STACK)["locals"] == {
        "member_stack_set_ou_batches": [["ou-test-workloads1", "r-test"]]
    }
    assert instances["region"] == "${each.value.region}"
    assert instances["stack_set_name"] == "${aws_cloudformation_stack_set.member_stack_set.name}"
    assert instances["call_as"] == "DELEGATED_ADMIN"
    assert instances["deployment_targets"] == {"organizational_unit_ids": OU_BATCH}
    assert instances["operation_preferences"] == {
        "concurrency_mode": "SOFT_FAILURE_TOLERANCE",
        "max_concurrent_percentage": 25,
        "failure_tolerance_percentage": 10,
    }


def test_default_preferences_deploy_to_many_accounts_at_once(default_synth):
    # Strict mode with a tolerance of 0 would deploy to one account at a time.
    assert stack_set_instances(default_synth)["operation_preferences"] == {
        "concurrency_mode": "SOFT_FAILURE_TOLERANCE",
        "max_concurrent_count": 100,
        "failure_tolerance_count": 10,
    }
    assert stack_set(default_synth)["operation_preferences"] == {
        "region_concurrency_type": "PARALLEL",
        "max_concurrent_count": 100,
        "failure_tolerance_count": 10,
    }


def test_template_updates_follow_the_configured_region_order(every_option_synth):
    assert stack_set(every_option_synth)["operation_preferences"] == {
        "region_concurrency_type": "PARALLEL",
        "region_order": ["eu-central-1", "us-east-1"],
        "max_concurrent_count": 40,
        "failure_tolerance_count": 4,
    }
    instances = stack_set_instances(every_option_synth)["operation_preferences"]
    assert instances["concurrency_mode"] == "STRICT_FAILURE_TOLERANCE"
    assert "region_order" not in instances


@pytest.mark.parametrize(
    ("synth_name", "instances", "template_update"),
    [
        # 500 accounts, 100 at a time: 5 waves of 3 minutes, 2 regions one
        # after another, twice over; updates run strict: 11 at a time, 46 waves.
        ("default_synth", "60m", "276m"),
        # 50 accounts, 25 % = 12 at a time: 5 waves, 3 regions; updates run
        # strict (10 % = 5 tolerated, 6 at a time: 9 waves) region by region.
        ("three_region_synth", "90m", "162m"),
        # 1,200 accounts, strict, 4 tolerated: 5 at a time, 240 waves.
        ("every_option_synth", "2880m", "1440m"),
    ],
)
def test_timeouts_cover_the_expected_accounts(request, synth_name, instances, template_update):
    synth = request.getfixturevalue(synth_name)
    assert stack_set_instances(synth)["timeouts"] == {
        "create": instances,
        "update": instances,
        "delete": instances,
    }
    assert stack_set(synth)["timeouts"] == {"update": template_update}


def test_excluded_regions_and_accounts_get_no_stack_instances(every_option_synth):
    instances = stack_set_instances(every_option_synth)
    assert set(instances["for_each"]) == {"us-east-1", "eu-central-1"}
    assert instances["deployment_targets"] == {
        "organizational_unit_ids": OU_BATCH,
        "accounts": ["888888888888", "999999999999"],
        "account_filter_type": "DIFFERENCE",
    }


def test_config_values_reach_cloudformation_unchanged_through_terraform(every_option_synth):
    parameters = stack_set(every_option_synth)["parameters"]
    # Terraform reads ${...} as its own interpolation; $${ is its literal ${.
    assert parameters["ShellProfileLinux"] == "cd $${HOME}; exec bash -l"
    assert parameters["ShellProfileWindows"] == "Set-Location $env:USERPROFILE"
    assert parameters["RunAsDefaultUser"] == "ssm-operator"
    assert parameters["S3LogBucketName"] == "session-transcripts-bucket"
    assert parameters["InstanceRoleNames"].startswith(
        "service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole,platform/"
    )


def test_stack_set_passes_a_value_for_every_template_parameter(every_option_synth):
    body = stack_set(every_option_synth)["template_body"].replace("$${", "${")
    declared = set(json.loads(body)["Parameters"])
    assert set(stack_set(every_option_synth)["parameters"]) == declared


def test_provider_only_works_in_the_stack_set_admin_account(three_region_synth):
    [provider] = three_region_synth.stack(STACK)["provider"]["aws"]
    assert provider["region"] == "eu-west-1"
    assert provider["allowed_account_ids"] == ["444444444444"]
    assert provider["assume_role"] == [
        {"role_arn": "arn:aws:iam::444444444444:role/session-logs-deploy"}
    ]
