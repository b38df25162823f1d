"""Security properties of the log archive stack, read from its synthesized Terraform."""

from __future__ import annotations

import pytest

from stacks.registry import LOG_ARCHIVE_STACK
from tests.support.policies import statements_by_sid

STACK = LOG_ARCHIVE_STACK


def key_policies(synth) -> dict[str, dict[str, dict]]:
    """Each key's policy statements, by the region the key is in."""
    config = synth.config
    primary = synth.resource(STACK, "aws_kms_key", "session_log_key")
    policies = {config.home_region: statements_by_sid(primary["policy"])}
    for region in config.replica_regions:
        replica = synth.resource(
            STACK, "aws_kms_replica_key", f"session_log_key_replica_{region.replace('-', '_')}"
        )
        policies[region] = statements_by_sid(replica["policy"])
    return policies


def test_bucket_is_kept_from_destroy_and_named_from_the_account(default_synth):
    bucket = default_synth.resource(STACK, "aws_s3_bucket", "central_log_bucket")
    assert bucket["bucket"] == "central-logs-111111111111"
    assert bucket["lifecycle"] == {"prevent_destroy": True}


def test_configured_bucket_name_replaces_the_default(three_region_synth):
    bucket = three_region_synth.resource(STACK, "aws_s3_bucket", "central_log_bucket")
    assert bucket["bucket"] == "test-session-archive"


def test_bucket_versioning_is_enabled(default_synth):
    versioning = default_synth.resource(
        STACK, "aws_s3_bucket_versioning", "central_log_bucket_versioning"
    )
    assert versioning["versioning_configuration"]["status"] == "Enabled"


def test_bucket_encrypts_with_the_primary_key_and_a_bucket_key(default_synth):
    encryption = default_synth.resource(
        STACK, "aws_s3_bucket_server_side_encryption_configuration", "central_log_bucket_encryption"
    )
    [rule] = encryption["rule"]
    assert rule["bucket_key_enabled"] is True
    default = rule["apply_server_side_encryption_by_default"]
    assert default == {
        "sse_algorithm": "aws:kms",
        "kms_master_key_id": "${aws_kms_key.session_log_key.arn}",
    }


def test_bucket_blocks_all_public_access(default_synth):
    block = default_synth.resource(
        STACK, "aws_s3_bucket_public_access_block", "central_log_bucket_public_access_block"
    )
    flags = ["block_public_acls", "block_public_policy", "ignore_public_acls"]
    assert all(block[flag] is True for flag in [*flags, "restrict_public_buckets"])


def test_bucket_owner_owns_every_object(default_synth):
    ownership = default_synth.resource(
        STACK, "aws_s3_bucket_ownership_controls", "central_log_bucket_ownership"
    )
    assert ownership["rule"]["object_ownership"] == "BucketOwnerEnforced"


def test_bucket_policy_denies_requests_without_tls(default_synth):
    policy = default_synth.resource(STACK, "aws_s3_bucket_policy", "central_log_bucket_policy")
    deny = statements_by_sid(policy["policy"])["DenyRequestsWithoutTls"]
    assert deny["Effect"] == "Deny"
    assert deny["Principal"] == "*"
    assert deny["Action"] == "s3:*"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert set(deny["Resource"]) == {
        "arn:aws:s3:::central-logs-111111111111",
        "arn:aws:s3:::central-logs-111111111111/*",
    }


def test_bucket_policy_lets_guiconnect_put_objects_only_for_the_organization(default_synth):
    policy = default_synth.resource(STACK, "aws_s3_bucket_policy", "central_log_bucket_policy")
    statements = statements_by_sid(policy["policy"])
    allow = statements["GuiConnectWritesRdpRecordings"]
    assert allow["Principal"] == {"Service": "ssm-guiconnect.amazonaws.com"}
    assert allow["Action"] == "s3:PutObject"
    assert allow["Condition"] == {"StringEquals": {"aws:SourceOrgID": "o-exampleorg1"}}
    assert [s["Effect"] for s in statements.values()].count("Allow") == 1


def test_primary_key_is_multi_region_rotating_and_kept(default_synth):
    key = default_synth.resource(STACK, "aws_kms_key", "session_log_key")
    assert key["multi_region"] is True
    assert key["enable_key_rotation"] is True
    assert key["deletion_window_in_days"] == 30
    assert key["lifecycle"] == {"prevent_destroy": True}
    assert key["provider"] == "aws"


def test_every_other_member_region_gets_a_kept_replica(three_region_synth):
    replicas = three_region_synth.resources(STACK, "aws_kms_replica_key")
    assert set(replicas) == {
        "session_log_key_replica_us_east_1",
        "session_log_key_replica_ap_southeast_2",
    }
    for address, replica in replicas.items():
        region = address.removeprefix("session_log_key_replica_").replace("_", "-")
        assert replica["provider"] == f"aws.{region}"
        assert replica["primary_key_arn"] == "${aws_kms_key.session_log_key.arn}"
        assert replica["deletion_window_in_days"] == 30
        assert replica["lifecycle"] == {"prevent_destroy": True}


def test_every_key_carries_the_just_in_time_tag(three_region_synth):
    keys = {
        **three_region_synth.resources(STACK, "aws_kms_key"),
        **three_region_synth.resources(STACK, "aws_kms_replica_key"),
    }
    assert len(keys) == 3
    for key in keys.values():
        assert key["tags"]["SystemsManagerJustInTimeNodeAccessManaged"] == "true"


def test_the_alias_names_the_primary_in_the_home_region_only(three_region_synth):
    # Replicas share the primary's key id; KMS would not share the alias anyway.
    aliases = three_region_synth.resources(STACK, "aws_kms_alias")
    assert list(aliases.values()) == [
        {
            "//": aliases["session_log_key_alias"]["//"],
            "name": "alias/central-session-logs",
            "provider": "aws",
            "target_key_id": "${aws_kms_key.session_log_key.key_id}",
        }
    ]


def test_account_root_administers_every_key(three_region_synth):
    for statements in key_policies(three_region_synth).values():
        admin = statements["AccountAdministersKey"]
        assert admin["Principal"] == {"AWS": "arn:aws:iam::333333333333:root"}
        assert admin["Action"] == "kms:*"


def test_guiconnect_may_use_only_the_bucket_regions_key_and_only_through_s3(three_region_synth):
    policies = key_policies(three_region_synth)
    home = policies.pop("eu-west-1")["GuiConnectWritesRdpRecordings"]
    assert home["Principal"] == {"Service": "ssm-guiconnect.amazonaws.com"}
    assert home["Action"] == "kms:GenerateDataKey"
    assert home["Condition"] == {
        "StringEquals": {
            "aws:SourceOrgID": "o-testorg1234",
            "kms:ViaService": "s3.eu-west-1.amazonaws.com",
        },
        "ArnLike": {
            "kms:EncryptionContext:aws:s3:arn": [
                "arn:aws:s3:::test-session-archive",
                "arn:aws:s3:::test-session-archive/*",
            ]
        },
    }
    assert all("GuiConnectWritesRdpRecordings" not in replica for replica in policies.values())


def test_organization_creates_grants_only_through_guiconnect_of_the_keys_region(
    three_region_synth,
):
    for region, statements in key_policies(three_region_synth).items():
        grant = statements["OrganizationGrantsOnlyThroughGuiConnect"]
        assert grant["Action"] == "kms:CreateGrant"
        assert grant["Condition"] == {
            "StringEquals": {
                "aws:PrincipalOrgID": "o-testorg1234",
                "kms:ViaService": f"ssm-guiconnect.{region}.amazonaws.com",
            }
        }


def test_cloudwatch_logs_of_the_keys_region_may_use_it_only_for_the_projects_log_groups(
    three_region_synth,
):
    for region, statements in key_policies(three_region_synth).items():
        logs = statements["CloudWatchLogsEncryptsSessionLogGroups"]
        assert logs["Principal"] == {"Service": f"logs.{region}.amazonaws.com"}
        assert logs["Condition"] == {
            "ArnLike": {
                "kms:EncryptionContext:aws:logs:arn": [
                    f"arn:aws:logs:{region}:*:log-group:session-manager-log-*",
                    f"arn:aws:logs:{region}:*:log-group:/central-session-logs/*",
                ]
            }
        }
        callers = statements["OrganizationUsesKeyThroughCloudWatchLogs"]
        assert callers["Condition"]["StringEquals"] == {
            "aws:PrincipalOrgID": "o-testorg1234",
            "kms:ViaService": f"logs.{region}.amazonaws.com",
        }


def test_s3_may_use_only_the_bucket_regions_key_and_only_for_the_bucket(three_region_synth):
    policies = key_policies(three_region_synth)
    home = policies.pop("eu-west-1")["S3EncryptsCentralBucket"]
    assert home["Action"] == ["kms:Decrypt", "kms:GenerateDataKey"]
    assert home["Condition"] == {
        "StringEquals": {
            "kms:CallerAccount": "333333333333",
            "kms:ViaService": "s3.eu-west-1.amazonaws.com",
        },
        "ArnLike": {
            "kms:EncryptionContext:aws:s3:arn": [
                "arn:aws:s3:::test-session-archive",
                "arn:aws:s3:::test-session-archive/*",
            ]
        },
    }
    assert all("S3EncryptsCentralBucket" not in replica for replica in policies.values())


def test_session_data_encryption_is_allowed_to_the_organization_only_when_configured(
    three_region_synth, every_option_synth
):
    for statements in key_policies(three_region_synth).values():
        assert "OrganizationEncryptsSessionData" not in statements
    for statements in key_policies(every_option_synth).values():
        assert statements["OrganizationEncryptsSessionData"] == {
            "Sid": "OrganizationEncryptsSessionData",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            "Resource": "*",
            "Condition": {
                "StringEquals": {"aws:PrincipalOrgID": "o-everyoption1"},
                "Null": {
                    "kms:EncryptionContext:aws:ssm:SessionId": "false",
                    "kms:EncryptionContext:aws:ssm:TargetId": "false",
                },
            },
        }


@pytest.mark.parametrize("synth_name", ["default_synth", "three_region_synth"])
def test_providers_only_work_in_the_log_archive_account(request, synth_name):
    synth = request.getfixturevalue(synth_name)
    providers = synth.stack(STACK)["provider"]["aws"]
    assert {p["region"] for p in providers} == set(synth.config.key_regions)
    for provider in providers:
        assert provider["allowed_account_ids"] == [synth.config.log_archive.account_id]
        assert provider["default_tags"] == [{"tags": synth.config.tags}]


def test_providers_assume_the_configured_role(three_region_synth):
    for provider in three_region_synth.stack(STACK)["provider"]["aws"]:
        assert provider["assume_role"] == [
            {"role_arn": "arn:aws:iam::333333333333:role/session-logs-deploy"}
        ]
