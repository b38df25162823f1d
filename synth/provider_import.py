"""Imports the AWS provider bindings without loading all 2,000+ resource modules.

Both halves of the bindings load every resource type up front, which is most
of a synth's time and memory:

- Python: the package's `__init__.py` ends with one `from . import <resource>`
  per resource type. Those imports only register Python classes with the jsii
  runtime. Executing the `__init__.py` up to that block gives the same package,
  and each `from cdktf_cdktf_provider_aws.<resource> import ...` then loads
  just that resource.
- Node: jsii's kernel requires the JavaScript package, whose index requires
  every resource module. lazy_provider_index.js, preloaded into the kernel's
  Node process, turns that index into getters.

tests/test_provider_import.py checks that both ways synthesize byte-identical
Terraform.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PACKAGE = "cdktf_cdktf_provider_aws"
EAGER_IMPORTS_MARKER = (
    "# Loading modules to ensure their types are registered with the jsii runtime library"
)
# Set to 1 to load the package the stock way (for comparisons and benchmarks).
STOCK_IMPORT_ENV_VAR = "SESSION_LOGS_STOCK_PROVIDER_IMPORT"

_SUBMODULE_IMPORT = re.compile(r"from \. import \w+")
_LAZY_NODE_INDEX = Path(__file__).with_name("lazy_provider_index.js")


def import_provider_package() -> None:
    """Loads the package once per process, the fast way unless that is impossible or unwanted."""
    if PACKAGE in sys.modules:
        return
    if os.environ.get(STOCK_IMPORT_ENV_VAR) == "1":
        importlib.import_module(PACKAGE)
        return
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(f"{PACKAGE} is not installed; run `make synth` to set up")
    head = _package_head(Path(spec.origin))
    if head is None:
        print(
            f"note: {PACKAGE} does not have the layout synth/provider_import.py expects; "
            "importing it the normal (slower) way",
            file=sys.stderr,
        )
        importlib.import_module(PACKAGE)
        return
    _execute_as_package(spec, head)


def _package_head(init_file: Path) -> str | None:
    """The `__init__.py` source before its eager imports, if nothing else follows them."""
    head, marker, tail = init_file.read_text(encoding="utf-8").partition(EAGER_IMPORTS_MARKER)
    lines = [line.strip() for line in tail.splitlines() if line.strip()]
    if not marker or not lines or not all(_SUBMODULE_IMPORT.fullmatch(line) for line in lines):
        return None
    return head


def _execute_as_package(spec: importlib.machinery.ModuleSpec, source: str) -> None:
    module = importlib.util.module_from_spec(spec)
    sys.modules[PACKAGE] = module
    try:
        with _node_preloading(_LAZY_NODE_INDEX):
            # The package's head starts jsii's Node process (unless an earlier
            # import did), which reads NODE_OPTIONS once, at its start.
            exec(compile(source, spec.origin, "exec"), module.__dict__)
    except BaseException:
        del sys.modules[PACKAGE]
        raise


@contextmanager
def _node_preloading(script: Path) -> Iterator[None]:
    previous = os.environ.get("NODE_OPTIONS")
    os.environ["NODE_OPTIONS"] = f'{previous or ""} --require "{script}"'.strip()
    try:
        yield
    finally:
        if previous is None:
            del os.environ["NODE_OPTIONS"]
        else:
            os.environ["NODE_OPTIONS"] = previous
