"""The multi-Region KMS key that encrypts session logs and RDP recordings."""

from __future__ import annotations

from collections.abc import Callable

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.kms_alias import KmsAlias
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from cdktf_cdktf_provider_aws.kms_replica_key import KmsReplicaKey
from constructs import Construct

from components.aws_providers import AccountProviders
from components.iam_policy import PolicyDocument, render_policy
from synth.named_stack import DEFAULT_CHILD

DELETION_WINDOW_DAYS = 30
# Just-in-time node access only uses keys carrying this tag for RDP recordings.
JUST_IN_TIME_TAG = {"SystemsManagerJustInTimeNodeAccessManaged": "true"}


class SessionLogKey(Construct):
    """A primary key in the home region and a replica in every other region.

    RDP recording needs a key in the region of the node, and a CloudWatch Logs
    log group needs one in its own region; replicas of one multi-Region key
    share its id, so members build the regional ARN from one key id. The alias
    names the primary only: KMS does not share aliases between the keys of a
    multi-Region key, nothing here looks a replica up by alias, and an alias
    per region would cost synth time in every region.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        providers: AccountProviders,
        home_region: str,
        replica_regions: list[str],
        alias: str,
        policy_for_region: Callable[[str], PolicyDocument],
    ) -> None:
        super().__init__(scope, id)
        self.primary = KmsKey(
            self,
            DEFAULT_CHILD,
            provider=providers.home,
            description="Encrypts Session Manager logs and RDP recordings (primary)",
            multi_region=True,
            enable_key_rotation=True,
            deletion_window_in_days=DELETION_WINDOW_DAYS,
            policy=render_policy(policy_for_region(home_region)),
            tags=JUST_IN_TIME_TAG,
            lifecycle=_prevent_destroy_lifecycle(),
        )
        # Read once: every attribute read is a round trip to the jsii runtime.
        self.key_id: str = self.primary.key_id
        self.primary_arn: str = self.primary.arn
        KmsAlias(
            self, "alias", provider=providers.home, name=alias,
            target_key_id=self.key_id,
        )  # fmt: skip
        # The primary and its replicas, each with a policy of its own.
        self.keys: list[KmsKey | KmsReplicaKey] = [self.primary] + [
            self._replica(providers, region, policy_for_region) for region in replica_regions
        ]

    def _replica(
        self,
        providers: AccountProviders,
        region: str,
        policy_for_region: Callable[[str], PolicyDocument],
    ) -> KmsReplicaKey:
        return KmsReplicaKey(
            self,
            f"replica-{region}",
            provider=providers.in_region(region),
            description=f"Encrypts Session Manager logs and RDP recordings ({region} replica)",
            primary_key_arn=self.primary_arn,
            deletion_window_in_days=DELETION_WINDOW_DAYS,
            policy=render_policy(policy_for_region(region)),
            tags=JUST_IN_TIME_TAG,
            lifecycle=_prevent_destroy_lifecycle(),
        )


def _prevent_destroy_lifecycle() -> TerraformResourceLifecycle:
    return TerraformResourceLifecycle(prevent_destroy=True)
