"""Canary: one event put into the pair's session log group, waited for in the bucket.

The end-to-end check the original article did by hand. The event goes
through the member account's verifier role (verify.canary_role) into a log
stream named with Names.canary_stream_prefix; the subscription, the
destination, Firehose and the processor carry it like any session's, and
the processor files it under the canary folder, so transcripts never hold
it. Firehose writes when its buffer fills or its interval passes, so the
wait is the buffering interval and a margin.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from datetime import datetime

from tools.verify.checks.listing import recent_objects
from tools.verify.result import FAIL, OK, CheckResult, Pair

NAME = "canary"
POLL_SECONDS = 10


def put_event(logs, *, log_group: str, stream: str, run_id: str) -> None:
    logs.create_log_stream(logGroupName=log_group, logStreamName=stream)
    logs.put_log_events(
        logGroupName=log_group,
        logStreamName=stream,
        logEvents=[
            {
                "timestamp": int(time.time() * 1000),
                "message": json.dumps({"canary": run_id, "by": "make verify"}),
            }
        ],
    )


def wait_for_objects(
    s3,
    *,
    bucket: str,
    folder: str,
    pairs: Sequence[Pair],
    since: datetime,
    wait_seconds: float,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[Pair, CheckResult]:
    started = time.monotonic()
    pending, results = list(pairs), {}
    while True:
        for pair in list(pending):
            account, region = pair
            prefix = f"{folder}/{account}/{region}/"
            if recent_objects(s3, bucket=bucket, prefix=prefix, since=since):
                elapsed = time.monotonic() - started
                results[pair] = CheckResult(OK, f"delivered to {prefix} after {elapsed:.0f} s")
                pending.remove(pair)
        if not pending or time.monotonic() - started >= wait_seconds:
            break
        sleep(POLL_SECONDS)
    for account, region in pending:
        results[account, region] = CheckResult(
            FAIL, f"not delivered to {folder}/{account}/{region}/ within {wait_seconds:.0f} s"
        )
    return results
