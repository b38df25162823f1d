"""Waits for jsii's runtime index of the AWS provider, so that synths start warm.

How jsii (1.142, the version Pipfile.lock pins) behaves, read from its kernel
(the bundled `jsii/_embedded/jsii/lib__program.js`, `loadRuntimeAssembly` and
`buildIndexInWorker`): the kernel unpacks every package into its package cache
(`JSII_RUNTIME_PACKAGE_CACHE_ROOT`, else `~/.cache/aws/jsii/package-cache` on
Linux). When that copy has no runtime index, it parses the whole assembly
(`.jsii`, 120 MB for @cdktf/provider-aws) and starts a worker thread that
writes `.jsii.runtime-index.v1`, `.jsii.runtime-defs.v1.jsonl` and, last, the
manifest `.jsii.runtime.v1.json`. A worker thread dies with its Node process,
and a fast synth ends before the provider's worker is done, so without a wait
the index never appears and every synth parses the 120 MB again (about 1.1 GB
of memory). With the manifest there, the kernel reads types from the index on
demand instead.
"""

from __future__ import annotations

import os
import sys
import time
from importlib import metadata
from pathlib import Path

from synth.provider_import import import_provider_package

CACHE_ROOT_ENV_VAR = "JSII_RUNTIME_PACKAGE_CACHE_ROOT"
# Written last by the worker (atomically), so its presence means a whole index.
INDEX_MANIFEST = ".jsii.runtime.v1.json"
PROVIDER_NPM_PACKAGE = "@cdktf/provider-aws"
# The Python bindings carry the npm package of the same version.
PROVIDER_PYTHON_DISTRIBUTION = "cdktf-cdktf-provider-aws"
# Measured on the 2-core machine: about 4 s after the import; ample for a slow runner.
DEFAULT_WAIT_SECONDS = 180
_POLL_SECONDS = 0.1


def package_cache_root() -> Path:
    """Where jsii keeps its package cache: its own rule for Linux and macOS."""
    configured = os.environ.get(CACHE_ROOT_ENV_VAR)
    if configured:
        return Path(configured)
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "com.amazonaws.jsii" / "package-cache"
    return Path.home() / ".cache" / "aws" / "jsii" / "package-cache"


def provider_index_manifests(root: Path | None = None) -> list[Path]:
    version = metadata.version(PROVIDER_PYTHON_DISTRIBUTION)
    package = (root or package_cache_root()) / PROVIDER_NPM_PACKAGE / version
    return sorted(package.glob(f"*/{INDEX_MANIFEST}"))


def provider_index_exists() -> bool:
    return bool(provider_index_manifests())


def wait_for_provider_index(timeout_seconds: float = DEFAULT_WAIT_SECONDS) -> bool:
    """Keeps this process (and so jsii's Node process) alive until the index is written.

    Loading the provider package is what starts the worker, so this loads it
    first when nothing has. True when the index exists, False on timeout.
    """
    if provider_index_exists():
        return True
    import_provider_package()
    deadline = time.monotonic() + timeout_seconds
    while not provider_index_exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(_POLL_SECONDS)
    return True


def main() -> int:
    """`python -m synth.jsii_cache`: run once by the set-up of .venv."""
    started = time.monotonic()
    if not wait_for_provider_index():
        print(
            f"note: jsii did not write its runtime index for {PROVIDER_NPM_PACKAGE} within "
            f"{DEFAULT_WAIT_SECONDS} s under {package_cache_root()}; synths stay slow until "
            "it does (docs: BENCHMARKS.md, 'Cold and warm')",
            file=sys.stderr,
        )
        return 0
    print(
        f"jsii runtime index for {PROVIDER_NPM_PACKAGE} ready after "
        f"{time.monotonic() - started:.1f} s under {package_cache_root()}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
