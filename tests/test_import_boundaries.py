"""The AWS provider package is entered only through the door that imports it the fast way.

components/__init__.py and synth/policy_checks/__init__.py run the fast
import (synth/provider_import.py) before anything below them loads a resource
module. A provider import anywhere else could run first and load all 2,000+
resource modules; these tests make that order impossible to get wrong.
"""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from project import PROJECT_ROOT

PROVIDER_PACKAGE = "cdktf_cdktf_provider_aws"
# The packages whose __init__ runs the fast import.
DOORS = ("components", "synth/policy_checks")
PROJECT_PACKAGES = ("components", "config", "stacks", "synth", "tools")


def provider_imports(path) -> list[int]:
    """Line numbers of the imports of the provider package in one file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if _imported_module(node).startswith(PROVIDER_PACKAGE)
    ]


def _imported_module(node: ast.AST) -> str:
    if isinstance(node, ast.ImportFrom):
        return node.module or ""
    if isinstance(node, ast.Import):
        return " ".join(alias.name for alias in node.names)
    return ""


def project_modules():
    for package in PROJECT_PACKAGES:
        yield from sorted((PROJECT_ROOT / package).rglob("*.py"))
    yield PROJECT_ROOT / "main.py"


def test_only_modules_behind_a_door_import_the_provider_package():
    outside = [
        f"{path.relative_to(PROJECT_ROOT)}:{line}"
        for path in project_modules()
        if not any(path.relative_to(PROJECT_ROOT).as_posix().startswith(d + "/") for d in DOORS)
        for line in provider_imports(path)
    ]
    assert outside == []


def test_the_checker_finds_a_provider_import(tmp_path):
    module = tmp_path / "stray.py"
    module.write_text("import os\nfrom cdktf_cdktf_provider_aws.s3_bucket import S3Bucket\n")
    assert provider_imports(module) == [2]


@pytest.mark.parametrize(
    "module",
    [
        "stacks.app",
        "stacks.log_archive_stack",
        "components.central_bucket.construct",
        "synth.policy_checks",
    ],
)
def test_importing_any_entry_point_first_loads_the_provider_the_fast_way(module):
    # A fresh interpreter, so nothing is imported yet; the stock import loads
    # every resource module, the fast one only those the project uses.
    script = (
        f"import sys, {module}\n"
        f"print(sum(1 for m in sys.modules if m.startswith('{PROVIDER_PACKAGE}.')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    )
    assert int(result.stdout) < 100, result.stderr


@pytest.mark.parametrize("module", ["tools.verify.__main__", "tools.audit.__main__"])
def test_the_commands_that_read_aws_never_start_the_provider_bindings(module):
    # make verify and make audit read the indexer's names through
    # tools/indexer_runtime.py, not the components package.
    script = f"import sys, {module}\nprint(sorted({{m.split('.')[0] for m in sys.modules}}))"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    )
    loaded = result.stdout
    assert PROVIDER_PACKAGE not in loaded and "'jsii'" not in loaded, loaded
