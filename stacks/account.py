"""What every stack does first: keep its state where its account's config says, and work in that account."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from components.aws_providers import AccountProviders
from config.models import AccountConfig, SessionLogsConfig
from synth.named_stack import NamedStack
from synth.state_backend import add_state_backend


def work_in_account(
    stack: NamedStack,
    config: SessionLogsConfig,
    account: AccountConfig,
    outdir: Path,
    *,
    regions: Iterable[str] = (),
) -> AccountProviders:
    """The stack's state backend, and its providers: the home region and `regions`."""
    add_state_backend(
        stack,
        account.backend,
        outdir,
        local_state_file=config.names.local_state_file(stack.node.id),
        emulator_endpoint=config.emulator_endpoint,
    )
    return AccountProviders(
        stack,
        "providers",
        account_id=account.account_id,
        role_arn=account.role_arn,
        home_region=config.home_region,
        regions=regions,
        tags=config.tags,
        emulator_endpoint=config.emulator_endpoint,
    )
