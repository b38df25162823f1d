"""The verification's results: a table for people, failures first, and the JSON document."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

from tools.verify.result import FAIL, OK, SEVERITY, CheckResult, Pair, worst

# Quiet accounts warn in every region; past this many the table counts them.
WARN_LINES = 20

Results = Mapping[Pair, Mapping[str, CheckResult]]


def document(results: Results) -> dict:
    pairs = [
        {
            "account": account,
            "region": region,
            "status": worst(c.status for c in checks.values()),
            "checks": {
                name: {"status": c.status, "detail": c.detail} for name, c in checks.items()
            },
        }
        for (account, region), checks in sorted(results.items())
    ]
    summary = Counter(p["status"] for p in pairs)
    return {"pairs": pairs, "summary": {"pairs": len(pairs), **{s: summary[s] for s in SEVERITY}}}


def write_json(results: Results, path: Path) -> None:
    """Through a temporary file, so an interrupted run never leaves half a document."""
    temporary = path.with_name(f".{path.name}.partial")
    temporary.write_text(json.dumps(document(results), indent=2, sort_keys=True) + "\n")
    temporary.replace(path)


def table(results: Results, notes: Sequence[str] = ()) -> str:
    """One line per check that is not ok, failures first; the ok ones only counted.

    `notes` say once what was not checked for any pair, and why.
    """
    doc = document(results)
    rows = sorted(
        (SEVERITY.index(check["status"]), pair["account"], pair["region"], name, check)
        for pair in doc["pairs"]
        for name, check in pair["checks"].items()
        if check["status"] != OK
    )
    failures = [row for row in rows if row[4]["status"] == FAIL]
    warnings = [row for row in rows if row[4]["status"] != FAIL]
    lines = [f"{'status':<6} {'account':<12} {'region':<16} {'check':<16} detail"]
    lines += [
        f"{check['status']:<6} {account:<12} {region:<16} {name:<16} {check['detail']}"
        for _, account, region, name, check in failures + warnings[:WARN_LINES]
    ]
    if len(warnings) > WARN_LINES:
        lines.append(f"... and {len(warnings) - WARN_LINES} more warnings (--json lists them all)")
    lines += notes
    summary = doc["summary"]
    lines.append(
        f"{summary['pairs']} account-region pairs: {summary['fail']} fail, "
        f"{summary['warn']} warn, {summary['ok']} ok"
    )
    return "\n".join(lines)
