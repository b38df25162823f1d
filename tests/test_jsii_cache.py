"""jsii's runtime index: the first synth on a cold cache leaves it behind, and stacks load fast."""

from __future__ import annotations

import subprocess
import sys

from project import PROJECT_ROOT
from synth.jsii_cache import CACHE_ROOT_ENV_VAR, package_cache_root, provider_index_manifests
from synth.provider_import import PACKAGE
from tests.support.configs import THREE_REGIONS_CONFIG
from tests.support.synth import run_main


def test_the_cache_root_follows_jsii_environment_variable(monkeypatch, tmp_path):
    monkeypatch.setenv(CACHE_ROOT_ENV_VAR, str(tmp_path))
    assert package_cache_root() == tmp_path
    monkeypatch.delenv(CACHE_ROOT_ENV_VAR)
    assert package_cache_root().parts[-4:] == (".cache", "aws", "jsii", "package-cache")


def test_a_synth_on_a_cold_cache_leaves_the_provider_index_behind(tmp_path):
    cache_root = tmp_path / "jsii-package-cache"

    def synth():
        env = {CACHE_ROOT_ENV_VAR: str(cache_root)}
        return run_main(THREE_REGIONS_CONFIG, tmp_path / "out", **env)

    # Without the wait in main.py, jsii's worker dies with the process and
    # this stays empty (measured before the wait existed).
    first = synth()
    assert first.returncode == 0, first.stderr
    assert "waiting for jsii to finish its runtime index, once" in first.stderr
    [manifest] = provider_index_manifests(cache_root)
    assert (manifest.parent / ".jsii.runtime-index.v1").stat().st_size > 0
    again = synth()
    assert again.returncode == 0, again.stderr
    assert "waiting for jsii" not in again.stderr


def test_importing_a_stack_loads_the_provider_the_fast_way():
    count_provider_modules = (
        "import sys, stacks.app\n"
        f"print(sum(name.startswith('{PACKAGE}.') for name in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", count_provider_modules],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    # The stacks use a few dozen resource modules; the stock import loads 2,000+.
    assert int(result.stdout) < 100, result.stdout
