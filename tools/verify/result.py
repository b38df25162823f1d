"""What one check says of one (account, region) pair."""

from __future__ import annotations

from dataclasses import dataclass

OK, WARN, FAIL = "ok", "warn", "fail"
# Worst first: a pair's status is its worst check's.
SEVERITY = (FAIL, WARN, OK)

Pair = tuple[str, str]


@dataclass(frozen=True)
class CheckResult:
    status: str
    detail: str


def worst(statuses) -> str:
    statuses = set(statuses)
    return next(s for s in SEVERITY if s in statuses) if statuses else OK
