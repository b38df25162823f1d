"""Config validation: every kind of bad input names its field and the value given."""

from __future__ import annotations

import pytest

from config import load_config
from tests.support.configs import (
    DEFAULT_CONFIG,
    EVERY_OPTION_CONFIG,
    THREE_REGIONS_CONFIG,
    problems,
    with_changes,
)


def test_default_and_fixture_configs_are_valid():
    assert load_config(DEFAULT_CONFIG).organization_id == "o-exampleorg1"
    assert load_config(THREE_REGIONS_CONFIG).stackset_admin.call_as == "DELEGATED_ADMIN"
    assert load_config(EVERY_OPTION_CONFIG).session.encryption == "central_key"


def test_names_are_derived_from_the_ids():
    names = load_config(DEFAULT_CONFIG).names
    assert names.bucket == "central-logs-111111111111"
    assert names.key_alias == "alias/central-session-logs"
    assert names.stack_set == "central-session-logs-member"


def test_replica_regions_are_the_member_regions_other_than_home():
    config = load_config(THREE_REGIONS_CONFIG)
    assert config.replica_regions == ["us-east-1", "ap-southeast-2"]
    assert config.key_regions == ["eu-west-1", "us-east-1", "ap-southeast-2"]


def test_account_wide_region_is_home_unless_the_home_region_is_excluded(tmp_path):
    assert load_config(DEFAULT_CONFIG).account_wide_region == "ap-northeast-1"
    home_excluded = with_changes(
        tmp_path,
        member_regions=["eu-west-1", "ap-northeast-1", "us-east-1"],
        exclusions={"regions": ["ap-northeast-1"]},
    )
    assert load_config(home_excluded).account_wide_region == "eu-west-1"


def test_defaults_apply_to_omitted_settings(tmp_path):
    config = load_config(with_changes(tmp_path, session=None, stack_set=None, tags=None))
    assert config.session.idle_session_timeout_minutes == 20
    assert config.session.max_session_duration_minutes == 60
    assert config.session.log_retention_days == 3
    assert config.session.encryption == "none"
    assert config.session.s3_logging is None
    assert (config.session.run_as.enabled, config.session.run_as.default_user) == (False, "")
    assert (config.session.shell_profile.windows, config.session.shell_profile.linux) == ("", "")
    assert (config.delivery.buffering_size_mib, config.delivery.buffering_interval_seconds) == (
        64,
        300,
    )
    assert (config.exclusions.regions, config.exclusions.account_ids) == ([], [])
    assert config.instance_role_names == []
    preferences = config.stack_set.operation_preferences
    assert preferences.region_concurrency_type == "PARALLEL"
    assert preferences.concurrency_mode == "SOFT_FAILURE_TOLERANCE"
    assert preferences.max_concurrent == {"max_concurrent_count": 100}
    assert preferences.failure_tolerance == {"failure_tolerance_count": 10}
    assert config.stack_set.expected_accounts == 500
    assert (config.delivery.accounts_per_stream, config.delivery_streams_per_region) == (400, 2)
    assert config.tags == {}


def test_s3_logging_defaults_to_an_encrypted_bucket_without_prefix(tmp_path):
    config = load_config(with_changes(tmp_path, session={"s3_logging": {"bucket_name": "logs"}}))
    s3 = config.session.s3_logging
    assert (s3.bucket_name, s3.key_prefix, s3.encryption_enabled, s3.kms_key_arn) == (
        "logs",
        "",
        True,
        None,
    )


def test_excluded_regions_get_no_deployment_but_keep_their_key():
    config = load_config(EVERY_OPTION_CONFIG)
    assert config.member_regions == ["us-east-1", "eu-central-1", "ap-northeast-1"]
    assert config.deployment_regions == ["us-east-1", "eu-central-1"]
    assert config.key_regions == ["us-east-1", "eu-central-1", "ap-northeast-1"]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"organizaton_id": "o-exampleorg1"}, "organizaton_id: unknown setting"),
        ({"organization_id": "org-1"}, "organization_id: expected an organization id"),
        ({"home_region": "tokyo"}, "home_region: expected an AWS region name like us-east-1 (got 'tokyo')"),
        ({"member_regions": []}, "member_regions: List should have at least 1 item"),
        ({"member_regions": ["us-east-1", "us-east-1"]}, "member_regions: lists us-east-1 more than once"),
        ({"target_ou_ids": ["ou-1"]}, "target_ou_ids[0]: expected an OU id"),
        ({"log_archive": {"account_id": 111111111111}}, "log_archive.account_id: must be text (put it in quotes in YAML) (got 111111111111)"),
        ({"log_archive": {"account_id": "1234"}}, "log_archive.account_id: expected a 12-digit AWS account id"),
        ({"log_archive": {"account_id": "111111111111", "role_arn": "arn:aws:iam::222222222222:role/x"}},
         "role_arn 'arn:aws:iam::222222222222:role/x' is not in account_id '111111111111'"),
        ({"log_archive": {"account_id": "111111111111", "backend": {"type": "gcs"}}},
         "log_archive.backend: Input tag 'gcs' found using 'type' does not match"),
        ({"log_archive": {"account_id": "111111111111", "backend": {"type": "s3", "bucket": "state", "region": "us-east-1"}}},
         "log_archive.backend.key: required setting is missing"),
        ({"stackset_admin": {"account_id": "222222222222", "call_as": "ME"}},
         "stackset_admin.call_as: Input should be 'SELF' or 'DELEGATED_ADMIN' (got 'ME')"),
        ({"bucket_name": "Central_Logs"}, "bucket_name: expected 3-63 lowercase letters"),
        ({"session": {"idle_session_timeout_minutes": 61}}, "session.idle_session_timeout_minutes: Input should be less than or equal to 60 (got 61)"),
        ({"session": {"max_session_duration_minutes": 0}}, "session.max_session_duration_minutes: Input should be greater than or equal to 1 (got 0)"),
        ({"session": {"log_retention_days": 4}}, "session.log_retention_days: must be one of 1, 3, 5"),
        ({"stack_set": {"operation_preferences": {"max_concurrent_percentage": 101}}},
         "stack_set.operation_preferences.max_concurrent_percentage: Input should be less than or equal to 100"),
        ({"stack_set": {"operation_preferences": {"concurrency_mode": "SOFT"}}},
         "stack_set.operation_preferences.concurrency_mode: Input should be 'SOFT_FAILURE_TOLERANCE' or 'STRICT_FAILURE_TOLERANCE' (got 'SOFT')"),
        ({"stack_set": {"operation_preferences": {"max_concurrent_count": 0}}},
         "stack_set.operation_preferences.max_concurrent_count: Input should be greater than or equal to 1 (got 0)"),
        ({"stack_set": {"operation_preferences": {"failure_tolerance_count": -1}}},
         "stack_set.operation_preferences.failure_tolerance_count: Input should be greater than or equal to 0 (got -1)"),
        ({"stack_set": {"operation_preferences": {"max_concurrent_count": 50, "max_concurrent_percentage": 25}}},
         "stack_set.operation_preferences: set max_concurrent_count or max_concurrent_percentage, not both (got max_concurrent_count 50 and max_concurrent_percentage 25)"),
        ({"stack_set": {"operation_preferences": {"failure_tolerance_count": 1, "failure_tolerance_percentage": 5}}},
         "stack_set.operation_preferences: set failure_tolerance_count or failure_tolerance_percentage, not both (got failure_tolerance_count 1 and failure_tolerance_percentage 5)"),
        ({"stack_set": {"operation_preferences": {"region_order": ["eu-west-1"]}}},
         "stack_set.operation_preferences.region_order lists eu-west-1, which is not a deployment region"),
        ({"stack_set": {"operation_preferences": {"region_order": ["us-east-1", "us-east-1"]}}},
         "stack_set.operation_preferences.region_order: lists us-east-1 more than once"),
        ({"stack_set": {"expected_accounts": 0}}, "stack_set.expected_accounts: Input should be greater than or equal to 1 (got 0)"),
        ({"stack_set": {"expected_accounts": "many"}}, "stack_set.expected_accounts: Input should be a valid integer, unable to parse string as an integer (got 'many')"),
        ({"tags": {"aws:owner": "me"}}, "tags.aws:owner: tag keys starting with 'aws:' are reserved"),
        ({"emulator_endpoint": "https://kms.us-east-1.amazonaws.com"},
         "emulator_endpoint: expected an http URL on this machine with a port"),
        ({"emulator_endpoint": "http://10.0.0.5:5000"}, "emulator_endpoint: expected an http URL on this machine"),
        ({"emulator_endpoint": "http://127.0.0.1"}, "emulator_endpoint: expected an http URL on this machine with a port"),
        ({"emulator_endpoint": "http://127.0.0.1:5000/s3"}, "emulator_endpoint: expected an http URL on this machine"),
        ({"sesion": {}}, "sesion: unknown setting"),
        ({"session": {"encryption": "kms"}}, "session.encryption: Input should be 'none' or 'central_key' (got 'kms')"),
        ({"session": {"s3_logging": {"key_prefix": "x"}}}, "session.s3_logging.bucket_name: required setting is missing"),
        ({"session": {"s3_logging": {"bucket_name": "logs", "key_prefix": "/x"}}},
         "session.s3_logging.key_prefix: expected letters, digits and !_.*'()/- not starting with / (got '/x')"),
        ({"session": {"s3_logging": {"bucket_name": "logs", "kms_key_arn": "alias/logs"}}},
         "session.s3_logging.kms_key_arn: expected a KMS key ARN"),
        ({"session": {"s3_logging": {"bucket_name": "logs", "encrypted": True}}}, "session.s3_logging.encrypted: unknown setting"),
        ({"session": {"run_as": {"enabled": "yes please"}}}, "session.run_as.enabled: Input should be a valid boolean, unable to interpret input (got 'yes please')"),
        ({"session": {"run_as": {"default_user": "Administrator"}}}, "session.run_as.default_user: expected a Linux user name like ssm-user, or empty (got 'Administrator')"),
        ({"session": {"shell_profile": {"linux": "x" * 4097}}}, "session.shell_profile.linux: String should have at most 4096 characters"),
        ({"session": {"shell_profile": {"macos": "pwd"}}}, "session.shell_profile.macos: unknown setting"),
        ({"delivery": {"buffering_size_mib": 5}}, "delivery.buffering_size_mib: Input should be greater than or equal to 64 (got 5)"),
        ({"delivery": {"buffering_interval_seconds": 0}}, "delivery.buffering_interval_seconds: Input should be greater than or equal to 60 (got 0)"),
        ({"delivery": {"buffering_interval_seconds": 901}}, "delivery.buffering_interval_seconds: Input should be less than or equal to 900 (got 901)"),
        ({"delivery": {"accounts_per_stream": 0}}, "delivery.accounts_per_stream: Input should be greater than or equal to 1 (got 0)"),
        ({"delivery": {"accounts_per_stream": 5001}}, "delivery.accounts_per_stream: Input should be less than or equal to 5000 (got 5001)"),
        ({"stack_set": {"expected_accounts": 1_000_001}, "delivery": {"accounts_per_stream": 400}},
         "stack_set.expected_accounts 1000001 at delivery.accounts_per_stream 400 needs 5002 Firehose streams in home_region, more than its quota of 5000"),
        ({"exclusions": {"accounts": ["123456789012"]}}, "exclusions.accounts: unknown setting"),
        ({"exclusions": {"account_ids": ["1234"]}}, "exclusions.account_ids[0]: expected a 12-digit AWS account id in quotes (got '1234')"),
        ({"exclusions": {"account_ids": ["123456789012", "123456789012"]}}, "exclusions.account_ids: lists 123456789012 more than once"),
        ({"exclusions": {"regions": ["eu-west-1"]}}, "exclusions.regions lists eu-west-1, which is not in member_regions"),
        ({"exclusions": {"regions": ["ap-northeast-1", "us-east-1"]}}, "exclusions.regions leaves out every member region"),
        ({"instance_role_names": ["my role"]}, "instance_role_names[0]: expected an IAM role name, optionally with its path"),
        ({"instance_role_names": ["r" * 65]}, "instance_role_names[0]: expected an IAM role name"),
        ({"instance_role_names": [f"role-{n}" for n in range(11)]}, "instance_role_names: List should have at most 10 items after validation, not 11"),
    ],
)  # fmt: skip
def test_each_kind_of_bad_setting_is_named_with_its_value(tmp_path, changes, expected):
    message = problems(with_changes(tmp_path, **changes))
    assert expected in message
    assert message.startswith(f"{tmp_path / 'config.yaml'}: 1 problem in the config")


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("http://127.0.0.1:5000", "http://127.0.0.1:5000"),
        ("http://localhost:4566/", "http://localhost:4566"),
        ("http://[::1]:5000", "http://[::1]:5000"),
    ],
)
def test_emulator_endpoint_accepts_loopback_urls(tmp_path, given, used):
    assert load_config(with_changes(tmp_path, emulator_endpoint=given)).emulator_endpoint == used


def test_emulator_endpoint_is_off_by_default():
    assert load_config(DEFAULT_CONFIG).emulator_endpoint is None


def test_missing_required_settings_are_listed_together(tmp_path):
    message = problems(with_changes(tmp_path, organization_id=None, home_region=None))
    assert "2 problems in the config" in message
    assert "organization_id: required setting is missing" in message
    assert "home_region: required setting is missing" in message


def test_stacks_sharing_one_state_file_is_an_error(tmp_path):
    same = {"type": "s3", "bucket": "state", "key": "one.tfstate", "region": "us-east-1"}
    message = problems(
        with_changes(
            tmp_path,
            log_archive={"account_id": "111111111111", "backend": same},
            stackset_admin={"account_id": "222222222222", "backend": same},
            guardrails={"policy_admin": {"account_id": "222222222222"}},
        )
    )
    assert (
        "log_archive.backend and stackset_admin.backend point at the same state "
        "'s3://state/one.tfstate'" in message
    )
    assert "(got" not in message


def test_the_guardrails_stack_keeps_a_state_of_its_own(tmp_path):
    message = problems(
        with_changes(
            tmp_path,
            guardrails={
                "policy_admin": {
                    "account_id": "222222222222",
                    "backend": {"type": "local", "path": "terraform.log-archive.tfstate"},
                }
            },
        )
    )
    assert (
        "log_archive.backend and guardrails.policy_admin.backend point at the same state "
        "'terraform.log-archive.tfstate'" in message
    )


@pytest.mark.parametrize(
    "stackset_admin",
    [
        {"account_id": "222222222222", "call_as": "DELEGATED_ADMIN"},
        {
            "account_id": "222222222222",
            "backend": {"type": "s3", "bucket": "state", "key": "m.tfstate", "region": "us-east-1"},
        },
    ],
)
def test_guardrails_need_a_policy_admin_unless_the_stackset_admin_can_lend_its_account(
    tmp_path, stackset_admin
):
    message = problems(with_changes(tmp_path, stackset_admin=stackset_admin))
    assert "guardrails.policy_admin is required" in message
    assert f"call_as {stackset_admin.get('call_as', 'SELF')}" in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("organization_id: [unclosed", "not valid YAML"),
        (
            "- a list\n- not a mapping\n",
            "expected a mapping of settings, got ['a list', 'not a mapping']",
        ),
        ("", "expected a mapping of settings, got None"),
    ],
)
def test_unreadable_files_are_explained(tmp_path, content, expected):
    path = tmp_path / "config.yaml"
    path.write_text(content)
    assert expected in problems(path)


def test_missing_file_is_explained(tmp_path):
    assert "cannot read config file: No such file or directory" in problems(tmp_path / "nope.yaml")
