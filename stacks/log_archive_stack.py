"""The log archive account: the central bucket, the multi-Region key and session log delivery."""

from __future__ import annotations

from pathlib import Path

from cdktf import Fn, TerraformLocal
from constructs import Construct

from components.aws_providers import deploying_account_id
from components.central_bucket.construct import CentralLogBucket
from components.central_bucket.policies import central_bucket_policy_document
from components.iam_policy import PolicyDocument
from components.session_log_delivery.construct import SessionLogDelivery
from components.session_log_key.construct import SessionLogKey
from components.session_log_key.policies import (
    ACCOUNT_ADMINISTERS_KEY,
    session_log_key_policy_document,
)
from config.models import SessionLogsConfig
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
        self.bucket = CentralLogBucket(
            self,
            "central-log-bucket",
            provider=providers.home,
            name=names.bucket,
            key_arn=self.key.primary_arn,
            policy=central_bucket_policy_document(
                bucket_name=names.bucket, organization_id=config.organization_id
            ),
        )
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
        self.bucket_name: str = self.bucket.name
        self.bucket_owner: str = deploying_account_id(
            self, "deploying-account", provider=providers.home
        )
        self.key_id: str = self.key.key_id
        self.member_ready_regions = self._member_ready_regions()

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
        bucket_region=config.home_region,
        encrypts_session_data=config.session.encrypts_with_central_key,
    )
