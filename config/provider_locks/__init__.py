"""Where each stack's reviewed Terraform provider lock file is committed.

Every synth copies these into the stacks (stacks/app.py): terraform init then
checks the provider against the committed checksums, and cdktf finds a lock
matching the required providers and skips its `terraform providers lock`
step, which needs the public registry.
"""

from __future__ import annotations

from pathlib import Path

PROVIDER_LOCKS = Path(__file__).resolve().parent
LOCK_FILE = ".terraform.lock.hcl"


def lock_file(stack: str) -> Path:
    return PROVIDER_LOCKS / f"{stack}{LOCK_FILE}"
