"""Attribution: accesses without their recording or transcripts, and recordings without an access.

The indexer marks each record whose document still lacks something
(`awaiting`, components/access_index/runtime/access_indexer.py), and the
table's sparse index holds only those, so one query per kind of gap finds
every gap of the organization, however many accesses it had. Only gaps
older than a grace period count: ssm-guiconnect processes a recording after
the connection ends, and Firehose buffers transcripts. A shell session's
transcripts are looked for in the bucket: objects of its account and region
written since it started.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from boto3.dynamodb.types import TypeDeserializer
from botocore.exceptions import ClientError

from tools.indexer_runtime import access_indexer
from tools.verify.checks.listing import MAX_KEYS, recent_objects
from tools.verify.result import FAIL, OK, CheckResult, Pair

NAME = "attribution"
# Recordings are processed after the connection ends ("Recording RDP
# connections": statuses Processing, then Finished); an hour is generous.
RECORDING_GRACE = timedelta(hours=1)
# A recording's connection event comes through EventBridge within seconds.
ACCESS_GRACE = timedelta(minutes=15)
# Beyond the buffering interval, the margin make verify --canary waits.
TRANSCRIPT_MARGIN = timedelta(minutes=2)
# Gaps named per pair before the rest are counted.
NAMED_GAPS = 3


def gaps_by_pair(
    dynamodb, *, table: str, since: datetime, now: datetime, buffering_seconds: int
) -> dict[Pair, list[dict]]:
    """Every record of the window still awaiting something past its grace, by (account, region)."""
    graces = {
        access_indexer.AWAITING_RECORDING: RECORDING_GRACE,
        access_indexer.AWAITING_ACCESS: ACCESS_GRACE,
        access_indexer.AWAITING_TRANSCRIPT: timedelta(seconds=buffering_seconds)
        + TRANSCRIPT_MARGIN,
    }
    found: dict[Pair, list[dict]] = {}
    try:
        for awaiting, grace in graces.items():
            for item in _awaiting(dynamodb, table, awaiting, since=since, until=now - grace):
                pair = (
                    item.get("account", "unknown"),
                    item.get("region") or item["fallback_region"],
                )
                found.setdefault(pair, []).append(item)
    except ClientError as error:
        if error.response["Error"]["Code"] != "ResourceNotFoundException":
            raise
        raise ValueError(
            f"the access index table {table} does not exist: apply the log-archive stack"
        ) from None
    return found


def _awaiting(
    dynamodb, table: str, awaiting: str, *, since: datetime, until: datetime
) -> Iterator[dict]:
    pages = dynamodb.get_paginator("query").paginate(
        TableName=table,
        IndexName=access_indexer.AWAITING_INDEX,
        KeyConditionExpression="#awaiting = :awaiting AND #first BETWEEN :since AND :until",
        ExpressionAttributeNames={
            "#awaiting": access_indexer.AWAITING,
            "#first": access_indexer.FIRST_SEEN,
        },
        ExpressionAttributeValues={
            ":awaiting": {"S": awaiting},
            ":since": {"S": _instant(since)},
            ":until": {"S": _instant(until)},
        },
    )
    values = TypeDeserializer()
    for page in pages:
        yield from ({k: values.deserialize(v) for k, v in i.items()} for i in page["Items"])


def check_pair(
    s3, *, bucket: str, transcript_folder: str, pair: Pair, gaps: list[dict], since: datetime
) -> CheckResult:
    latest = _latest_transcript(s3, bucket, transcript_folder, pair, gaps)
    problems = [p for p in (_problem(g, latest) for g in gaps) if p]
    if not problems:
        return CheckResult(OK, f"every access since {since:%Y-%m-%d %H:%M} UTC has what it should")
    named = "; ".join(sorted(problems)[:NAMED_GAPS])
    more = f"; and {len(problems) - NAMED_GAPS} more" if len(problems) > NAMED_GAPS else ""
    return CheckResult(FAIL, named + more)


def _latest_transcript(
    s3, bucket: str, folder: str, pair: Pair, gaps: list[dict]
) -> datetime | None:
    """When the pair's newest transcript object was written: one listing for all its sessions."""
    starts = [
        datetime.fromisoformat(g["start"])
        for g in gaps
        if g[access_indexer.AWAITING] == access_indexer.AWAITING_TRANSCRIPT
    ]
    if not starts:
        return None
    account, region = pair
    prefix = f"{folder}/{account}/{region}/"
    objects = recent_objects(s3, bucket=bucket, prefix=prefix, since=min(starts))
    if len(objects) >= MAX_KEYS:
        return datetime.max.replace(tzinfo=min(starts).tzinfo)  # A busy pair: logging, surely.
    return max((o["LastModified"] for o in objects), default=None)


def _problem(item: dict, latest_transcript: datetime | None) -> str | None:
    awaiting = item[access_indexer.AWAITING]
    if awaiting == access_indexer.AWAITING_RECORDING:
        return f"RDP connection {item['id']} (started {item['start']}) has no recording"
    if awaiting == access_indexer.AWAITING_ACCESS:
        return f"recording {item['recording_key']} has no access event"
    if latest_transcript and latest_transcript >= datetime.fromisoformat(item["start"]):
        return None
    return f"session {item['id']} (started {item['start']}) has no transcripts since"


def _instant(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
