"""Estimates how long the member stacks take to roll out, under the configured preferences.

    python -m tools.rollout_model [--config FILE]

Per region, waves = ceil(accounts / accounts at a time), and a region takes
waves x the time of one member stack. The stack instances' operations run one
region after another; a template update runs the regions in parallel or one
after another, as region_concurrency_type says. The time of one member stack
is an assumption (config/rollout.py, STACK_INSTANCE_MINUTES) that only a real
deployment can confirm; docs/rollout.md cites the AWS behaviour behind each
step. Deterministic: the same config always gives the same table.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from config.loader import ConfigError, config_path_from_env, load_config
from config.models import SessionLogsConfig
from config.rollout import (
    CONCURRENT_STACK_INSTANCE_OPERATIONS_QUOTA,
    STACK_INSTANCE_MINUTES,
    Operation,
    instance_operation,
    instance_timeout,
    template_update,
    template_update_timeout,
)

ACCOUNT_COUNTS = (50, 500, 5_000)


def render(config: SessionLogsConfig) -> str:
    preferences = config.stack_set.operation_preferences
    settings = {
        **preferences.max_concurrent,
        **preferences.failure_tolerance,
        "concurrency_mode": preferences.concurrency_mode,
        "region_concurrency_type": preferences.region_concurrency_type,
    }
    lines = [
        f"Deployment regions: {len(config.deployment_regions)}; "
        + ", ".join(f"{key} {value}" for key, value in settings.items())
        + f"; {STACK_INSTANCE_MINUTES} minutes per member stack (an assumption).",
        "",
        "| accounts | member stacks | first rollout | template update | peak concurrent stacks |",
        "|---:|---:|---|---|---:|",
    ]
    lines += [_row(config, accounts) for accounts in ACCOUNT_COUNTS]
    lines += [
        "",
        f"Terraform waits, for stack_set.expected_accounts {config.stack_set.expected_accounts:,}: "
        f"{instance_timeout(config)} per stack instance, "
        f"{template_update_timeout(config)} per template update.",
    ]
    return "\n".join(lines) + "\n"


def _row(config: SessionLogsConfig, accounts: int) -> str:
    rollout, update = instance_operation(config, accounts), template_update(config, accounts)
    peak = max(rollout.concurrent_stack_instances, update.concurrent_stack_instances)
    over = " (over the quota)" if peak > CONCURRENT_STACK_INSTANCE_OPERATIONS_QUOTA else ""
    return (
        f"| {accounts:,} | {accounts * rollout.regions:,} | {_described(rollout)} "
        f"| {_described(update)} | {peak:,}{over} |"
    )


def _described(operation: Operation) -> str:
    return (
        f"{_duration(operation.minutes)} ({operation.concurrent_accounts:,} at a time, "
        f"{_waves(operation.waves_per_region)} per region)"
    )


def _waves(count: int) -> str:
    return f"{count:,} wave{'s' if count > 1 else ''}"


def _duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d} min" if hours else f"{rest} min"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        help="default: SESSION_LOGS_CONFIG or config/default.yaml",
    )
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config or config_path_from_env())
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    sys.stdout.write(render(config))
    return 0


if __name__ == "__main__":
    sys.exit(main())
