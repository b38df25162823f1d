"""Minimal stacks under the policy checks, to make a rule fire or pass on purpose."""

from __future__ import annotations

from pathlib import Path

from cdktf import App, Aspects, TerraformResourceLifecycle, TerraformStack
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from cdktf_cdktf_provider_aws.provider import AwsProvider

from synth.policy_checks import PolicyChecks

KEPT = TerraformResourceLifecycle(prevent_destroy=True)


def checked_stack(outdir: Path) -> tuple[App, TerraformStack]:
    """An app with one stack, "minimal", that the policy checks visit on synth."""
    app = App(outdir=str(outdir))
    stack = TerraformStack(app, "minimal")
    AwsProvider(stack, "aws", region="us-east-1")
    Aspects.of(stack).add(PolicyChecks())
    return app, stack


def good_key(stack: TerraformStack, **overrides) -> KmsKey:
    """A key that passes every rule, unless `overrides` break one."""
    settings = {"enable_key_rotation": True, "deletion_window_in_days": 30, "lifecycle": KEPT}
    return KmsKey(stack, "key", **{**settings, **overrides})
