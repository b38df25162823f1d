"""The archive: retention and storage classes, the access log, EventBridge, the locked replica."""

from __future__ import annotations

import pytest

from stacks.registry import LOG_ARCHIVE_STACK
from tests.support.configs import problems, with_changes
from tests.support.policies import statements_by_sid

STACK = LOG_ARCHIVE_STACK
BUCKETS = ("central_log_bucket", "locked_archive_bucket")


def rules_by_id(synth, bucket: str) -> dict[str, dict]:
    lifecycle = synth.resource(
        STACK, "aws_s3_bucket_lifecycle_configuration", f"{bucket}_lifecycle"
    )
    return {rule["id"]: rule for rule in lifecycle["rule"]}


def test_by_default_nothing_expires_but_old_versions(default_synth):
    rules = rules_by_id(default_synth, "central_log_bucket")
    assert sorted(rules) == ["abort-incomplete-multipart-uploads", "noncurrent-versions"]
    assert rules["noncurrent-versions"]["noncurrent_version_expiration"] == [
        {"noncurrent_days": 30}
    ]
    assert not default_synth.resources(STACK, "aws_s3_bucket_object_lock_configuration")
    assert not default_synth.resources(STACK, "aws_s3_bucket_replication_configuration")


def test_transcript_folders_and_recordings_get_their_own_rules(every_option_synth):
    for bucket in BUCKETS:
        rules = rules_by_id(every_option_synth, bucket)
        assert rules["recordings"]["filter"] == [{"prefix": ""}]
        assert rules["recordings"]["transition"] == [{"days": 90, "storage_class": "GLACIER_IR"}]
        assert rules["recordings"]["expiration"] == [{"days": 2557}]
        for folder in ("session-manager", "session-manager-errors", "session-manager-quarantine"):
            rule = rules[f"transcripts-{folder}"]
            assert rule["filter"] == [{"prefix": f"{folder}/"}]
            assert rule["transition"] == [{"days": 30, "storage_class": "GLACIER"}]
            assert rule["expiration"] == [{"days": 2557}]


@pytest.mark.parametrize("bucket", BUCKETS)
def test_archive_buckets_log_requests_and_announce_objects(every_option_synth, bucket):
    logging = every_option_synth.resource(
        STACK, "aws_s3_bucket_logging", f"{bucket}_access_logging"
    )
    name = every_option_synth.resource(STACK, "aws_s3_bucket", bucket)["bucket"]
    assert logging["target_bucket"] == "${aws_s3_bucket_policy.access_log_bucket_policy.bucket}"
    assert logging["target_prefix"] == f"{name}/"
    assert logging["target_object_key_format"] == {
        "partitioned_prefix": {"partition_date_source": "EventTime"}
    }
    notification = every_option_synth.resource(
        STACK, "aws_s3_bucket_notification", f"{bucket}_eventbridge"
    )
    assert notification["eventbridge"] is True


def test_only_s3_logging_for_the_archive_buckets_writes_the_access_logs(every_option_synth):
    config = every_option_synth.config
    policy = every_option_synth.resource(STACK, "aws_s3_bucket_policy", "access_log_bucket_policy")
    statement = statements_by_sid(policy["policy"])["S3WritesArchiveAccessLogs"]
    assert statement["Principal"] == {"Service": "logging.s3.amazonaws.com"}
    assert statement["Condition"] == {
        "ArnLike": {
            "aws:SourceArn": [
                f"arn:aws:s3:::{config.names.bucket}",
                f"arn:aws:s3:::{config.names.locked_bucket}",
            ]
        },
        "StringEquals": {"aws:SourceAccount": config.log_archive.account_id},
    }


def test_access_logs_are_versioned_sse_s3_and_kept_as_long_as_the_archive(every_option_synth):
    encryption = every_option_synth.resource(
        STACK, "aws_s3_bucket_server_side_encryption_configuration", "access_log_bucket_encryption"
    )
    default = encryption["rule"][0]["apply_server_side_encryption_by_default"]
    assert default == {"sse_algorithm": "AES256"}
    versioning = every_option_synth.resource(
        STACK, "aws_s3_bucket_versioning", "access_log_bucket_versioning"
    )
    assert versioning["versioning_configuration"] == {"status": "Enabled"}
    assert rules_by_id(every_option_synth, "access_log_bucket")["access-logs"]["expiration"] == [
        {"days": 2557}
    ]


def test_every_archive_bucket_is_kept_from_destroy(every_option_synth):
    buckets = every_option_synth.resources(STACK, "aws_s3_bucket")
    assert sorted(buckets) == ["access_log_bucket", "audit_queries_query_results_bucket", *BUCKETS]
    assert {b["lifecycle"]["prevent_destroy"] for b in buckets.values()} == {True}


def test_the_replica_locks_every_version_with_the_configured_retention(every_option_synth):
    bucket = every_option_synth.resource(STACK, "aws_s3_bucket", "locked_archive_bucket")
    assert bucket["bucket"] == f"{every_option_synth.config.names.bucket}-locked"
    assert bucket["object_lock_enabled"] is True
    lock = every_option_synth.resource(
        STACK, "aws_s3_bucket_object_lock_configuration", "locked_archive_bucket_object_lock"
    )
    assert lock["rule"] == {"default_retention": {"mode": "COMPLIANCE", "days": 2557}}
    encryption = every_option_synth.resource(
        STACK,
        "aws_s3_bucket_server_side_encryption_configuration",
        "locked_archive_bucket_encryption",
    )
    assert encryption["rule"][0]["apply_server_side_encryption_by_default"] == {
        "kms_master_key_id": "${aws_kms_key.session_log_key.arn}",
        "sse_algorithm": "aws:kms",
    }


def test_every_new_object_replicates_into_the_replica_encrypted_and_deletes_do_not(
    every_option_synth,
):
    replication = every_option_synth.resource(
        STACK,
        "aws_s3_bucket_replication_configuration",
        "locked_archive_replication_configuration",
    )
    assert replication["bucket"] == "${aws_s3_bucket.central_log_bucket.id}"
    [rule] = replication["rule"]
    assert rule["filter"] == {"prefix": ""}
    assert rule["delete_marker_replication"] == {"status": "Disabled"}
    assert rule["source_selection_criteria"] == {"sse_kms_encrypted_objects": {"status": "Enabled"}}
    assert rule["destination"] == {
        "bucket": "${aws_s3_bucket.locked_archive_bucket.arn}",
        "encryption_configuration": {"replica_kms_key_id": "${aws_kms_key.session_log_key.arn}"},
    }
    assert sorted(replication["depends_on"]) == [
        "aws_s3_bucket_versioning.central_log_bucket_versioning",
        "aws_s3_bucket_versioning.locked_archive_bucket_versioning",
    ]


def test_the_replication_role_may_not_delete_replicas(every_option_synth):
    policy = every_option_synth.resource(
        STACK, "aws_iam_role_policy", "locked_archive_replication_role_policy"
    )
    actions = {
        action
        for statement in statements_by_sid(policy["policy"]).values()
        for action in statement["Action"]
    }
    assert "s3:ReplicateDelete" not in actions
    assert {"s3:ReplicateObject", "s3:GetObjectRetention", "s3:GetObjectLegalHold"} <= actions


@pytest.mark.parametrize(
    ("archive", "expected"),
    [
        (
            {"retention_days": 30, "object_lock": {"mode": "COMPLIANCE", "days": 365}},
            "archive.retention_days 30 is shorter than archive.object_lock.days 365",
        ),
        (
            {"recordings": {"expiration_days": 365}},
            "archive.transcripts would expire after never days but archive.recordings after 365",
        ),
        (
            {"recordings": {"transition_days": 30, "storage_class": "GLACIER"}},
            "archive.recordings moves objects to GLACIER after 30 days",
        ),
        (
            {"object_lock": {"mode": "LEGAL", "days": 1}},
            "archive.object_lock.mode",
        ),
    ],
)
def test_archive_settings_that_contradict_each_other_are_refused(tmp_path, archive, expected):
    assert expected in problems(with_changes(tmp_path, archive=archive))


def test_a_bucket_name_too_long_for_its_replicas_name_is_refused(tmp_path):
    name = "b" * 60
    message = problems(with_changes(tmp_path, bucket_name=name))
    assert f"bucket_name {name!r} is too long for the bucket {name + '-locked'!r}" in message
