"""The fast provider import: same Terraform as the stock import, and a loud fallback."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from project import PROJECT_ROOT
from stacks.registry import STACKS_IN_DEPLOY_ORDER
from synth.provider_import import PACKAGE, STOCK_IMPORT_ENV_VAR
from tests.support.configs import THREE_REGIONS_CONFIG
from tests.support.synth import run_main

LAZY_INDEX = PROJECT_ROOT / "synth" / "lazy_provider_index.js"
PROVIDER_INDEX_HEAD = (
    '"use strict";\n'
    "/**\n * Copyright (c) HashiCorp, Inc.\n */\n"
    'Object.defineProperty(exports, "__esModule", { value: true });\n'
    "exports.s3Bucket = exports.kmsKey = void 0;\n"
)


def synth(outdir: Path, *, stock: bool) -> subprocess.CompletedProcess[str]:
    return run_main(THREE_REGIONS_CONFIG, outdir, **{STOCK_IMPORT_ENV_VAR: "1" if stock else "0"})


def stack_files(outdir: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(outdir)): path.read_bytes()
        for path in sorted((outdir / "stacks").rglob("cdk.tf.json"))
    }


def test_fast_and_stock_imports_synthesize_identical_files(tmp_path, three_region_synth):
    # Both synth in separate processes at once; the stock one dominates the wait.
    with ThreadPoolExecutor(max_workers=2) as pool:
        stock = pool.submit(synth, tmp_path / "stock", stock=True)
        fast = pool.submit(synth, tmp_path / "fast", stock=False)
    for result in (stock.result(), fast.result()):
        assert result.returncode == 0, result.stderr
    stock_files, fast_files = stack_files(tmp_path / "stock"), stack_files(tmp_path / "fast")
    assert sorted(fast_files) == [
        f"stacks/{stack}/cdk.tf.json" for stack in sorted(STACKS_IN_DEPLOY_ORDER)
    ]
    assert fast_files == stock_files
    # The app runs with -O, without jsii's Python-side type checks; the tests'
    # own synth of the same config runs with them, and writes the same files.
    assert fast_files == stack_files(three_region_synth.outdir)


def test_unexpected_package_layout_falls_back_and_says_so_once(tmp_path):
    package = tmp_path / PACKAGE
    package.mkdir()
    (package / "__init__.py").write_text("LOADED_NORMALLY = True\n")
    script = (
        "import cdktf_cdktf_provider_aws as p\n"
        "from synth.provider_import import import_provider_package\n"
        "import sys; del sys.modules['cdktf_cdktf_provider_aws']\n"
        "import_provider_package(); import_provider_package()\n"
        "print(sys.modules['cdktf_cdktf_provider_aws'].LOADED_NORMALLY)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(PROJECT_ROOT)])}
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"
    assert result.stderr.count("does not have the layout") == 1


def test_fast_import_loads_only_the_resource_modules_asked_for():
    script = (
        "from synth.provider_import import import_provider_package\n"
        "import_provider_package()\n"
        "from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket\n"
        "import sys\n"
        "print(sorted({m.split('.')[1] for m in sys.modules if m.startswith('cdktf_cdktf_provider_aws.')}))\n"
    )
    env = {**os.environ, STOCK_IMPORT_ENV_VAR: "0"}
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, cwd=PROJECT_ROOT
    )
    assert result.returncode == 0, result.stderr
    # _jsii holds the assembly; _private is what publication.publish() leaves.
    assert result.stdout.strip() == "['_jsii', '_private', 's3_bucket']"


def fake_provider_package(root: Path, index: str) -> Path:
    """node_modules/@cdktf/provider-aws whose resource modules record that they were loaded."""
    lib = root / "node_modules" / "@cdktf" / "provider-aws" / "lib"
    for name in ("kms-key", "s3-bucket"):
        (lib / name).mkdir(parents=True)
        (lib / name / "index.js").write_text(
            f"(globalThis.loaded ||= []).push({name!r}); exports.name = {name!r};\n"
        )
    (lib / "index.js").write_text(index)
    (lib.parent / "package.json").write_text(
        '{"name": "@cdktf/provider-aws", "main": "lib/index.js"}'
    )
    return root


def node_requiring_provider(root: Path, script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["node", "--require", str(LAZY_INDEX), "-e", script],
        cwd=root, capture_output=True, text=True,
    )  # fmt: skip


def test_lazy_index_loads_a_resource_module_on_first_use(tmp_path):
    index = PROVIDER_INDEX_HEAD + (
        'exports.kmsKey = require("./kms-key");\n'
        'exports.s3Bucket = require("./s3-bucket");\n'
        "//# sourceMappingURL=data:application/json;base64,e30=\n"
    )
    root = fake_provider_package(tmp_path, index)
    script = (
        "const p = require('@cdktf/provider-aws');"
        "console.log(JSON.stringify(globalThis.loaded || []));"
        "console.log(p.s3Bucket.name, JSON.stringify(globalThis.loaded));"
        "console.log(Object.keys(p).sort().join(','));"
    )
    result = node_requiring_provider(root, script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["[]", 's3-bucket ["s3-bucket"]', "kmsKey,s3Bucket"]
    assert result.stderr == ""


def test_unexpected_index_is_loaded_whole_with_a_note(tmp_path):
    index = PROVIDER_INDEX_HEAD + (
        'exports.kmsKey = require("./kms-key");\n'
        "globalThis.sideEffect = true;\n"
        'exports.s3Bucket = require("./s3-bucket");\n'
    )
    root = fake_provider_package(tmp_path, index)
    script = "require('@cdktf/provider-aws'); console.log(JSON.stringify(globalThis.loaded));"
    result = node_requiring_provider(root, script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == '["kms-key","s3-bucket"]'
    assert result.stderr.count("does not have the layout") == 1
