"""The committed provider lock files pin what the synthesized stacks require."""

from __future__ import annotations

import re

import pytest

from config.provider_locks import LOCK_FILE, PROVIDER_LOCKS, lock_file
from stacks.registry import STACKS_IN_DEPLOY_ORDER
from tools.terraform_cli import TerraformUnavailable, locked_provider_version

AWS = "registry.terraform.io/hashicorp/aws"


def locked(stack: str) -> dict[str, str]:
    text = lock_file(stack).read_text()
    block = re.search(rf'provider "{re.escape(AWS)}" {{(.*?)\n}}', text, re.S)
    assert block, f"{stack}'s lock file has no {AWS}"
    return dict(re.findall(r'^\s*(version|constraints)\s*=\s*"([^"]*)"', block[1], re.M))


@pytest.mark.parametrize("stack", STACKS_IN_DEPLOY_ORDER)
def test_lock_pins_the_provider_version_the_stack_requires(default_synth, stack):
    required = default_synth.stack(stack)["terraform"]["required_providers"]["aws"]["version"]
    # cdktf deploy runs `terraform providers lock` (which needs the public
    # registry) unless the lock's constraints match the required version.
    assert locked(stack) == {"version": required, "constraints": required}


def test_lock_files_exist_only_for_the_stacks(default_synth):
    stacks = sorted(p.name for p in (default_synth.outdir / "stacks").iterdir())
    # The folder is also the Python package that finds them.
    assert sorted(p.name for p in PROVIDER_LOCKS.glob(f"*{LOCK_FILE}")) == [
        f"{stack}.terraform.lock.hcl" for stack in stacks
    ]


def test_the_locked_version_is_read_from_the_lock_file(default_synth):
    required = default_synth.stack("log-archive")["terraform"]["required_providers"]["aws"]
    assert locked_provider_version(lock_file("log-archive")) == required["version"]


def test_a_lock_without_the_aws_provider_is_an_error(tmp_path):
    other = tmp_path / ".terraform.lock.hcl"
    other.write_text(
        'provider "registry.terraform.io/hashicorp/random" {\n  version = "3.7.2"\n}\n'
    )
    with pytest.raises(
        TerraformUnavailable, match=r"does not lock registry\.terraform\.io/hashicorp/aws"
    ):
        locked_provider_version(other)
