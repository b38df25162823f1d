"""The verify half of `make bench`: 500 accounts x 17 regions against the emulator, with latency.

Starts moto's server in a process of its own (the other core), builds an
organization of 500 member accounts in 10 OUs under one target OU, a
service-managed stack set with an instance in each of the 17 regions of
tools/scale_config.py for every account, and the central bucket; then runs
tools.verify's verify() in this process with every AWS call delayed by
LATENCY_SECONDS before it is sent, as a network round trip would. Reports
the wall time of verify() alone (target: at most 2 minutes on 2 cores), the
calls it made, and this process's peak resident memory.
"""

from __future__ import annotations

import resource
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest import mock

import boto3
import yaml

from components.access_index.table import create_table_request
from config import load_config
from tools.scale_config import SCALE_REGIONS
from tools.verify import aws
from tools.verify.__main__ import verify

ACCOUNTS = 500
OUS = 10
# A request to an AWS endpoint in the same region, TLS reused: tens of ms.
LATENCY_SECONDS = 0.03
TARGET_SECONDS = 120
CREDENTIALS = {"aws_access_key_id": "bench", "aws_secret_access_key": "bench"}


def main() -> None:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        _wait_for(endpoint)
        with tempfile.TemporaryDirectory() as folder:
            config_file = _organization(endpoint, Path(folder))
            report(*_timed_verify(config_file))
    finally:
        server.terminate()
        server.wait(timeout=30)


def _organization(endpoint: str, folder: Path) -> Path:
    started = time.perf_counter()
    orgs = _client("organizations", endpoint)
    orgs.create_organization(FeatureSet="ALL")
    root = orgs.list_roots()["Roots"][0]["Id"]
    target = orgs.create_organizational_unit(ParentId=root, Name="workloads")["OrganizationalUnit"][
        "Id"
    ]
    teams = [
        orgs.create_organizational_unit(ParentId=target, Name=f"team-{n}")["OrganizationalUnit"][
            "Id"
        ]
        for n in range(OUS)
    ]
    for n in range(ACCOUNTS):
        created = orgs.create_account(Email=f"member-{n}@example.com", AccountName=f"member-{n}")
        orgs.move_account(
            AccountId=created["CreateAccountStatus"]["AccountId"],
            SourceParentId=root,
            DestinationParentId=teams[n % OUS],
        )
    log_archive = orgs.create_account(Email="archive@example.com", AccountName="archive")
    archive_id = log_archive["CreateAccountStatus"]["AccountId"]
    management = orgs.describe_organization()["Organization"]["MasterAccountId"]
    config_file = folder / "config.yaml"
    config_file.write_text(
        yaml.safe_dump(
            {
                "organization_id": orgs.describe_organization()["Organization"]["Id"],
                "home_region": SCALE_REGIONS[0],
                "member_regions": SCALE_REGIONS,
                "target_ou_ids": [target],
                "log_archive": {"account_id": archive_id},
                "stackset_admin": {"account_id": management},
                "emulator_endpoint": endpoint,
            }
        )
    )
    config = load_config(config_file)
    _stack_set(endpoint, config.names.stack_set, teams)
    _client("s3", endpoint).create_bucket(Bucket=config.names.bucket)
    _client("dynamodb", endpoint).create_table(
        **create_table_request(config.names.access_records_table)
    )
    print(
        f"verify bench: organization of {ACCOUNTS} accounts set up in {time.perf_counter() - started:.0f} s"
    )
    return config_file


def _stack_set(endpoint: str, name: str, ous: list[str]) -> None:
    cloudformation = _client("cloudformation", endpoint)
    template = '{"Resources": {"Marker": {"Type": "AWS::SNS::Topic"}}}'
    cloudformation.create_stack_set(
        StackSetName=name, TemplateBody=template, PermissionModel="SERVICE_MANAGED"
    )
    cloudformation.create_stack_instances(
        StackSetName=name, DeploymentTargets={"OrganizationalUnitIds": ous}, Regions=SCALE_REGIONS
    )


def _timed_verify(config_file: Path) -> tuple[int, float, Counter, int, Counter]:
    config = load_config(config_file)
    calls: Counter = Counter()

    def delayed(**kwargs) -> None:
        calls[kwargs["event_name"].split(".")[-1]] += 1
        time.sleep(LATENCY_SECONDS)

    original = aws.Clients.client

    def client_with_latency(self, service, account, region=None):
        client = original(self, service, account, region)
        client.meta.events.register("before-send", delayed)
        return client

    since = datetime.now(UTC) - timedelta(hours=24)
    environment = {k.upper(): v for k, v in CREDENTIALS.items()}
    with (
        mock.patch.dict("os.environ", environment),
        mock.patch.object(aws.Clients, "client", client_with_latency),
    ):
        started = time.perf_counter()
        results = verify(config, aws.Clients(config), since=since)
        seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    statuses = Counter(
        f"{name} {check.status}" for checks in results.values() for name, check in checks.items()
    )
    return len(results), seconds, calls, peak_kib, statuses


def report(pairs: int, seconds: float, calls: Counter, peak_kib: int, statuses: Counter) -> None:
    met = "met" if seconds <= TARGET_SECONDS else "NOT met"
    print(
        f"verify of {pairs} account-region pairs ({ACCOUNTS} accounts x {len(SCALE_REGIONS)} "
        f"regions), {LATENCY_SECONDS * 1000:.0f} ms added to every call:"
    )
    print(f"  wall: {seconds:.1f} s (target <= {TARGET_SECONDS} s: {met})")
    print(
        f"  calls: {sum(calls.values())} ({', '.join(f'{n} {c}' for c, n in calls.most_common())})"
    )
    print(f"  peak resident memory of this process: {peak_kib / 1024:.0f} MiB")
    print(f"  checks: {', '.join(f'{n} {s}' for s, n in sorted(statuses.items()))}")


def _client(service: str, endpoint: str):
    return boto3.client(service, region_name=SCALE_REGIONS[0], endpoint_url=endpoint, **CREDENTIALS)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(endpoint: str) -> None:
    for _ in range(100):
        try:
            _client("s3", endpoint).list_buckets()
            return
        except Exception:
            time.sleep(0.1)
    raise RuntimeError(f"moto's server did not start at {endpoint}")


if __name__ == "__main__":
    main()
