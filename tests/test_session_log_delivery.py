"""Session log delivery in the log archive stack: destinations, their roles, Firehose, the processor."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
import yaml

from components.session_log_delivery.processor import processor_environment
from components.session_log_delivery.runtime import session_log_processor
from components.session_log_delivery.runtime.session_log_processor import Settings
from config.models import SessionLogsConfig
from stacks.registry import LOG_ARCHIVE_STACK
from synth.lambda_package import reproducible_zip
from tests.support.configs import DEFAULT_CONFIG
from tests.support.policies import statements_by_sid

STACK = LOG_ARCHIVE_STACK
KEY_ARN = "${aws_kms_key.session_log_key.arn}"
BUCKET_ARN = "arn:aws:s3:::${aws_s3_bucket.central_log_bucket.bucket}"
PROCESSOR_ARN = "${aws_lambda_function.session_log_delivery_firehose_processor.arn}"


# The home-region half of the delivery: one for_each resource per kind, keyed by region.
STREAMS = "session_log_delivery_streams"
ERROR_LOG_STREAMS = "session_log_delivery_error_log_streams"
DESTINATION_ROLES = "session_log_delivery_destination_roles"
DESTINATION_ROLE_POLICIES = "session_log_delivery_destination_role_policies"


def address(region: str, part: str = "", shard: int = 0) -> str:
    """The address of a destination (or its `part`), a resource of its own per region and shard."""
    suffix = f"_{part}" if part else ""
    numbered = f"_{shard + 1}" if shard else ""
    return f"session_log_delivery_{region.replace('-', '_')}{numbered}{suffix}"


def instance_of(resource: dict, key: str, **values: str):
    """`resource` as Terraform expands it for one for_each key and its values."""
    text = json.dumps(resource).replace("${each.key}", key)
    for name, value in values.items():
        text = text.replace(f"${{each.value.{name}}}", value)
    return json.loads(text)


def stream_key(region: str, shard: int = 0) -> str:
    return region if shard == 0 else f"{region}/{shard + 1}"


def stream_instance(synth, region: str, shard: int = 0) -> dict:
    stream = synth.resource(STACK, "aws_kinesis_firehose_delivery_stream", STREAMS)
    key = stream_key(region, shard)
    return instance_of(stream, key, **stream["for_each"][key])


def every_stream(config) -> list[tuple[str, int]]:
    return [
        (region, shard)
        for region in config.deployment_regions
        for shard in range(config.delivery_streams_per_region)
    ]


def keyed_by_regions(regions: list[str]) -> str:
    return "${toset([" + ", ".join(f'"{r}"' for r in regions) + "])}"


def document(resource: dict, attribute: str) -> dict:
    return json.loads(resource[attribute])


@pytest.mark.parametrize(
    "synth_name", ["default_synth", "three_region_synth", "every_option_synth"]
)
def test_every_deployment_region_has_a_destination_in_that_region(request, synth_name):
    synth = request.getfixturevalue(synth_name)
    config = synth.config
    destinations = synth.resources(STACK, "aws_cloudwatch_log_destination")
    assert set(destinations) == {address(r, shard=s) for r, s in every_stream(config)}
    for region, shard in every_stream(config):
        destination = destinations[address(region, shard=shard)]
        provider = "aws" if region == config.home_region else f"aws.{region}"
        assert destination["provider"] == provider
        suffix = f"-{shard + 1}" if shard else ""
        assert destination["name"] == f"central-session-logs{suffix}"
        account, home = config.log_archive.account_id, config.home_region
        assert destination["target_arn"] == (
            f"arn:aws:firehose:{home}:{account}:deliverystream/"
            f"central-session-logs-{region}{suffix}"
        )
        assert destination["role_arn"] == (
            f"arn:aws:iam::{account}:role/central-session-logs-destination-{region}"
        )
        # Named by ARN, so the order a reference would give is spelled out.
        assert destination["depends_on"] == [
            f"aws_kinesis_firehose_delivery_stream.{STREAMS}",
            f"aws_iam_role_policy.{DESTINATION_ROLE_POLICIES}",
        ]


@pytest.mark.parametrize(
    "synth_name", ["default_synth", "three_region_synth", "every_option_synth"]
)
def test_home_region_resources_have_an_instance_per_deployment_region(request, synth_name):
    synth = request.getfixturevalue(synth_name)
    regions = keyed_by_regions(synth.config.deployment_regions)
    streams = {
        stream_key(region, shard): {
            "region": region,
            "name": f"central-session-logs-{region}{f'-{shard + 1}' if shard else ''}",
        }
        for region, shard in every_stream(synth.config)
    }
    log_streams = synth.resources(STACK, "aws_cloudwatch_log_stream")
    assert log_streams[ERROR_LOG_STREAMS]["for_each"] == streams
    stream = synth.resource(STACK, "aws_kinesis_firehose_delivery_stream", STREAMS)
    assert stream["for_each"] == streams
    roles = synth.resources(STACK, "aws_iam_role")
    assert roles[DESTINATION_ROLES]["for_each"] == regions
    # Chained for_each: one policy per role.
    policy = synth.resource(STACK, "aws_iam_role_policy", DESTINATION_ROLE_POLICIES)
    assert policy["for_each"] == f"${{aws_iam_role.{DESTINATION_ROLES}}}"


def test_excluded_regions_get_no_delivery(every_option_synth):
    stack_text = every_option_synth.stack_path(STACK).read_text()
    assert "ap-northeast-1" in every_option_synth.config.exclusions.regions
    assert address("ap-northeast-1") not in stack_text
    assert '"ap-northeast-1\\"' not in stack_text  # no for_each instance either
    # The key replica stays, so excluding a region never destroys a key.
    assert "session_log_key_replica_ap_northeast_1" in stack_text


def test_destination_policy_lets_only_the_organization_subscribe(three_region_synth):
    for region in three_region_synth.config.deployment_regions:
        policy = three_region_synth.resource(
            STACK, "aws_cloudwatch_log_destination_policy", address(region, "access_policy")
        )
        assert policy["provider"] == ("aws" if region == "eu-west-1" else f"aws.{region}")
        assert policy["destination_name"] == "central-session-logs"
        assert policy["depends_on"] == [f"aws_cloudwatch_log_destination.{address(region)}"]
        assert document(policy, "access_policy")["Statement"] == [
            {
                "Sid": "OrganizationSubscribes",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "logs:PutSubscriptionFilter",
                "Resource": f"arn:aws:logs:{region}:333333333333:destination:central-session-logs",
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-testorg1234"}},
            }
        ]


def test_destination_role_trusts_only_cloudwatch_logs_of_its_region_for_the_organization(
    three_region_synth,
):
    for region in three_region_synth.config.deployment_regions:
        role = instance_of(
            three_region_synth.resource(STACK, "aws_iam_role", DESTINATION_ROLES), region
        )
        assert role["name"] == f"central-session-logs-destination-{region}"
        assert role["provider"] == "aws"
        assert document(role, "assume_role_policy")["Statement"] == [
            {
                "Sid": "CloudWatchLogsOfTheRegionDelivers",
                "Effect": "Allow",
                "Principal": {"Service": f"logs.{region}.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {
                    "StringEquals": {"aws:SourceOrgID": "o-testorg1234"},
                    "StringLike": {"aws:SourceArn": f"arn:aws:logs:{region}:*:*"},
                },
            }
        ]


def test_destination_role_may_only_put_records_into_its_regions_streams(every_option_synth):
    for region in every_option_synth.config.deployment_regions:
        policy = instance_of(
            every_option_synth.resource(STACK, "aws_iam_role_policy", DESTINATION_ROLE_POLICIES),
            region,
        )
        assert policy["role"] == "${each.value.id}"  # the role of the same region
        stream_arn = (
            f"arn:aws:firehose:us-east-1:555555555555:deliverystream/central-session-logs-{region}"
        )
        assert document(policy, "policy")["Statement"] == [
            {
                "Sid": "PutRecordsIntoTheRegionsStreams",
                "Effect": "Allow",
                "Action": ["firehose:PutRecord", "firehose:PutRecordBatch"],
                "Resource": [stream_arn, f"{stream_arn}-2", f"{stream_arn}-3"],
            }
        ]


def test_streams_live_next_to_the_bucket_and_encrypt_with_the_central_key(three_region_synth):
    for region in three_region_synth.config.deployment_regions:
        stream = stream_instance(three_region_synth, region)
        assert stream["name"] == f"central-session-logs-{region}"
        assert stream["provider"] == "aws"  # the home region, where the bucket is
        assert stream["server_side_encryption"] == {
            "enabled": True,
            "key_type": "CUSTOMER_MANAGED_CMK",
            "key_arn": KEY_ARN,
        }
        s3 = stream["extended_s3_configuration"]
        assert s3["bucket_arn"] == BUCKET_ARN
        assert s3["kms_key_arn"] == KEY_ARN
        assert s3["role_arn"] == "${aws_iam_role.session_log_delivery_firehose_role.arn}"


def test_objects_are_partitioned_by_folder_account_and_region_with_an_error_prefix(
    three_region_synth,
):
    for region in three_region_synth.config.deployment_regions:
        s3 = stream_instance(three_region_synth, region)["extended_s3_configuration"]
        day = "!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/"
        # The processor names the folder: session-manager, or session-manager-quarantine.
        assert s3["prefix"] == (
            f"!{{partitionKeyFromLambda:folder}}/!{{partitionKeyFromLambda:account}}/{region}/{day}"
        )
        assert s3["error_output_prefix"] == (
            f"session-manager-errors/{region}/!{{firehose:error-output-type}}/{day}"
        )
        assert s3["dynamic_partitioning_configuration"] == {"enabled": True}
        assert "${" not in s3["prefix"] + s3["error_output_prefix"]  # no Terraform left


def test_the_processor_turns_records_into_transcripts_in_small_batches(three_region_synth):
    for region in three_region_synth.config.deployment_regions:
        processing = stream_instance(three_region_synth, region)["extended_s3_configuration"][
            "processing_configuration"
        ]
        assert processing == {
            "enabled": True,
            "processors": [
                {
                    "type": "Lambda",
                    "parameters": [
                        {"parameter_name": "LambdaArn", "parameter_value": PROCESSOR_ARN},
                        {"parameter_name": "BufferSizeInMBs", "parameter_value": "0.2"},
                    ],
                }
            ],
        }


@pytest.mark.parametrize(
    ("synth_name", "size", "interval"),
    [("default_synth", 64, 300), ("every_option_synth", 128, 900)],
)
def test_buffering_follows_the_config(request, synth_name, size, interval):
    synth = request.getfixturevalue(synth_name)
    for stream in synth.resources(STACK, "aws_kinesis_firehose_delivery_stream").values():
        s3 = stream["extended_s3_configuration"]
        assert (s3["buffering_size"], s3["buffering_interval"]) == (size, interval)


def test_delivery_errors_are_logged_per_stream(every_option_synth):
    log_streams = every_option_synth.resources(STACK, "aws_cloudwatch_log_stream")
    for region, shard in every_stream(every_option_synth.config):
        key = stream_key(region, shard)
        assert instance_of(log_streams[ERROR_LOG_STREAMS], key)["name"] == key
        logging = stream_instance(every_option_synth, region, shard)["extended_s3_configuration"][
            "cloudwatch_logging_options"
        ]
        assert logging["enabled"] is True
        assert logging["log_stream_name"] == key  # the stream's own log stream


def test_firehose_role_trusts_firehose_of_the_log_archive_account_only(three_region_synth):
    role = three_region_synth.resource(STACK, "aws_iam_role", "session_log_delivery_firehose_role")
    assert document(role, "assume_role_policy")["Statement"] == [
        {
            "Sid": "FirehoseOfThisAccountDelivers",
            "Effect": "Allow",
            "Principal": {"Service": "firehose.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": "333333333333"}},
        }
    ]


def test_firehose_role_writes_only_session_log_folders_with_the_bucket_key_context(
    three_region_synth,
):
    policy = three_region_synth.resource(
        STACK, "aws_iam_role_policy", "session_log_delivery_firehose_role_policy"
    )
    statements = statements_by_sid(policy["policy"])
    assert statements["FindTheBucket"]["Resource"] == BUCKET_ARN
    assert statements["WriteSessionLogObjects"] == {
        "Sid": "WriteSessionLogObjects",
        "Effect": "Allow",
        "Action": ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"],
        "Resource": [
            f"{BUCKET_ARN}/session-manager/*",
            f"{BUCKET_ARN}/session-manager-quarantine/*",
            f"{BUCKET_ARN}/session-manager-errors/*",
        ],
    }
    kms = statements["EncryptThroughS3ForTheBucket"]
    assert kms["Action"] == ["kms:Decrypt", "kms:GenerateDataKey"]
    assert kms["Resource"] == KEY_ARN
    # An S3 Bucket Key makes the bucket ARN, not the object ARN, the encryption context.
    assert kms["Condition"] == {
        "StringEquals": {
            "kms:ViaService": "s3.eu-west-1.amazonaws.com",
            "kms:EncryptionContext:aws:s3:arn": BUCKET_ARN,
        }
    }
    assert statements["TransformWithTheProcessor"]["Resource"] == [
        PROCESSOR_ARN,
        f"{PROCESSOR_ARN}:*",
    ]
    assert statements["ReportDeliveryErrors"] == {
        "Sid": "ReportDeliveryErrors",
        "Effect": "Allow",
        "Action": "logs:PutLogEvents",
        "Resource": (
            "${aws_cloudwatch_log_group.session_log_delivery_firehose_error_log_group.arn}"
            ":log-stream:*"
        ),
    }
    assert all(s["Effect"] == "Allow" for s in statements.values())


def test_processor_role_may_only_write_its_own_logs(three_region_synth):
    role = three_region_synth.resource(
        STACK, "aws_iam_role", "session_log_delivery_firehose_processor_role"
    )
    [trust] = document(role, "assume_role_policy")["Statement"]
    assert trust["Principal"] == {"Service": "lambda.amazonaws.com"}
    policy = three_region_synth.resource(
        STACK, "aws_iam_role_policy", "session_log_delivery_firehose_processor_role_policy"
    )
    assert document(policy, "policy")["Statement"] == [
        {
            "Sid": "WriteOwnLogs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": (
                "${aws_cloudwatch_log_group.session_log_delivery_firehose_processor_log_group.arn}:*"
            ),
        }
    ]


def test_operations_log_groups_are_encrypted_and_retained(three_region_synth):
    groups = three_region_synth.resources(STACK, "aws_cloudwatch_log_group")
    assert {g["name"] for g in groups.values()} == {
        "/central-session-logs/firehose-processor",
        "/central-session-logs/firehose-delivery",
        "/central-session-logs/access-indexer",
    }
    for group in groups.values():
        assert group["kms_key_id"] == KEY_ARN
        assert group["retention_in_days"] == 365


def test_processor_is_told_the_folders_and_the_log_group_prefix_it_reads(default_synth):
    function = default_synth.resource(
        STACK, "aws_lambda_function", "session_log_delivery_firehose_processor"
    )
    variables = function["environment"]["variables"]
    assert variables == processor_environment(default_synth.config.names)
    # The handler reads these names, and with them finds every setting it needs.
    assert Settings.from_environment(variables) == Settings(
        session_folder="session-manager",
        quarantine_folder="session-manager-quarantine",
        log_group_prefix="session-manager-log-",
        canary_folder="session-manager-canary",
        canary_stream_prefix="central-session-logs-canary/",
    )


def test_processor_package_is_the_module_source_next_to_the_stack(default_synth):
    function = default_synth.resource(
        STACK, "aws_lambda_function", "session_log_delivery_firehose_processor"
    )
    assert function["handler"] == "session_log_processor.handler"
    assert function["filename"] == "${path.module}/session_log_processor.zip"
    package = (default_synth.stack_path(STACK).parent / "session_log_processor.zip").read_bytes()
    digest = base64.b64encode(hashlib.sha256(package).digest()).decode()
    assert function["source_code_hash"] == digest
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        assert archive.namelist() == ["session_log_processor.py"]
        source = archive.read("session_log_processor.py")
    assert source == Path(session_log_processor.__file__).read_bytes()


def test_packages_are_reproducible_byte_for_byte():
    files = {"b.py": b"print('b')\n", "a.py": b"print('a')\n"}
    assert reproducible_zip(files) == reproducible_zip(dict(reversed(files.items())))
    assert reproducible_zip(files) != reproducible_zip({**files, "a.py": b"print('A')\n"})


@pytest.mark.parametrize(
    ("expected_accounts", "accounts_per_stream", "streams"),
    [(1, 400, 1), (400, 400, 1), (401, 400, 2), (5000, 400, 13), (5000, 5000, 1)],
)
def test_each_region_gets_enough_streams_for_its_accounts(
    expected_accounts, accounts_per_stream, streams
):
    settings = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    settings["stack_set"]["expected_accounts"] = expected_accounts
    settings["delivery"] = {"accounts_per_stream": accounts_per_stream}
    assert SessionLogsConfig.model_validate(settings).delivery_streams_per_region == streams
