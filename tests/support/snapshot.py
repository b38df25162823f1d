"""Compares generated files with the reviewed copies under tests/snapshots/."""

from __future__ import annotations

import difflib
import os
from pathlib import Path

SNAPSHOTS = Path(__file__).parent.parent / "snapshots"
UPDATE_ENV_VAR = "UPDATE_SNAPSHOTS"


def assert_matches_snapshot(name: str, actual: str) -> None:
    """Fails with a diff when `actual` differs; UPDATE_SNAPSHOTS=1 rewrites the snapshot instead."""
    path = SNAPSHOTS / name
    if os.environ.get(UPDATE_ENV_VAR) == "1":
        path.write_text(actual, encoding="utf-8")
        return
    expected = path.read_text(encoding="utf-8") if path.exists() else ""
    if actual != expected:
        diff = difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            fromfile=f"tests/snapshots/{name}",
            tofile="synthesized",
        )
        raise AssertionError(
            f"{name} changed; review the diff, then run `UPDATE_SNAPSHOTS=1 make test` "
            "to accept it:\n" + "".join(diff)
        )
