"""`make deploy` and `make diff`: the pinned cdktf CLI over the stacks, in dependency order.

    python -m tools.cdktf_cli deploy [--auto-approve] [--output DIR] [STACK ...]
    python -m tools.cdktf_cli diff [--output DIR] [STACK ...]

Without STACK, every stack. Deploying only some of them (CI deploys each with
its own account's role, one job after the other) tells cdktf not to insist
on the others. When this machine has the provider mirror, Terraform installs
from it alone, so an offline machine needs nothing else; the committed lock
files keep cdktf from asking the registry either way.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

from project import PROJECT_ROOT
from stacks.registry import STACKS_IN_DEPLOY_ORDER, in_deploy_order
from tools.terraform_cli import cli_config_for_this_machine

CDKTF = PROJECT_ROOT / "node_modules" / ".bin" / "cdktf"


@functools.cache
def app_command() -> list[str]:
    """How cdktf runs the app (cdktf.json's "app", from the project folder); `make synth` too."""
    return shlex.split(json.loads((PROJECT_ROOT / "cdktf.json").read_text())["app"])


def cdktf_commands(
    command: str, stacks: list[str], *, auto_approve: bool = False, output: Path | None = None
) -> list[list[str]]:
    ordered = in_deploy_order(stacks)
    common = ["--output", str(output)] if output else []
    if command == "diff":  # cdktf diff takes one stack at a time
        return [[str(CDKTF), "diff", stack, *common] for stack in ordered]
    deploy = [str(CDKTF), "deploy", *ordered, *common]
    if len(ordered) < len(STACKS_IN_DEPLOY_ORDER):
        deploy.append("--ignore-missing-stack-dependencies")
    if auto_approve:
        deploy.append("--auto-approve")
    return [deploy]


def cdktf_env() -> dict[str, str]:
    env = dict(os.environ)
    cli_config = cli_config_for_this_machine()
    if cli_config:
        env["TF_CLI_CONFIG_FILE"] = str(cli_config)
    # Without it cdktf and terraform call HashiCorp's checkpoint service for
    # version news and telemetry, which offline only adds waiting.
    env.setdefault("CHECKPOINT_DISABLE", "1")
    return env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["deploy", "diff"])
    parser.add_argument("stacks", nargs="*", metavar="STACK", help="default: every stack")
    parser.add_argument("--auto-approve", action="store_true")
    parser.add_argument("--output", type=Path, help="synth folder (default: cdktf.json's)")
    args = parser.parse_args(argv)
    if not CDKTF.exists():
        print("cdktf CLI missing: run `npm ci` (the make targets do)", file=sys.stderr)
        return 1
    try:
        commands = cdktf_commands(
            args.command, args.stacks, auto_approve=args.auto_approve, output=args.output
        )
    except ValueError as error:
        parser.error(str(error))
    env = cdktf_env()
    for command in commands:
        status = subprocess.run(command, cwd=PROJECT_ROOT, env=env, check=False).returncode
        if status:
            return status
    return 0


if __name__ == "__main__":
    sys.exit(main())
