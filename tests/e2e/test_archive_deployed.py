"""The archive settings as the emulated S3 holds them after the apply: lifecycle, logging, lock, replication."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def s3(deployment):
    return deployment.client("s3", account=deployment.organization.log_archive_account)


@pytest.fixture(scope="module")
def names(deployment):
    return deployment.config.names


def test_transcripts_and_recordings_expire_and_move_as_configured(s3, names):
    for bucket in (names.bucket, names.locked_bucket):
        rules = {r["ID"]: r for r in s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]}
        assert rules["recordings"]["Expiration"] == {"Days": 400}
        transcripts = rules["transcripts-session-manager"]
        assert transcripts["Filter"] == {"Prefix": "session-manager/"}
        assert transcripts["Transitions"] == [{"Days": 30, "StorageClass": "GLACIER_IR"}]
        assert rules["noncurrent-versions"]["NoncurrentVersionExpiration"] == {"NoncurrentDays": 30}


def test_the_replica_is_locked_and_receives_every_new_object(s3, names, deployment):
    lock = s3.get_object_lock_configuration(Bucket=names.locked_bucket)["ObjectLockConfiguration"]
    assert lock["ObjectLockEnabled"] == "Enabled"
    retention = lock["Rule"]["DefaultRetention"]
    assert (retention["Mode"], retention["Days"]) == ("GOVERNANCE", 365)
    replication = s3.get_bucket_replication(Bucket=names.bucket)["ReplicationConfiguration"]
    account = deployment.organization.log_archive_account
    assert replication["Role"] == f"arn:aws:iam::{account}:role/{names.replication_role}"
    [rule] = replication["Rules"]
    assert rule["Destination"]["Bucket"] == f"arn:aws:s3:::{names.locked_bucket}"
    assert rule["DeleteMarkerReplication"] == {"Status": "Disabled"}
    assert rule["SourceSelectionCriteria"] == {"SseKmsEncryptedObjects": {"Status": "Enabled"}}


def test_every_archive_bucket_logs_its_requests_and_announces_its_objects(s3, names):
    for bucket in (names.bucket, names.locked_bucket):
        logging = s3.get_bucket_logging(Bucket=bucket)["LoggingEnabled"]
        assert logging["TargetBucket"] == names.access_log_bucket
        assert logging["TargetPrefix"] == f"{bucket}/"
        notification = s3.get_bucket_notification_configuration(Bucket=bucket)
        assert "EventBridgeConfiguration" in notification
