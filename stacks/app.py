"""Builds every stack of the project into one cdktf App."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

from cdktf import App, Aspects

from config import provider_locks
from config.models import SessionLogsConfig
from stacks.guardrails_stack import GuardrailsStack
from stacks.log_archive_stack import LogArchiveStack
from stacks.member_stackset_stack import MemberStackSetStack
from stacks.registry import GUARDRAILS_STACK, LOG_ARCHIVE_STACK, MEMBER_STACKSET_STACK
from synth.policy_checks import PolicyChecks


def build_app(config: SessionLogsConfig, *, outdir: Path, final_outdir: Path) -> App:
    """`outdir` is where synth writes; `final_outdir` is where Terraform will run from."""
    app = App(outdir=str(outdir))
    log_archive = LogArchiveStack(app, LOG_ARCHIVE_STACK, config, final_outdir)
    member = MemberStackSetStack(app, MEMBER_STACKSET_STACK, config, final_outdir, log_archive)
    guardrails = GuardrailsStack(app, GUARDRAILS_STACK, config, final_outdir)
    for stack in (log_archive, member, guardrails):
        Aspects.of(stack).add(PolicyChecks())
    return app


class SynthError(Exception):
    """Synthesis stopped (for example a policy check failed); nothing was written."""


# Terraform's working folder, which a re-synth keeps so `terraform init` does
# not have to run again after every synth.
_TERRAFORM_WORKING_DIR = ".terraform"


def synthesize(config: SessionLogsConfig, outdir: Path) -> None:
    """Synthesizes into a staging folder and swaps it in, so a failure leaves outdir as it was."""
    outdir.parent.mkdir(parents=True, exist_ok=True)
    staging = _sibling(outdir, "staging")
    try:
        _synth(build_app(config, outdir=staging, final_outdir=outdir))
        _add_provider_locks(staging)
        _carry_over_terraform_working_dirs(outdir, staging)
        _swap_in(staging, outdir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _synth(app: App) -> None:
    try:
        app.synth()
    except RuntimeError as error:
        # jsii wraps every JavaScript error, including failed policy checks.
        raise SynthError(str(error).removeprefix("Error: ")) from None


def _add_provider_locks(outdir: Path) -> None:
    """The reviewed lock files, so every machine installs the provider they pin."""
    for stack_dir in (outdir / "stacks").iterdir():
        lock = provider_locks.lock_file(stack_dir.name)
        if not lock.is_file():
            raise SynthError(f"stack {stack_dir.name} has no provider lock file {lock}")
        shutil.copyfile(lock, stack_dir / provider_locks.LOCK_FILE)


def _carry_over_terraform_working_dirs(old: Path, new: Path) -> None:
    for stack_dir in (new / "stacks").iterdir():
        previous = old / "stacks" / stack_dir.name / _TERRAFORM_WORKING_DIR
        if previous.exists():
            previous.rename(stack_dir / _TERRAFORM_WORKING_DIR)


def _sibling(outdir: Path, purpose: str) -> Path:
    """A new hidden folder next to outdir: same file system, so renames are atomic."""
    folder = outdir.parent / f".{outdir.name}.{purpose}-{uuid.uuid4().hex[:8]}"
    folder.mkdir()
    return folder


def _swap_in(staging: Path, outdir: Path) -> None:
    if not outdir.exists():
        staging.rename(outdir)
        return
    retired = _sibling(outdir, "retired")
    outdir.rename(retired / outdir.name)
    staging.rename(outdir)
    shutil.rmtree(retired, ignore_errors=True)
