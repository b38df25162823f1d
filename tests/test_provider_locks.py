"""The committed provider lock files pin what the synthesized stacks require."""

from __future__ import annotations

import re

import pytest

from stacks.app import PROVIDER_LOCKS

AWS = "registry.terraform.io/hashicorp/aws"


def locked(stack: str) -> dict[str, str]:
    text = (PROVIDER_LOCKS / f"{stack}.terraform.lock.hcl").read_text()
    block = re.search(rf'provider "{re.escape(AWS)}" {{(.*?)\n}}', text, re.S)
    assert block, f"{stack}'s lock file has no {AWS}"
    return dict(re.findall(r'^\s*(version|constraints)\s*=\s*"([^"]*)"', block[1], re.M))


@pytest.mark.parametrize("stack", ["log-archive", "member-stackset"])
def test_lock_pins_the_provider_version_the_stack_requires(default_synth, stack):
    required = default_synth.stack(stack)["terraform"]["required_providers"]["aws"]["version"]
    # cdktf deploy runs `terraform providers lock` (which needs the public
    # registry) unless the lock's constraints match the required version.
    assert locked(stack) == {"version": required, "constraints": required}


def test_lock_files_exist_only_for_the_stacks(default_synth):
    stacks = sorted(p.name for p in (default_synth.outdir / "stacks").iterdir())
    assert sorted(p.name for p in PROVIDER_LOCKS.iterdir()) == [
        f"{stack}.terraform.lock.hcl" for stack in stacks
    ]
