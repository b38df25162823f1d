"""CSL-KMS-1: customer managed keys rotate automatically."""

from __future__ import annotations

from collections.abc import Iterator

from cdktf import TerraformResource
from cdktf_cdktf_provider_aws.kms_key import KmsKey

from synth.policy_checks.finding import Finding


def check(resource: TerraformResource) -> Iterator[Finding]:
    # Replicas share the primary's rotation, so only primaries are checked.
    if isinstance(resource, KmsKey) and not resource.enable_key_rotation_input:
        yield Finding("CSL-KMS-1", "customer managed keys must have automatic rotation on")
