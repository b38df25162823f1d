"""`make verify`: check every (account, region) of the organization, print a table, exit 0, 1 or 2.

    python -m tools.verify [--since 24h] [--json FILE] [--canary [--canary-wait SECONDS]]

It reads the config SESSION_LOGS_CONFIG names, works with the role_arns
the stacks use (or the ambient credentials), and against the emulator if
`emulator_endpoint` is set. Exit status: 0 nothing failed (warnings
allowed), 1 a check failed, 2 the config or the credentials are wrong (one
message, no traceback).
"""

from __future__ import annotations

import argparse
import secrets
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError

from config import ConfigError, config_path_from_env, load_config
from config.models import SessionLogsConfig
from tools.durations import parse_duration
from tools.verify import organization, report
from tools.verify.aws import Clients
from tools.verify.checks import (
    attribution,
    canary,
    delivery_errors,
    rdp_recording,
    stack_instances,
    transcripts,
)
from tools.verify.guiconnect import GuiConnect
from tools.verify.result import FAIL, CheckResult, Pair

# Pairs checked at the same time: S3 listings are I/O, and botocore's
# adaptive retries slow every thread down together when S3 throttles.
WORKERS = 16


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    try:
        config = load_config(config_path_from_env())
        since = datetime.now(UTC) - parse_duration(args.since)
        clients = Clients(config)
        results = verify(config, clients, since=since, progress=_progress_bar)
        if args.canary:
            _add_canaries(config, clients, results, wait_seconds=_canary_wait(args, config))
    except (ConfigError, ValueError) as error:
        print(error, file=sys.stderr)
        return 2
    except (BotoCoreError, ClientError) as error:
        print(f"cannot reach AWS with the configured credentials: {error}", file=sys.stderr)
        return 2
    if args.json:
        report.write_json(results, args.json)
    # Said once, not as a warning on each of thousands of pairs.
    notes = [] if config.verify.canary_role else [rdp_recording.NOT_CHECKED]
    print(report.table(results, notes=notes))
    failed = any(c.status == FAIL for checks in results.values() for c in checks.values())
    return 1 if failed else 0


def verify(
    config: SessionLogsConfig, clients: Clients, *, since: datetime, progress=None
) -> dict[Pair, dict[str, CheckResult]]:
    admin, archive = config.stackset_admin, config.log_archive
    pairs = organization.expected_pairs(
        clients.client("organizations", admin),
        target_ids=config.target_ou_ids,
        excluded=config.exclusions.account_ids,
        regions=config.deployment_regions,
    )
    instances = stack_instances.check(
        clients.client("cloudformation", admin),
        stack_set=config.names.stack_set,
        call_as=admin.call_as,
        pairs=pairs,
    )
    s3 = clients.client("s3", archive)
    names = config.names
    errors_by_region = {
        region: delivery_errors.region_errors(
            s3,
            bucket=names.bucket,
            error_folder=names.session_log_error_folder,
            region=region,
            since=since,
        )
        for region in config.deployment_regions
    }
    gaps = attribution.gaps_by_pair(
        clients.client("dynamodb", archive),
        table=names.access_records_table,
        since=since,
        now=datetime.now(UTC),
        buffering_seconds=config.delivery.buffering_interval_seconds,
    )
    quarantined = delivery_errors.quarantined_by_pair(
        s3, bucket=names.bucket, quarantine_folder=names.session_log_quarantine_folder, since=since
    )

    def check(pair: Pair) -> tuple[Pair, dict[str, CheckResult]]:
        checks = {
            stack_instances.NAME: instances[pair],
            transcripts.NAME: transcripts.check_pair(
                s3, bucket=names.bucket, folder=names.session_log_folder, pair=pair, since=since
            ),
            delivery_errors.NAME: delivery_errors.check_pair(
                error_folder=names.session_log_error_folder,
                quarantine_folder=names.session_log_quarantine_folder,
                pair=pair,
                errors_of_region=errors_by_region[pair[1]],
                quarantined=quarantined.get(pair, []),
            ),
        }
        checks[attribution.NAME] = _attribution(pair)
        if config.verify.canary_role:
            checks[rdp_recording.NAME] = _rdp_recording(config, clients, pair)
        return pair, checks

    def _attribution(pair: Pair) -> CheckResult:
        return attribution.check_pair(
            s3,
            bucket=names.bucket,
            transcript_folder=names.session_log_folder,
            pair=pair,
            gaps=gaps.get(pair, []),
            since=since,
        )

    results = {}
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        for done, (pair, checks) in enumerate(pool.map(check, pairs), start=1):
            results[pair] = checks
            if progress:
                progress(done, len(pairs))
    # Recordings no connection has claimed yet file under account "unknown".
    for pair in sorted(set(gaps) - set(pairs)):
        results[pair] = {attribution.NAME: _attribution(pair)}
    return results


def _rdp_recording(config: SessionLogsConfig, clients: Clients, pair: Pair) -> CheckResult:
    """The pair's recording preferences, read through the member account's verifier role."""
    account, region = pair
    names = config.names

    def read_preferences() -> dict:
        session = clients.member_session(
            account_id=account,
            role_name=names.verifier_role(config.account_wide_region),
            via=config.stackset_admin,
        )
        guiconnect = GuiConnect(session.get_credentials(), region)
        return guiconnect.call("GetConnectionRecordingPreferences")

    try:
        return rdp_recording.check_pair(
            read_preferences,
            region=region,
            bucket=names.bucket,
            owner=config.log_archive.account_id,
        )
    except (BotoCoreError, ClientError) as error:
        return CheckResult(FAIL, f"could not assume the verifier role: {error}")
    except OSError as error:  # urllib's URLError: no answer from ssm-guiconnect at all
        return CheckResult(FAIL, f"could not reach ssm-guiconnect: {error}")


def _add_canaries(
    config: SessionLogsConfig,
    clients: Clients,
    results: dict[Pair, dict[str, CheckResult]],
    *,
    wait_seconds: float,
) -> None:
    """Puts a canary event into every pair's session log group, then waits for all of them."""
    if not config.verify.canary_role:
        raise ValueError(
            "--canary needs verify.canary_role: true in the config, deployed to the member "
            "accounts, so that verify can put events into their session log groups"
        )
    names = config.names
    run_id = f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(4)}"
    started = datetime.now(UTC)

    def put(pair: Pair) -> tuple[Pair, CheckResult | None]:
        account, region = pair
        logs = clients.member_client(
            "logs",
            account_id=account,
            role_name=names.verifier_role(config.account_wide_region),
            via=config.stackset_admin,
            region=region,
        )
        try:
            canary.put_event(
                logs,
                log_group=f"{names.member_log_group_prefix}{account}",
                stream=f"{names.canary_stream_prefix}{run_id}",
                run_id=run_id,
            )
        except ClientError as error:
            return pair, CheckResult(FAIL, f"could not put the canary event: {error}")
        return pair, None

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        refused = {pair: result for pair, result in pool.map(put, results) if result}
    delivered = canary.wait_for_objects(
        clients.client("s3", config.log_archive),
        bucket=names.bucket,
        folder=names.session_log_canary_folder,
        pairs=[pair for pair in results if pair not in refused],
        since=started,
        wait_seconds=wait_seconds,
    )
    for pair, checks in results.items():
        checks[canary.NAME] = refused.get(pair) or delivered[pair]


def _canary_wait(args: argparse.Namespace, config: SessionLogsConfig) -> float:
    """Firehose's buffer interval and two minutes for the processor and S3, unless told otherwise."""
    if args.canary_wait is not None:
        return args.canary_wait
    return config.delivery.buffering_interval_seconds + 120


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="make verify", description=__doc__.splitlines()[0])
    parser.add_argument("--since", default="24h", help="window for transcripts and errors: 24h, 7d")
    parser.add_argument("--json", type=Path, help="also write the results as JSON to this file")
    parser.add_argument(
        "--canary", action="store_true", help="put an event into every session log group and wait"
    )
    parser.add_argument(
        "--canary-wait", type=float, help="seconds to wait for the canaries (default: buffer + 120)"
    )
    return parser.parse_args(argv)


def _progress_bar(done: int, total: int) -> None:
    if not sys.stderr.isatty():
        return
    width = 30
    filled = width * done // total
    print(
        f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} pairs", end="", file=sys.stderr
    )
    if done == total:
        print(file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
