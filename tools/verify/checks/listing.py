"""Objects written under a prefix since a time: one listing per prefix, never a call per object.

Firehose writes keys under <prefix>yyyy/MM/dd/, the day a record arrived
(the streams' S3 prefixes, components/session_log_delivery/construct.py),
and the object's LastModified is when it was delivered, up to a buffer
later. So the listing starts after everything before the day before
`since` (StartAfter), and LastModified decides. A stream writes one object
per buffer and partition, at most 1,440 a day at the shortest 60-second
buffer, so the listing reads a few pages at most before it stops.
"""

from __future__ import annotations

from datetime import datetime, timedelta

# Enough to tell "some" from "none"; the count says "at least" beyond it.
MAX_KEYS = 1000


def recent_objects(s3, *, bucket: str, prefix: str, since: datetime) -> list[dict]:
    # S3 lists LastModified to the second ("2009-10-12T17:50:30.000Z", S3 API
    # reference, ListObjectsV2): an object written in the same second as
    # `since` must still count.
    since = since.replace(microsecond=0)
    start_after = f"{prefix}{(since - timedelta(days=1)):%Y/%m/%d}/"
    pages = s3.get_paginator("list_objects_v2").paginate(
        Bucket=bucket, Prefix=prefix, StartAfter=start_after
    )
    recent: list[dict] = []
    for page in pages:
        recent += [o for o in page.get("Contents", []) if o["LastModified"] >= since]
        if len(recent) >= MAX_KEYS:
            break
    return recent


def counted(objects: list[dict]) -> str:
    """ "1 object", "3 objects", "at least 1000 objects"."""
    at_least = "at least " if len(objects) >= MAX_KEYS else ""
    return f"{at_least}{len(objects)} object{'' if len(objects) == 1 else 's'}"
