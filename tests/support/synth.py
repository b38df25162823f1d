"""Synthesizing a config in the test process, or running main.py as users run it."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from config import load_config
from config.models import SessionLogsConfig
from project import PROJECT_ROOT, SYNTH_OUTDIR
from tools.cdktf_cli import app_command

JSII_BANNER_SWITCH = "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION"


class Synthesized:
    """The files one synthesis wrote, parsed."""

    def __init__(self, outdir: Path, config: SessionLogsConfig) -> None:
        self.outdir = outdir
        self.config = config

    def stack(self, name: str) -> dict:
        return json.loads(self.stack_path(name).read_text())

    def stack_path(self, name: str) -> Path:
        return self.outdir / "stacks" / name / "cdk.tf.json"

    def resources(self, name: str, resource_type: str) -> dict[str, dict]:
        return self.stack(name)["resource"].get(resource_type, {})

    def resource(self, name: str, resource_type: str, address: str) -> dict:
        return self.resources(name, resource_type)[address]


def synthesize_config(config_file: Path, outdir: Path) -> Synthesized:
    """Every stack of the config, synthesized in this process into `outdir`."""
    from stacks.app import build_app

    config = load_config(config_file)
    # Backend paths are computed for the real output folder, as `make synth` does.
    build_app(config, outdir=outdir, final_outdir=SYNTH_OUTDIR).synth()
    return Synthesized(outdir, config)


def run_main(config: Path, outdir: Path, **extra_env: str) -> subprocess.CompletedProcess[str]:
    """main.py in a process of its own, as users run it."""
    # Without the variable that silences jsii's Node end-of-life banner: main.py
    # must silence it itself.
    inherited = {k: v for k, v in os.environ.items() if k != JSII_BANNER_SWITCH}
    env = {
        **inherited,
        "SESSION_LOGS_CONFIG": str(config),
        "CDKTF_OUTDIR": str(outdir),
        **extra_env,
    }
    return subprocess.run(app_command(), cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
