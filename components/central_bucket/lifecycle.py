"""The lifecycle rules of the archive buckets: transitions, expirations, old versions.

S3 lifecycle filters select by prefix, tag or size, never "everything but a
prefix", and the key layout of RDP recordings is not documented (their
preferences name only a bucket). So the recordings' rule covers the whole
bucket, and each transcript folder has a rule of its own; where two rules
overlap, S3 honours the shorter expiration and the cheaper storage class
(S3 user guide, "How Amazon S3 handles conflicts in lifecycle
configurations"), which config/models.py's check keeps from surprising
anyone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration import (
    S3BucketLifecycleConfigurationRule,
    S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload,
    S3BucketLifecycleConfigurationRuleExpiration,
    S3BucketLifecycleConfigurationRuleFilter,
    S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration,
    S3BucketLifecycleConfigurationRuleTransition,
)


@dataclass(frozen=True)
class ObjectLifecycle:
    """One kind of object: when it moves to a colder class, and when it expires (None: never)."""

    transition_days: int | None
    storage_class: str
    expiration_days: int | None


def lifecycle_rules(
    *,
    transcript_folders: Sequence[str],
    transcripts: ObjectLifecycle,
    recordings: ObjectLifecycle,
    noncurrent_version_days: int,
) -> list[S3BucketLifecycleConfigurationRule]:
    rules = [_abort_incomplete_uploads(), _old_versions(noncurrent_version_days)]
    rules += _kind_rule("recordings", "", recordings)
    for folder in transcript_folders:
        rules += _kind_rule(f"transcripts-{folder}", f"{folder}/", transcripts)
    return rules


def _abort_incomplete_uploads() -> S3BucketLifecycleConfigurationRule:
    # Interrupted recording uploads would otherwise be stored (and billed) forever.
    return S3BucketLifecycleConfigurationRule(
        id="abort-incomplete-multipart-uploads",
        status="Enabled",
        filter=[S3BucketLifecycleConfigurationRuleFilter(prefix="")],
        abort_incomplete_multipart_upload=[
            S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload(
                days_after_initiation=7
            )
        ],
    )


def _old_versions(days: int) -> S3BucketLifecycleConfigurationRule:
    # A version replaced or deleted stays recoverable this long; the delete
    # markers left once every version has gone are removed too (S3 user
    # guide, "Lifecycle configuration elements").
    return S3BucketLifecycleConfigurationRule(
        id="noncurrent-versions",
        status="Enabled",
        filter=[S3BucketLifecycleConfigurationRuleFilter(prefix="")],
        noncurrent_version_expiration=[
            S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration(noncurrent_days=days)
        ],
        expiration=[
            S3BucketLifecycleConfigurationRuleExpiration(expired_object_delete_marker=True)
        ],
    )


def _kind_rule(
    rule_id: str, prefix: str, kind: ObjectLifecycle
) -> list[S3BucketLifecycleConfigurationRule]:
    """The rule of one kind of object, or none if it neither moves nor expires."""
    if kind.transition_days is None and kind.expiration_days is None:
        return []
    transition = (
        [
            S3BucketLifecycleConfigurationRuleTransition(
                days=kind.transition_days, storage_class=kind.storage_class
            )
        ]
        if kind.transition_days is not None
        else None
    )
    expiration = (
        [S3BucketLifecycleConfigurationRuleExpiration(days=kind.expiration_days)]
        if kind.expiration_days is not None
        else None
    )
    return [
        S3BucketLifecycleConfigurationRule(
            id=rule_id,
            status="Enabled",
            filter=[S3BucketLifecycleConfigurationRuleFilter(prefix=prefix)],
            transition=transition,
            expiration=expiration,
        )
    ]


def access_log_lifecycle_rules(
    *, expiration_days: int | None, noncurrent_version_days: int
) -> list[S3BucketLifecycleConfigurationRule]:
    """Access logs are kept as long as what they record: the archive's retention."""
    kept = ObjectLifecycle(transition_days=None, storage_class="", expiration_days=expiration_days)
    return [
        _abort_incomplete_uploads(),
        _old_versions(noncurrent_version_days),
        *_kind_rule("access-logs", "", kept),
    ]


def query_results_lifecycle_rules(
    *, expiration_days: int
) -> list[S3BucketLifecycleConfigurationRule]:
    """Athena query results expire after `expiration_days`, and their old versions a day later.

    hashicorp/aws 5.100.0 cannot ask Athena to manage the results (that came
    with provider issue #43246, after the release), so a rule on the bucket
    expires them. A result is a copy of what the archive keeps, so an expired
    one has nothing worth recovering.
    """
    results = ObjectLifecycle(
        transition_days=None, storage_class="", expiration_days=expiration_days
    )
    return [
        _abort_incomplete_uploads(),
        _old_versions(1),
        *_kind_rule("query-results", "", results),
    ]
