"""Fuzzing the processor: a corrupted record fails alone, every good record comes out whole.

Seeded batches mix good CloudWatch Logs records with corrupted ones (bit
flips, truncations, garbage, valid gzip of invalid JSON, JSON of the wrong
shape). The handler must never raise; good records come out Ok with exactly
the lines and partition keys a model of the object format predicts, and
corrupted ones ProcessingFailed or Dropped.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import json
import random
import zlib

import pytest

from components.session_log_delivery.processor import processor_environment
from components.session_log_delivery.runtime import session_log_processor
from components.session_log_delivery.runtime.session_log_processor import handler
from config.names import Names

SEEDS = range(8)
BATCHES_PER_SEED = 60
RECORDS_PER_BATCH = 12  # half good, half corrupted: 5,760 corruptions over all seeds
STREAM_ARN = "arn:aws:firehose:eu-west-1:333333333333:deliverystream/central-session-logs-eu-west-1"
NAMES = Names(log_archive_account_id="333333333333", home_region="eu-west-1", bucket=None)
# Characters a terminal transcript holds: text, quotes, escapes, control codes, non-ASCII.
TRANSCRIPT_ALPHABET = "abcxyz019 $#/.-_{}[]\"'\\\n\r\t\x1b\x07é€😀"
# Gzip header bytes the format lets a reader ignore (flags' FTEXT bit, mtime,
# extra flags, OS): flipping them leaves a valid record, not a corrupted one.
IGNORED_GZIP_HEADER = range(3, 10)


@pytest.fixture(autouse=True)
def environment(monkeypatch):
    for variable, value in processor_environment(NAMES).items():
        monkeypatch.setenv(variable, value)


def text(rng: random.Random, longest: int) -> str:
    return "".join(rng.choice(TRANSCRIPT_ALPHABET) for _ in range(rng.randrange(longest)))


def session_event(rng: random.Random, session_id: str) -> dict:
    return {
        "eventVersion": "1.0",
        "eventTime": "2024-05-01 10:00:00",
        "awsRegion": rng.choice(["eu-west-1", "us-east-1"]),
        "target": {"id": f"i-{rng.getrandbits(64):016x}"},
        "userIdentity": {"arn": "arn:aws:sts::123456789012:assumed-role/Operator/alice"},
        "runAsUser": "ssm-user",
        "sessionId": session_id,
        "sessionData": [text(rng, 80) for _ in range(rng.randrange(1, 6))],
    }


def good_envelope(rng: random.Random) -> tuple[dict, list[dict]]:
    """An envelope of the sender's own session log group, and the lines it must become."""
    owner = f"{rng.randrange(10**12):012d}"
    session_id = f"user-{rng.getrandbits(68):017x}"
    context = {
        "account": owner,
        "logGroup": f"session-manager-log-{owner}",
        "logStream": session_id,
    }
    events, expected = [], []
    for n in range(rng.randrange(1, 8)):
        timestamp = 1700000000000 + n
        if rng.random() < 0.7:
            streamed = session_event(rng, session_id)
            message = json.dumps(streamed)
            identity = {"sessionId": session_id, "target": streamed["target"]["id"]}
            content = {"event": streamed}
        else:
            message = "$ " + text(rng, 200)  # an interactive-command transcript
            identity = {"sessionId": session_id, "target": None}
            content = {"message": message}
        events.append({"id": str(n), "timestamp": timestamp, "message": message})
        expected.append({**identity, **context, "timestamp": timestamp, **content})
    envelope = {
        "messageType": "DATA_MESSAGE",
        "owner": owner,
        "logGroup": context["logGroup"],
        "logStream": session_id,
        "subscriptionFilters": ["central-session-logs"],
        "logEvents": events,
    }
    return envelope, expected


def encoded(payload: bytes) -> str:
    return base64.b64encode(payload).decode()


def flip_bits(rng: random.Random, compressed: bytes) -> str:
    damaged = bytearray(compressed)
    positions = [p for p in range(len(damaged)) if p not in IGNORED_GZIP_HEADER]
    for position in rng.sample(positions, rng.randrange(1, 4)):
        damaged[position] ^= 1 << rng.randrange(8)
    return encoded(bytes(damaged))


def truncate(rng: random.Random, compressed: bytes) -> str:
    return encoded(compressed[: rng.randrange(len(compressed))])


def garbage(rng: random.Random, compressed: bytes) -> str:
    return encoded(rng.randbytes(rng.randrange(200)))


def not_base64(rng: random.Random, compressed: bytes) -> str:
    data = encoded(compressed)
    position = rng.randrange(len(data))
    return data[:position] + rng.choice("%*!? ") + data[position:]


def gzip_of_invalid_json(rng: random.Random, compressed: bytes) -> str:
    document = gzip.decompress(compressed)
    invalid = rng.choice(
        [
            document[: rng.randrange(1, len(document))],  # cut short
            document + b"}",  # trailing data
            b"\xff\xfe" + document,  # not UTF-8
            b"[" * 100_000,  # nested deeper than the parser recurses
            rng.randbytes(100),
        ]
    )
    return encoded(gzip.compress(invalid))


def wrong_shape(rng: random.Random, compressed: bytes) -> str:
    envelope = json.loads(gzip.decompress(compressed))
    event = envelope["logEvents"][0]
    # Every key but subscriptionFilters, which the processor has no use for.
    needed = rng.choice(["messageType", "owner", "logGroup", "logStream", "logEvents"])
    shapes = [
        [envelope],
        "DATA_MESSAGE",
        12,
        None,
        {key: value for key, value in envelope.items() if key != needed},
        {**envelope, "owner": int(envelope["owner"])},
        {**envelope, "owner": "not-an-account"},
        {**envelope, "logEvents": {"0": event}},
        {**envelope, "logEvents": [None]},
        {**envelope, "logEvents": [{**event, "message": 42}]},
        {**envelope, "logEvents": [{"id": "0", "message": "no timestamp"}]},
    ]
    return encoded(gzip.compress(json.dumps(rng.choice(shapes)).encode()))


def decodes_to(damaged: str, compressed: bytes) -> bool:
    """Whether damaged data still holds the same document: deflate can copy a run of
    equal bytes from more than one distance, so a flipped bit may change nothing."""
    try:
        return gzip.decompress(base64.b64decode(damaged, validate=True)) == gzip.decompress(
            compressed
        )
    except (binascii.Error, zlib.error, OSError, EOFError):
        return False


CORRUPTIONS = [flip_bits, truncate, garbage, not_base64, gzip_of_invalid_json, wrong_shape]


def fuzz_batch(rng: random.Random) -> tuple[dict, dict[str, list[dict] | None]]:
    """A Firehose event and, per record id, the lines it must become (None: corrupted)."""
    records, expected = [], {}
    for n in range(RECORDS_PER_BATCH // 2):
        envelope, lines = good_envelope(rng)
        compressed = gzip.compress(json.dumps(envelope).encode())
        records.append({"recordId": f"good-{n}", "data": encoded(compressed)})
        expected[f"good-{n}"] = lines
        corruption = rng.choice(CORRUPTIONS)
        damaged = corruption(rng, compressed)
        records.append({"recordId": f"bad-{n}", "data": damaged})
        expected[f"bad-{n}"] = lines if decodes_to(damaged, compressed) else None
    rng.shuffle(records)
    return {"deliveryStreamArn": STREAM_ARN, "records": records}, expected


def check(event: dict, expected: dict[str, list[dict] | None]) -> None:
    results = handler(event, None)["records"]
    assert [r["recordId"] for r in results] == [r["recordId"] for r in event["records"]]
    for result in results:
        lines = expected[result["recordId"]]
        if lines is None:
            assert result["result"] in ("ProcessingFailed", "Dropped"), result
            continue
        assert result["result"] == "Ok"
        assert result["metadata"]["partitionKeys"] == {
            "folder": NAMES.session_log_folder,
            "account": lines[0]["account"],
        }
        text = base64.b64decode(result["data"]).decode()
        assert [json.loads(line) for line in text.split("\n")[:-1]] == lines
        assert text.endswith("\n")


@pytest.mark.parametrize("seed", SEEDS)
def test_no_corruption_fails_a_batch_or_touches_a_good_record(seed):
    rng = random.Random(seed)
    for _ in range(BATCHES_PER_SEED):
        check(*fuzz_batch(rng))


def test_the_fuzz_finds_the_batch_failure_of_a_processor_that_misses_zlib_errors(monkeypatch):
    # The errors the processor caught before it caught zlib.error: the same
    # batches must then fail as a whole, so the fuzz test above can fail.
    before = (binascii.Error, OSError, EOFError, ValueError, KeyError, TypeError)
    monkeypatch.setattr(session_log_processor, "DECODING_ERRORS", before)
    rng = random.Random(SEEDS[0])
    with pytest.raises(zlib.error):
        for _ in range(BATCHES_PER_SEED):
            check(*fuzz_batch(rng))
