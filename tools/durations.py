"""Windows like 24h or 7d, as make verify and make audit take them."""

from __future__ import annotations

import re
from datetime import timedelta

DURATION = re.compile(r"(\d+)([hd])")


def parse_duration(text: str, *, option: str = "--since") -> timedelta:
    match = DURATION.fullmatch(text)
    if not match:
        raise ValueError(f"{option} {text!r}: expected hours or days, like 24h or 7d")
    amount, unit = int(match[1]), match[2]
    return timedelta(hours=amount) if unit == "h" else timedelta(days=amount)
