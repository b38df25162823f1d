"""Delivery errors: nothing new under the error prefix of the pair's region, or its quarantine prefix.

Firehose writes a region's failed records under
session-manager-errors/<region>/ (one listing per region, shared by its
pairs); the processor files records from foreign log groups under
session-manager-quarantine/<account>/<region>/ (one listing of the whole
folder, which holds only what went wrong, grouped by pair).
"""

from __future__ import annotations

from datetime import datetime

from tools.verify.checks.listing import counted, recent_objects
from tools.verify.result import FAIL, OK, CheckResult, Pair

NAME = "delivery_errors"


def region_errors(
    s3, *, bucket: str, error_folder: str, region: str, since: datetime
) -> list[dict]:
    return recent_objects(s3, bucket=bucket, prefix=f"{error_folder}/{region}/", since=since)


def quarantined_by_pair(
    s3, *, bucket: str, quarantine_folder: str, since: datetime
) -> dict[Pair, list[dict]]:
    pages = s3.get_paginator("list_objects_v2").paginate(
        Bucket=bucket, Prefix=f"{quarantine_folder}/"
    )
    grouped: dict[Pair, list[dict]] = {}
    for page in pages:
        for item in page.get("Contents", []):
            if item["LastModified"] >= since:
                _, account, region, *_ = item["Key"].split("/")
                grouped.setdefault((account, region), []).append(item)
    return grouped


def check_pair(
    *,
    error_folder: str,
    quarantine_folder: str,
    pair: Pair,
    errors_of_region: list[dict],
    quarantined: list[dict],
) -> CheckResult:
    account, region = pair
    problems = []
    if errors_of_region:
        problems.append(f"{counted(errors_of_region)} under {error_folder}/{region}/")
    if quarantined:
        problems.append(f"{counted(quarantined)} under {quarantine_folder}/{account}/{region}/")
    if problems:
        return CheckResult(FAIL, "; ".join(problems))
    return CheckResult(OK, "no error or quarantine objects")
