"""main.py as users run it: exit codes, messages, and an output folder that is never half-written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config import load_config, provider_locks
from project import PROJECT_ROOT
from stacks import app as app_module
from stacks.registry import STACKS_IN_DEPLOY_ORDER
from tests.support.configs import DEFAULT_CONFIG
from tests.support.minimal_stacks import checked_stack, good_key
from tests.support.synth import run_main


@pytest.fixture
def previous_output(tmp_path) -> Path:
    """An output folder holding an earlier synth's files, which failures must leave alone."""
    outdir = tmp_path / "cdktf.out"
    (outdir / "stacks" / "log-archive").mkdir(parents=True)
    (outdir / "stacks" / "log-archive" / "cdk.tf.json").write_text("earlier synth")
    return outdir


def folder_contents(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize(
    ("config_text", "expected"),
    [
        ("organization_id: o-exampleorg1\n", "home_region: required setting is missing"),
        (DEFAULT_CONFIG.read_text().replace("home_region:", "home_regoin:"), "home_regoin: unknown setting"),
        (DEFAULT_CONFIG.read_text().replace("log_retention_days: 3", "log_retention_days: 4"),
         "session.log_retention_days: must be one of"),
        ("organization_id: [", "not valid YAML"),
        ("organization_id: o-exampleorg1 # \u00e9\n".encode("latin-1"),
         "bad.yaml: not UTF-8 text: byte 0xe9 at offset 33"),
        (b"\xff\xfe", "bad.yaml: not UTF-8 text: byte 0xff at offset 0"),
    ],
)  # fmt: skip
def test_bad_config_exits_2_and_writes_nothing(tmp_path, previous_output, config_text, expected):
    config = tmp_path / "bad.yaml"
    if isinstance(config_text, bytes):
        config.write_bytes(config_text)
    else:
        config.write_text(config_text)
    before = folder_contents(tmp_path)
    result = run_main(config, previous_output)
    assert result.returncode == 2
    assert expected in result.stderr
    assert result.stdout == ""
    assert folder_contents(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml", "cdktf.out"]


def test_missing_config_file_exits_2(tmp_path, previous_output):
    result = run_main(tmp_path / "absent.yaml", previous_output)
    assert result.returncode == 2
    assert "absent.yaml: cannot read config file" in result.stderr


def test_good_config_replaces_the_output_folder(tmp_path, previous_output):
    result = run_main(DEFAULT_CONFIG, previous_output)
    assert result.returncode == 0, result.stderr
    stacks = previous_output / "stacks"
    assert sorted(p.name for p in stacks.iterdir()) == sorted(STACKS_IN_DEPLOY_ORDER)
    assert (stacks / "log-archive" / "cdk.tf.json").read_text().startswith("{")
    assert "Node 20 is end-of-life" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cdktf.out"]


def test_failed_synth_leaves_the_previous_output_untouched(tmp_path, previous_output, monkeypatch):
    def app_failing_a_policy_check(config, *, outdir, final_outdir):
        app, stack = checked_stack(outdir)
        good_key(stack, enable_key_rotation=False)
        return app

    monkeypatch.setattr(app_module, "build_app", app_failing_a_policy_check)
    before = folder_contents(tmp_path)
    with pytest.raises(app_module.SynthError, match=r"\[CSL-KMS-1\]"):
        app_module.synthesize(load_config(DEFAULT_CONFIG), previous_output)
    assert folder_contents(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cdktf.out"]


def test_policy_findings_stop_the_synth_that_cdktf_runs(tmp_path, previous_output):
    # As `cdktf deploy` runs main.py: with the variable that tells cdktf's
    # synth to write its output despite error annotations.
    failing_app = (
        "import main\n"
        "main.import_provider_package()\n"
        "from stacks import app\n"
        "from tests.support.minimal_stacks import checked_stack, good_key\n"
        "def build_app(config, *, outdir, final_outdir):\n"
        "    built, stack = checked_stack(outdir)\n"
        "    good_key(stack, enable_key_rotation=False)\n"
        "    return built\n"
        "app.build_app = build_app\n"
        "raise SystemExit(main.main())\n"
    )
    before = folder_contents(tmp_path)
    env = {
        **os.environ,
        "SESSION_LOGS_CONFIG": str(DEFAULT_CONFIG),
        "CDKTF_OUTDIR": str(previous_output),
        "CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS": "true",
    }
    result = subprocess.run(
        [sys.executable, "-c", failing_app],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1, result.stderr
    assert "[CSL-KMS-1]" in result.stderr
    assert folder_contents(tmp_path) == before


def test_resynth_keeps_the_terraform_working_folder(tmp_path, previous_output):
    provider_link = previous_output / "stacks" / "log-archive" / ".terraform" / "providers"
    provider_link.mkdir(parents=True)
    app_module.synthesize(load_config(DEFAULT_CONFIG), previous_output)
    assert provider_link.is_dir()
    assert (
        previous_output / "stacks" / "log-archive" / "cdk.tf.json"
    ).read_text() != "earlier synth"


def test_synth_writes_the_committed_provider_lock_over_a_local_one(tmp_path, previous_output):
    lock = previous_output / "stacks" / "log-archive" / ".terraform.lock.hcl"
    lock.write_text("# provider hashes of some earlier init")
    app_module.synthesize(load_config(DEFAULT_CONFIG), previous_output)
    for stack in STACKS_IN_DEPLOY_ORDER:
        written = previous_output / "stacks" / stack / ".terraform.lock.hcl"
        committed = provider_locks.lock_file(stack)
        assert written.read_text() == committed.read_text()


def test_a_stack_without_a_committed_lock_stops_the_synth(tmp_path, monkeypatch):
    monkeypatch.setattr(provider_locks, "PROVIDER_LOCKS", tmp_path / "no-locks")
    outdir = tmp_path / "cdktf.out"
    with pytest.raises(app_module.SynthError, match="has no provider lock file"):
        app_module.synthesize(load_config(DEFAULT_CONFIG), outdir)
    assert not outdir.exists()
