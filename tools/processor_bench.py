"""The processor half of `make bench`: the Firehose processor on the largest batch Firehose sends.

Builds 3 MB of gzip-compressed CloudWatch Logs records holding streamed
Session Manager events with terminal output, runs the handler on them, and
next to it the floor: gzip decompression plus json.loads of the same records
in the same Python. Reports throughput in MB/s of compressed input, the peak
memory the handler allocates (tracemalloc), and the Lambda cost per GB of
session logs at the processor's configured memory size.
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import io
import json
import os
import random
import statistics
import time
import tracemalloc
from dataclasses import dataclass
from unittest import mock

from components.session_log_delivery.processor import PROCESSOR_MEMORY_MB, processor_environment
from components.session_log_delivery.runtime.session_log_processor import handler
from config.names import Names

# "The buffer size ranges from 0.2 MB up to 3 MB" (Firehose developer guide,
# "Transform source data"): the largest batch a transformation receives.
BATCH_BYTES = 3 * 1000 * 1000
# AWS Lambda pricing page, x86, US East (N. Virginia), first tier; list prices
# read on 2026-12-03, before any free tier or Savings Plan.
PRICE_PER_GB_SECOND = 0.0000166667
PRICE_PER_REQUEST = 0.0000002
# "At 1,769 MB, a function has the equivalent of one vCPU" (Lambda developer
# guide, "Configure Lambda function memory"): below it, CPU time stretches.
ONE_VCPU_MB = 1769
TARGET_FLOOR_SHARE = 0.5
EVENTS_PER_RECORD = 40
ROUNDS = 15
NAMES = Names(log_archive_account_id="333333333333", home_region="eu-west-1", bucket=None)
STREAM_ARN = "arn:aws:firehose:eu-west-1:333333333333:deliverystream/central-session-logs-eu-west-1"

COMMANDS = [
    "ls -la /var/log",
    "sudo systemctl status nginx",
    "tail -n 20 app.log",
    "df -h",
    "ps aux",
]


@dataclass(frozen=True)
class Figures:
    compressed_bytes: int
    message_bytes: int
    records: int
    processor_seconds: float
    floor_seconds: float
    floor_share: float
    unavoidable_seconds: float
    unavoidable_share: float
    peak_bytes: int
    ok_records: int


def terminal_output(rng: random.Random) -> list[str]:
    """What a shell session streams: a prompt and command, then lines of output with colours."""
    command = rng.choice(COMMANDS)
    lines = [
        f"\x1b[32mssm-user@ip-10-0-{rng.randrange(256)}-{rng.randrange(256)}\x1b[0m:~$ {command}"
    ]
    for _ in range(rng.randrange(3, 25)):
        size = rng.randrange(10**7)
        name = f"{rng.choice(['app', 'syslog', 'auth', 'kern', 'nginx'])}.{rng.randrange(40)}.log"
        lines.append(f"-rw-r----- 1 root adm {size:>9} May  1 10:{rng.randrange(60):02d} {name}")
    return lines


def session_record(rng: random.Random, account: str) -> bytes:
    session_id = f"operator-{rng.getrandbits(68):017x}"
    target = {"id": f"i-{rng.getrandbits(64):016x}"}  # a session reaches one instance
    events = []
    for n in range(EVENTS_PER_RECORD):
        streamed = {
            "eventVersion": "1.0",
            "eventTime": f"2025-05-01 10:{n % 60:02d}:00",
            "awsRegion": "eu-west-1",
            "target": target,
            "userIdentity": {"arn": f"arn:aws:sts::{account}:assumed-role/Operator/alice"},
            "runAsUser": "ssm-user",
            "sessionId": session_id,
            "sessionData": terminal_output(rng),
        }
        events.append(
            {"id": str(n), "timestamp": 1746093600000 + n, "message": json.dumps(streamed)}
        )
    envelope = {
        "messageType": "DATA_MESSAGE",
        "owner": account,
        "logGroup": f"{NAMES.member_log_group_prefix}{account}",
        "logStream": session_id,
        "subscriptionFilters": [NAMES.member_subscription_filter],
        "logEvents": events,
    }
    return gzip.compress(json.dumps(envelope).encode())


def largest_batch(seed: int = 0) -> list[bytes]:
    rng = random.Random(seed)
    records, total = [], 0
    while total < BATCH_BYTES:
        record = session_record(rng, f"{rng.randrange(10**12):012d}")
        records.append(record)
        total += len(record)
    return records


def firehose_event(records: list[bytes]) -> dict:
    return {
        "deliveryStreamArn": STREAM_ARN,
        "records": [
            {"recordId": str(n), "data": base64.b64encode(r).decode()}
            for n, r in enumerate(records)
        ],
    }


def floor(records: list[bytes]) -> None:
    for record in records:
        json.loads(gzip.decompress(record))


def unavoidable_steps(event: dict) -> None:
    """What any processor writing this object format must do, and nothing else.

    Decode each record's base64, decompress and parse it, parse every message
    (to know it is a JSON object and to find its session id and target), and
    base64-encode as many bytes of output as the messages hold.
    """
    for record in event["records"]:
        envelope = json.loads(gzip.decompress(base64.b64decode(record["data"])))
        messages = [e["message"] for e in envelope["logEvents"]]
        for message in messages:
            json.loads(message)
        base64.b64encode("".join(messages).encode()).decode()


def run_handler(event: dict) -> dict:
    with contextlib.redirect_stdout(io.StringIO()):  # the per-batch metric line
        return handler(event, None)


def seconds(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def interleaved_rounds(event: dict, records: list[bytes], rounds: int) -> dict[str, float]:
    """Median seconds of the processor, the floor and the unavoidable steps, and median ratios.

    The three run back to back in every round, so a slow moment of the
    machine slows all of them and leaves their ratios alone.
    """
    times: dict[str, list[float]] = {"processor": [], "floor": [], "unavoidable": []}
    for _ in range(rounds):
        times["processor"].append(seconds(lambda: run_handler(event)))
        times["floor"].append(seconds(lambda: floor(records)))
        times["unavoidable"].append(seconds(lambda: unavoidable_steps(event)))
    floor_times = times["floor"]
    return {
        **{name: statistics.median(values) for name, values in times.items()},
        "processor_share": statistics.median(
            f / p for f, p in zip(floor_times, times["processor"], strict=True)
        ),
        "unavoidable_share": statistics.median(
            f / u for f, u in zip(floor_times, times["unavoidable"], strict=True)
        ),
    }


def peak_allocated(event: dict) -> int:
    tracemalloc.start()
    run_handler(event)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def measure(rounds: int = ROUNDS) -> Figures:
    records = largest_batch()
    event = firehose_event(records)
    with mock.patch.dict(os.environ, processor_environment(NAMES)):
        medians = interleaved_rounds(event, records, rounds)
        peak = peak_allocated(event)
        results = run_handler(event)["records"]
    messages = sum(
        len(e["message"].encode())
        for r in records
        for e in json.loads(gzip.decompress(r))["logEvents"]
    )
    return Figures(
        compressed_bytes=sum(map(len, records)),
        message_bytes=messages,
        records=len(records),
        processor_seconds=medians["processor"],
        floor_seconds=medians["floor"],
        floor_share=medians["processor_share"],
        unavoidable_seconds=medians["unavoidable"],
        unavoidable_share=medians["unavoidable_share"],
        peak_bytes=peak,
        ok_records=sum(r["result"] == "Ok" for r in results),
    )


def lambda_cost_per_gb(figures: Figures) -> float:
    """List price of processing 1 GB of log event messages, CPU time stretched to the memory size."""
    lambda_seconds = figures.processor_seconds * max(1.0, ONE_VCPU_MB / PROCESSOR_MEMORY_MB)
    per_batch = lambda_seconds * PROCESSOR_MEMORY_MB / 1024 * PRICE_PER_GB_SECOND
    batches_per_gb = 1e9 / figures.message_bytes
    return batches_per_gb * (per_batch + PRICE_PER_REQUEST)


def report(figures: Figures) -> None:
    mb = figures.compressed_bytes / 1e6
    processor, floor_rate = mb / figures.processor_seconds, mb / figures.floor_seconds
    share = figures.floor_share
    met = "met" if share >= TARGET_FLOOR_SHARE else "NOT met"
    print(
        f"processor on the largest batch: {figures.records} records, {mb:.2f} MB compressed, "
        f"{figures.message_bytes / 1e6:.1f} MB of log event messages, median of {ROUNDS}"
    )
    print(f"  processor: {figures.processor_seconds * 1000:7.1f} ms  {processor:6.1f} MB/s")
    print(
        f"  floor (gzip + json.loads): {figures.floor_seconds * 1000:7.1f} ms  {floor_rate:6.1f} MB/s"
    )
    print(
        f"  processor/floor throughput, median of per-round ratios: {share:.2f}  "
        f"(target >= {TARGET_FLOOR_SHARE}: {met})"
    )
    print(
        f"  unavoidable steps alone (base64, gzip, both parses, base64 of the output): "
        f"{figures.unavoidable_seconds * 1000:7.1f} ms, {figures.unavoidable_share:.2f} of the floor"
    )
    print(f"  peak memory allocated by the handler: {figures.peak_bytes / 2**20:.0f} MiB")
    print(
        f"  records within the 6 MB response: {figures.ok_records} of {figures.records} "
        "(the stream sends the processor 0.2 MB batches)"
    )
    print(
        f"  Lambda cost at {PROCESSOR_MEMORY_MB} MB, x86 list price: "
        f"${lambda_cost_per_gb(figures):.4f} per GB of session logs"
    )


def main() -> None:
    report(measure())


if __name__ == "__main__":
    main()
