"""Firehose transformation: CloudWatch Logs subscription records into session transcripts.

Each record CloudWatch Logs puts into Firehose is one gzip-compressed JSON
envelope holding log events of one log group of one account. This function
decompresses it, keeps only the log events' messages (Session Manager writes
one JSON document per message), one per line, and returns the sending account
as the partition key that the stream's S3 prefix uses. README ("Session log
delivery") explains why a function does this rather than Firehose's built-in
decompression and message extraction.

Runs on the Lambda Python runtime with the standard library only.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import json

# Lambda's synchronous invocations return at most 6 MB (Firehose developer
# guide, "Transform source data"); records beyond this budget are marked
# ProcessingFailed, which sends them unchanged to the error prefix.
RESPONSE_BUDGET_BYTES = 5_500_000
PARTITION_KEY = "account"


def handler(event: dict, context: object) -> dict:
    results = []
    budget = RESPONSE_BUDGET_BYTES
    for record in event["records"]:
        result = transform(record)
        size = len(json.dumps(result))
        if size > budget:
            result = {"recordId": record["recordId"], "result": "ProcessingFailed"}
        else:
            budget -= size
        results.append(result)
    return {"records": results}


def transform(record: dict) -> dict:
    record_id = record["recordId"]
    try:
        envelope = json.loads(gzip.decompress(base64.b64decode(record["data"])))
        if envelope["messageType"] != "DATA_MESSAGE":
            # CONTROL_MESSAGE: CloudWatch Logs checking that the destination is reachable.
            return {"recordId": record_id, "result": "Dropped"}
        account = envelope["owner"]
        transcript = "".join(f"{event['message']}\n" for event in envelope["logEvents"])
    except (binascii.Error, OSError, EOFError, ValueError, KeyError, TypeError):
        return {"recordId": record_id, "result": "ProcessingFailed"}
    return {
        "recordId": record_id,
        "result": "Ok",
        "data": base64.b64encode(transcript.encode()).decode(),
        "metadata": {"partitionKeys": {PARTITION_KEY: account}},
    }
