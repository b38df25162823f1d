"""What a rule reports about one resource."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    rule: str
    message: str
    # What within the resource the finding is about (a statement Sid), so a
    # suppression can cover one statement and not the whole policy.
    subject: str | None = None
