"""The log archive account: the central bucket, the multi-Region key and session log delivery."""

from __future__ import annotations

from pathlib import Path

from cdktf import Fn, TerraformLocal
from constructs import Construct

from components.access_index.construct import AccessIndex
from components.access_logs.construct import AccessLogBucket
from components.access_logs.policies import access_log_bucket_policy_document
from components.archive_replication.construct import LockedReplication
from components.audit_queries.construct import AuditQueries
from components.aws_providers import AccountProviders, deploying_account_id
from components.central_bucket.construct import AccessLogTarget, CentralLogBucket, ObjectLock
from components.central_bucket.lifecycle import (
    ObjectLifecycle,
    access_log_lifecycle_rules,
    lifecycle_rules,
    query_results_lifecycle_rules,
)
from components.central_bucket.policies import (
    central_bucket_policy_document,
    locked_bucket_policy_document,
)
from components.delivery_alarms.alarms import delivery_alarms
from components.delivery_alarms.construct import DeliveryAlarms, Subscriber
from components.iam_policy import PolicyDocument
from components.session_log_delivery.construct import SessionLogDelivery
from components.session_log_key.construct import SessionLogKey
from components.session_log_key.policies import (
    ACCOUNT_ADMINISTERS_KEY,
    session_log_key_policy_document,
)
from config.models import SessionLogsConfig, StorageLifecycleConfig
from stacks.account import work_in_account
from synth.named_stack import NamedStack
from synth.policy_checks import suppress


class LogArchiveStack(NamedStack):
    """Exposes what the member stack set needs: bucket name, its owner and the key id."""

    def __init__(self, scope: Construct, id: str, config: SessionLogsConfig, outdir: Path) -> None:
        super().__init__(scope, id)
        names = config.names
        providers = work_in_account(
            self, config, config.log_archive, outdir, regions=config.key_regions
        )
        self.key = SessionLogKey(
            self,
            "session-log-key",
            providers=providers,
            home_region=config.home_region,
            replica_regions=config.replica_regions,
            alias=names.key_alias,
            policy_for_region=lambda region: key_policy(config, region),
        )
        for key in self.key.keys:
            suppress(
                key,
                "CSL-IAM-1",
                "kms:* for the account root is the KMS default key policy; without it IAM "
                "policies in the log archive account could not administer the key at all",
                applies_to=ACCOUNT_ADMINISTERS_KEY,
            )
        self.bucket = self._archive(config, providers)
        self.delivery = SessionLogDelivery(
            self,
            "session-log-delivery",
            providers=providers,
            names=names,
            organization_id=config.organization_id,
            account_id=config.log_archive.account_id,
            home_region=config.home_region,
            regions=config.deployment_regions,
            bucket_name=self.bucket.name,
            key_arn=self.key.primary_arn,
            buffering_size_mib=config.delivery.buffering_size_mib,
            buffering_interval_seconds=config.delivery.buffering_interval_seconds,
            streams_per_region=config.delivery_streams_per_region,
        )
        self._alarms(config, providers)
        self.access_index = AccessIndex(
            self,
            "access-index",
            provider=providers.home,
            names=names,
            organization_id=config.organization_id,
            key_arn=self.key.primary_arn,
        )
        self._audit_queries(config, providers)
        self.bucket_name: str = self.bucket.name
        self.bucket_owner: str = deploying_account_id(
            self, "deploying-account", provider=providers.home
        )
        self.key_id: str = self.key.key_id
        self.member_ready_regions = self._member_ready_regions()

    def _archive(self, config: SessionLogsConfig, providers: AccountProviders) -> CentralLogBucket:
        """The central bucket, where its requests are logged, and its locked replica if configured."""
        names, archive = config.names, config.archive
        home = providers.home
        buckets = [names.bucket] + ([names.locked_bucket] if archive.object_lock else [])
        access_logs = AccessLogBucket(
            self,
            "access-log-bucket",
            provider=home,
            name=names.access_log_bucket,
            policy=access_log_bucket_policy_document(
                bucket_name=names.access_log_bucket,
                account_id=config.log_archive.account_id,
                source_bucket_arns=[f"arn:aws:s3:::{b}" for b in buckets],
            ),
            lifecycle_rules=access_log_lifecycle_rules(
                expiration_days=archive.retention_days,
                noncurrent_version_days=archive.noncurrent_version_days,
            ),
        )
        rules = archive_lifecycle_rules(config)
        central = CentralLogBucket(
            self,
            "central-log-bucket",
            provider=home,
            name=names.bucket,
            key_arn=self.key.primary_arn,
            policy=central_bucket_policy_document(
                bucket_name=names.bucket, organization_id=config.organization_id
            ),
            lifecycle_rules=rules,
            access_logs=AccessLogTarget(bucket=access_logs.name, prefix=f"{names.bucket}/"),
        )
        if archive.object_lock:
            locked = CentralLogBucket(
                self,
                "locked-archive-bucket",
                provider=home,
                name=names.locked_bucket,
                key_arn=self.key.primary_arn,
                policy=locked_bucket_policy_document(bucket_name=names.locked_bucket),
                lifecycle_rules=rules,
                access_logs=AccessLogTarget(
                    bucket=access_logs.name, prefix=f"{names.locked_bucket}/"
                ),
                object_lock=ObjectLock(
                    mode=archive.object_lock.mode, days=archive.object_lock.days
                ),
            )
            LockedReplication(
                self,
                "locked-archive-replication",
                provider=home,
                source=central,
                destination=locked,
                key_arn=self.key.primary_arn,
                role_name=names.replication_role,
                account_id=config.log_archive.account_id,
                region=config.home_region,
            )
        return central

    def _alarms(self, config: SessionLogsConfig, providers: AccountProviders) -> None:
        names, alarms = config.names, config.alarms
        DeliveryAlarms(
            self,
            "delivery-alarms",
            provider=providers.home,
            topic_name=names.alarm_topic,
            key_arn=self.key.primary_arn,
            account_id=config.log_archive.account_id,
            alarms=delivery_alarms(names),
            stream_names=[
                names.delivery_stream(region, shard)
                for region in config.deployment_regions
                for shard in range(config.delivery_streams_per_region)
            ],
            freshness_seconds=alarms.data_freshness_seconds,
            period_seconds=alarms.period_seconds,
            subscribers=[Subscriber("email", address) for address in alarms.email]
            + [Subscriber(s.protocol, s.endpoint) for s in alarms.topic_subscriptions],
        )

    def _audit_queries(self, config: SessionLogsConfig, providers: AccountProviders) -> None:
        # Every member region, excluded ones too: a region excluded later
        # keeps the transcripts it had, and they stay searchable.
        AuditQueries(
            self,
            "audit-queries",
            provider=providers.home,
            names=config.names,
            account_id=config.log_archive.account_id,
            regions=config.member_regions,
            key_arn=self.key.primary_arn,
            results_lifecycle_rules=query_results_lifecycle_rules(
                expiration_days=config.audit.query_results_days
            ),
        )

    def _member_ready_regions(self) -> list[str]:
        """Regions with every destination and a key: where member stacks can deliver.

        One local, so the member-stackset stack reads one cross-stack output
        whose value is what this stack's last apply created: a region added
        to the config is missing from it until this stack is applied again
        (an output per ARN would fail that plan as a missing attribute).
        """
        key_regions = [_arn_region(key.arn) for key in self.key.keys]
        destination_regions = [
            [_arn_region(arn) for arn in arns] for arns in self.delivery.destination_arns.values()
        ]
        ready = TerraformLocal(
            self, "member-ready-regions", Fn.setintersection(key_regions, destination_regions)
        )
        return ready.as_list


def _arn_region(arn: str) -> str:
    return Fn.element(Fn.split(":", arn), 3)


def key_policy(config: SessionLogsConfig, region: str) -> PolicyDocument:
    """The policy of the session log key (primary or replica) in `region`."""
    names = config.names
    return session_log_key_policy_document(
        account_id=config.log_archive.account_id,
        organization_id=config.organization_id,
        region=region,
        log_group_prefixes=[names.member_log_group_prefix, names.operations_log_group_prefix],
        bucket_name=names.bucket,
        replica_bucket_name=names.locked_bucket if config.archive.object_lock else None,
        bucket_region=config.home_region,
        encrypts_session_data=config.session.encrypts_with_central_key,
    )


def archive_lifecycle_rules(config: SessionLogsConfig) -> list:
    """The same rules for the central bucket and its replica, from the config's archive settings."""
    archive = config.archive

    def kind(settings: StorageLifecycleConfig) -> ObjectLifecycle:
        return ObjectLifecycle(
            transition_days=settings.transition_days,
            storage_class=settings.storage_class,
            expiration_days=archive.effective_expiration(settings),
        )

    return lifecycle_rules(
        transcript_folders=config.names.transcript_folders,
        transcripts=kind(archive.transcripts),
        recordings=kind(archive.recordings),
        noncurrent_version_days=archive.noncurrent_version_days,
    )
