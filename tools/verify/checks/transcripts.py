"""Transcripts: objects arrived under session-manager/<account>/<region>/ since `since`.

No sessions in the window is a warning, not a failure: an account nobody
connected to has nothing to log.
"""

from __future__ import annotations

from datetime import datetime

from tools.verify.checks.listing import counted, recent_objects
from tools.verify.result import OK, WARN, CheckResult, Pair

NAME = "transcripts"


def check_pair(s3, *, bucket: str, folder: str, pair: Pair, since: datetime) -> CheckResult:
    account, region = pair
    prefix = f"{folder}/{account}/{region}/"
    objects = recent_objects(s3, bucket=bucket, prefix=prefix, since=since)
    if not objects:
        return CheckResult(WARN, f"no transcripts under {prefix} since {since:%Y-%m-%d %H:%M} UTC")
    return CheckResult(OK, f"{counted(objects)} under {prefix}")
