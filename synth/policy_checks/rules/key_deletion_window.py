"""CSL-KMS-2: keys wait the maximum 30 days before deletion."""

from __future__ import annotations

from collections.abc import Iterator

from cdktf import TerraformResource
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from cdktf_cdktf_provider_aws.kms_replica_key import KmsReplicaKey

from synth.policy_checks.finding import Finding

_KEY_RESOURCES = (KmsKey, KmsReplicaKey)


def check(resource: TerraformResource) -> Iterator[Finding]:
    waits = not isinstance(resource, _KEY_RESOURCES) or (
        resource.deletion_window_in_days_input == 30
    )
    if not waits:
        yield Finding(
            "CSL-KMS-2", "keys must wait the maximum 30 days before deletion, to allow recovery"
        )
