"""Service control policies, each attached to every target OU.

The provider's default_tags tag the policies like every other resource.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from cdktf import TerraformIterator, Token
from cdktf_cdktf_provider_aws.organizations_policy import OrganizationsPolicy
from cdktf_cdktf_provider_aws.organizations_policy_attachment import (
    OrganizationsPolicyAttachment,
)
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from components.iam_policy import PolicyDocument


@dataclass(frozen=True)
class ServiceControlPolicy:
    name: str
    description: str
    document: PolicyDocument


def render_scp(document: PolicyDocument) -> str:
    """Deterministic and without whitespace, which would count against the size quota."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"))


class OrganizationGuardrails(Construct):
    """One policy resource per SCP and one attachment per SCP and target (for_each)."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        provider: AwsProvider,
        policies: Sequence[ServiceControlPolicy],
        target_ids: Sequence[str],
    ) -> None:
        super().__init__(scope, id)
        for scp in policies:
            policy = OrganizationsPolicy(
                self,
                scp.name,
                provider=provider,
                name=scp.name,
                description=scp.description,
                type="SERVICE_CONTROL_POLICY",
                content=render_scp(scp.document),
            )
            each_target = TerraformIterator.from_list(list(target_ids))
            OrganizationsPolicyAttachment(
                self,
                f"{scp.name}-attachment",
                provider=provider,
                for_each=each_target,
                policy_id=policy.id,
                target_id=Token.as_string(each_target.value),
            )
