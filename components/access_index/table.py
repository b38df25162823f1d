"""The indexer's DynamoDB table: its key and the sparse index of accesses still lacking something.

The construct builds the table from these, and the tests and the verify
bench create the same table in the emulator with `create_table_request`.
"""

from __future__ import annotations

# Only records whose document lacks its recording, its access event or (for
# shell sessions) may lack transcripts carry AWAITING, so its index holds
# just those (DynamoDB developer guide, "Take advantage of sparse indexes").
from components.access_index.runtime.access_indexer import (
    AWAITING,
    AWAITING_INDEX,
    FIRST_SEEN,
    KEY,
)


def create_table_request(table_name: str) -> dict:
    """CreateTable's arguments for the table the construct creates (on demand, same keys)."""
    return {
        "TableName": table_name,
        "KeySchema": [{"AttributeName": KEY, "KeyType": "HASH"}],
        "AttributeDefinitions": [
            {"AttributeName": name, "AttributeType": "S"} for name in (KEY, AWAITING, FIRST_SEEN)
        ],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": AWAITING_INDEX,
                "KeySchema": [
                    {"AttributeName": AWAITING, "KeyType": "HASH"},
                    {"AttributeName": FIRST_SEEN, "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        "BillingMode": "PAY_PER_REQUEST",
    }
