"""Runs the real terraform binary, with providers from a local filesystem mirror where there is one.

Tests never let Terraform contact the public registry: they write a CLI
config whose only installation method is the mirror, found through
SESSION_LOGS_PROVIDER_MIRROR or, by default, by looking in Terraform's
implied local mirror folders and in folders one or two levels below the root.
`make plan`, `make deploy` and `make diff` use the mirror the same way when
the machine has one, and Terraform's own installation (the registry)
otherwise; the committed lock files check the provider either way.
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
from pathlib import Path

from config.provider_locks import lock_file
from project import PROJECT_ROOT
from stacks.registry import LOG_ARCHIVE_STACK

MIRROR_ENV_VAR = "SESSION_LOGS_PROVIDER_MIRROR"
AWS_PROVIDER = "registry.terraform.io/hashicorp/aws"


class TerraformUnavailable(Exception):
    """terraform or the provider mirror is missing; the message says which and how to fix it."""


def platform_dir() -> str:
    machine = platform.machine().lower()
    arch = {"x86_64": "amd64", "aarch64": "arm64"}.get(machine, machine)
    return f"{platform.system().lower()}_{arch}"


def find_provider_mirror(version: str) -> Path:
    """The mirror folder that holds hashicorp/aws `version` for this platform."""
    wanted = Path(AWS_PROVIDER, version, platform_dir())
    configured = os.environ.get(MIRROR_ENV_VAR)
    if configured:
        if not (Path(configured) / wanted).is_dir():
            raise TerraformUnavailable(
                f"{MIRROR_ENV_VAR}={configured} has no {wanted}; point it at a Terraform "
                "filesystem mirror (the folder that contains registry.terraform.io)"
            )
        return Path(configured)
    for candidate in _mirror_candidates():
        if (candidate / wanted).is_dir():
            return candidate
    raise TerraformUnavailable(
        f"no filesystem mirror with {wanted} found; set {MIRROR_ENV_VAR} to the folder "
        "that contains registry.terraform.io"
    )


def _mirror_candidates() -> list[Path]:
    # Terraform's own implied mirror folders (CLI configuration docs) come first.
    home = Path.home()
    data_home = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    data_dirs = (os.environ.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share").split(":")
    implied = [home / ".terraform.d" / "plugins", data_home / "terraform" / "plugins"]
    implied += [Path(d) / "terraform" / "plugins" for d in data_dirs if d]
    # Then any mirror that an image put one or two folders below the root.
    root = Path(Path.cwd().anchor)
    nearby = [hit.parent for hit in sorted(root.glob("*/registry.terraform.io"))]
    nearby += [hit.parent for hit in sorted(root.glob("*/*/registry.terraform.io"))]
    return implied + nearby


def write_cli_config(mirror: Path, path: Path) -> Path:
    """A CLI config next to a plugin cache, so every working directory shares one provider copy."""
    cache = path.parent / "plugin-cache"
    cache.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "# Written by tools/terraform_cli.py: providers come from this mirror only.\n"
        f'plugin_cache_dir = "{cache}"\n'
        "provider_installation {\n"
        "  filesystem_mirror {\n"
        f'    path    = "{mirror}"\n'
        f'    include = ["{AWS_PROVIDER}"]\n'
        "  }\n"
        "}\n",
        encoding="utf-8",
    )
    return path


def mirror_cli_config(folder: Path) -> Path:
    """A CLI config in `folder` that installs the provider version of the committed
    lock files (every stack locks the same) from this machine's mirror only."""
    version = locked_provider_version(lock_file(LOG_ARCHIVE_STACK))
    return write_cli_config(find_provider_mirror(version), folder / "terraformrc")


def cli_config_for_this_machine() -> Path | None:
    """The mirror-only CLI config in build/terraform if this machine has the mirror,
    else None (Terraform's defaults)."""
    try:
        return mirror_cli_config(PROJECT_ROOT / "build" / "terraform")
    except TerraformUnavailable:
        if os.environ.get(MIRROR_ENV_VAR):
            raise
        return None


def locked_provider_version(lock_file: Path) -> str:
    """The hashicorp/aws version a .terraform.lock.hcl selects."""
    block = re.search(
        rf'provider "{re.escape(AWS_PROVIDER)}" {{(.*?)\n}}', lock_file.read_text(), re.S
    )
    version = block and re.search(r'^\s*version\s*=\s*"([^"]+)"', block[1], re.M)
    if not version:
        raise TerraformUnavailable(f"{lock_file} does not lock {AWS_PROVIDER}")
    return version[1]


def terraform_env(cli_config: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    if cli_config:
        env["TF_CLI_CONFIG_FILE"] = str(cli_config)
    env.update(
        TF_IN_AUTOMATION="1",
        TF_INPUT="0",
        CHECKPOINT_DISABLE="1",
    )
    return env


def terraform_binary() -> str:
    binary = shutil.which("terraform")
    if binary is None:
        raise TerraformUnavailable("terraform is not on PATH; install Terraform 1.10 or newer")
    return binary


def run_terraform(
    args: list[str], *, cwd: Path, cli_config: Path | None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    command, *rest = args
    result = subprocess.run(
        [terraform_binary(), command, "-no-color", *rest],
        cwd=cwd,
        env=terraform_env(cli_config),
        capture_output=True,
        text=True,
    )
    if check and result.returncode != 0:
        raise subprocess.CalledProcessError(
            result.returncode, result.args, result.stdout, result.stderr
        )
    return result
