"""Reading the access index: one record by id, or the documents of an account in a window."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta

from botocore.exceptions import ClientError

from config.names import Names
from tools.indexer_runtime import access_indexer

KINDS = ("session", "rdp")
CONNECTION_ID, CONNECTION_TAG = access_indexer.CONNECTION_ID, access_indexer.CONNECTION_TAG


class NotIndexed(LookupError):
    pass


class AccessIndexReader:
    def __init__(self, *, names: Names, s3, dynamodb) -> None:
        self._names, self._s3, self._dynamodb = names, s3, dynamodb

    def who(self, identifier: str) -> dict:
        """The document of a session id, a connection id or a recording's object key."""
        for key in self._record_keys(identifier):
            item = self._dynamodb.get_item(
                TableName=self._names.access_records_table,
                Key={access_indexer.KEY: {"S": key}},
                ConsistentRead=True,
            ).get("Item")
            if item and "location" in item:
                return self._document(item["location"]["S"])
        raise NotIndexed(f"{identifier!r} is not in the access index")

    def _record_keys(self, identifier: str) -> Iterator[str]:
        if CONNECTION_ID.fullmatch(identifier):
            yield f"rdp#{identifier.lower()}"
            return
        yield f"session#{identifier}"
        connection = self._recording_connection(identifier)
        if connection:
            yield f"rdp#{connection}"

    def _recording_connection(self, key: str) -> str | None:
        """A recording names its connection in the tag the indexer gave it, or in its key."""
        try:
            tags = self._s3.get_object_tagging(Bucket=self._names.bucket, Key=key)["TagSet"]
        except ClientError:  # Not an object of the bucket, or not one we may read.
            tags = []
        tagged = {t["Key"]: t["Value"] for t in tags}.get(CONNECTION_TAG)
        match = CONNECTION_ID.search(key)
        return tagged or (match[0].lower() if match else None)

    def accesses(
        self, *, account: str, regions: list[str], since: datetime, until: datetime
    ) -> list[dict]:
        """Every session and connection of the account that started in the window, oldest first."""
        found = []
        for kind in KINDS:
            for region in regions:
                for day in _days(since, until):
                    prefix = f"{self._names.access_index_folder}/{kind}/{account}/{region}/{day}/"
                    found += [
                        d
                        for d in map(self._document, self._keys(prefix))
                        if d["start"] and since <= datetime.fromisoformat(d["start"]) <= until
                    ]
        return sorted(found, key=lambda d: (d["start"], d["kind"], d["id"]))

    def _keys(self, prefix: str) -> Iterator[str]:
        pages = self._s3.get_paginator("list_objects_v2").paginate(
            Bucket=self._names.bucket, Prefix=prefix
        )
        for page in pages:
            yield from (o["Key"] for o in page.get("Contents", []))

    def _document(self, key: str) -> dict:
        body = self._s3.get_object(Bucket=self._names.bucket, Key=key)["Body"].read()
        return {**json.loads(body), "index_key": key}


def _days(since: datetime, until: datetime) -> Iterator[str]:
    day = since.date()
    while day <= until.date():
        yield f"{day:%Y/%m/%d}"
        day += timedelta(days=1)
