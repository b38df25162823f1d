"""The tests' own layout: test modules share code through tests/support/, never through each other.

A helper imported from a test module drags that module's tests into the
importer's namespace and hides where the helper lives; one imported from a
conftest.py couples the two files' fixtures. Shared helpers and constants are
in tests/support/ (and tests/e2e/support.py), and a conftest.py keeps only
fixtures and pytest hooks.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
PROJECT = TESTS.parent


def imported_modules(path: Path, root: Path) -> list[tuple[int, str]]:
    """Each module the file below `root` imports (relative imports resolved), with its line."""
    package = ".".join(path.relative_to(root).parent.parts)
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            found.append((node.lineno, base))
            if not is_test_module_or_conftest(base):
                # `from tests import test_x` imports the module test_x.
                found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def is_test_module_or_conftest(module: str) -> bool:
    return any(part.startswith("test_") or part == "conftest" for part in module.split("."))


def forbidden_imports(path: Path, root: Path = PROJECT) -> list[str]:
    return [
        f"{path.relative_to(root)}:{line} imports {module}"
        for line, module in imported_modules(path, root)
        if is_test_module_or_conftest(module)
    ]


def not_fixtures_or_hooks(conftest: Path) -> list[str]:
    """What a conftest.py defines at its top level besides fixtures and pytest hooks."""
    found = []
    for node in ast.parse(conftest.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef):
            if not (node.name.startswith("pytest_") or any(map(_is_fixture, node.decorator_list))):
                found.append(f"function {node.name}")
        elif isinstance(node, ast.ClassDef):
            found.append(f"class {node.name}")
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            found += [f"name {ast.unparse(target)}" for target in targets]
    return found


def _is_fixture(decorator: ast.expr) -> bool:
    called = decorator.func if isinstance(decorator, ast.Call) else decorator
    return ast.unparse(called) in ("pytest.fixture", "fixture")


def test_no_test_file_imports_a_test_module_or_a_conftest():
    offending = [line for path in sorted(TESTS.rglob("*.py")) for line in forbidden_imports(path)]
    assert offending == []


@pytest.mark.parametrize("conftest", sorted(TESTS.rglob("conftest.py")), ids=str)
def test_conftest_files_hold_only_fixtures_and_hooks(conftest):
    assert not_fixtures_or_hooks(conftest) == []


@pytest.mark.parametrize(
    ("source", "imported"),
    [
        ("from tests.test_main import run_main", "tests.test_main"),
        ("from tests.conftest import DEFAULT_CONFIG", "tests.conftest"),
        ("from tests.e2e.conftest import HOME_REGION", "tests.e2e.conftest"),
        ("import tests.test_main", "tests.test_main"),
        ("from tests import test_main", "tests.test_main"),
        ("from . import conftest", "tests.conftest"),
        ("from .test_main import run_main", "tests.test_main"),
    ],
)
def test_the_checker_finds_each_way_of_importing_a_test_module(tmp_path, source, imported):
    module = tmp_path / "tests" / "test_stray.py"
    module.parent.mkdir()
    module.write_text(f"import json\nfrom tests.support.configs import FIXTURES\n{source}\n")
    assert forbidden_imports(module, tmp_path) == [f"tests/test_stray.py:3 imports {imported}"]


def test_the_checker_finds_a_helper_in_a_conftest(tmp_path):
    conftest = tmp_path / "conftest.py"
    conftest.write_text(
        "import pytest\n"
        "REGION = 'us-east-1'\n"
        "@pytest.fixture\n"
        "def region():\n    return REGION\n"
        "def pytest_configure(config):\n    pass\n"
        "def helper():\n    pass\n"
    )
    assert not_fixtures_or_hooks(conftest) == ["name REGION", "function helper"]
