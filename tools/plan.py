"""`make plan`: plans each synthesized stack and writes its Markdown summary to build/plan/.

    python -m tools.plan [--outdir cdktf.out] [--plan-dir build/plan] [STACK ...]

The plans are speculative (-lock=false), so a read-only role can make them:
it could not write the state lock object anyway. The binary plan files hold
state values, sensitive ones included, so only the summaries are kept.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from config.loader import config_path_from_env, load_config
from project import SYNTH_OUTDIR
from stacks.registry import in_deploy_order
from tools.plan_summary import summarize
from tools.terraform_cli import cli_config_for_this_machine, run_terraform

# terraform plan -detailed-exitcode: 0 no changes, 2 changes, anything else an error.
NO_CHANGES, CHANGES = 0, 2


@dataclass(frozen=True)
class StackPlan:
    stack: str
    exit_code: int
    summary: Path

    @property
    def has_changes(self) -> bool:
        return self.exit_code == CHANGES


class PlanFailed(Exception):
    """terraform could not plan a stack; the message carries its output."""


def plan_stack(
    stack_dir: Path,
    plan_dir: Path,
    cli_config: Path | None,
    *,
    expected_accounts: int | None = None,
) -> StackPlan:
    stack = stack_dir.name
    run_terraform(
        ["init", "-input=false", "-lockfile=readonly"], cwd=stack_dir, cli_config=cli_config
    )
    with tempfile.TemporaryDirectory() as scratch:
        plan_file = str(Path(scratch) / "plan")
        planned = run_terraform(
            ["plan", "-input=false", "-lock=false", "-detailed-exitcode", f"-out={plan_file}"],
            cwd=stack_dir,
            cli_config=cli_config,
            check=False,
        )
        if planned.returncode not in (NO_CHANGES, CHANGES):
            raise PlanFailed(f"terraform plan of {stack} failed:\n{planned.stdout}{planned.stderr}")
        shown = run_terraform(["show", "-json", plan_file], cwd=stack_dir, cli_config=cli_config)
    stack_config = json.loads((stack_dir / "cdk.tf.json").read_text())
    summary = plan_dir / f"{stack}.md"
    summary.write_text(
        summarize(
            stack, json.loads(shown.stdout), stack_config, expected_accounts=expected_accounts
        )
    )
    return StackPlan(stack, planned.returncode, summary)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stacks", nargs="*", metavar="STACK", help="default: every stack")
    parser.add_argument("--outdir", type=Path, default=SYNTH_OUTDIR)
    parser.add_argument("--plan-dir", type=Path, default=Path("build/plan"))
    args = parser.parse_args(argv)
    try:
        stacks = in_deploy_order(args.stacks)
    except ValueError as error:
        parser.error(str(error))
    args.plan_dir.mkdir(parents=True, exist_ok=True)
    cli_config = cli_config_for_this_machine()
    # The config the stacks were synthesized from; it sizes the CAUTION block.
    expected_accounts = load_config(config_path_from_env()).stack_set.expected_accounts
    for stack in stacks:
        try:
            planned = plan_stack(
                args.outdir / "stacks" / stack,
                args.plan_dir,
                cli_config,
                expected_accounts=expected_accounts,
            )
        except (PlanFailed, subprocess.CalledProcessError) as failed:
            print(getattr(failed, "stderr", None) or failed, file=sys.stderr)
            return 1
        print(
            f"{stack}: {'changes' if planned.has_changes else 'no changes'}, see {planned.summary}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
