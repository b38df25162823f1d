"""`make audit`: who opened a session or an RDP connection, from the access index.

    python -m tools.audit who <session id | connection id | recording key> [--json]
    python -m tools.audit sessions --account <id> [--region R ...] [--since 7d] [--json]
    python -m tools.audit commands --account <id> --pattern <regex> [--since 7d] [--json]

`who` and `sessions` answer from the access index; `commands` runs the
deployed named query commands_matching over the transcripts in Athena.

It reads the config SESSION_LOGS_CONFIG names and works in the log archive
account with its role_arn (or the ambient credentials), against the
emulator if `emulator_endpoint` is set. Exit status: 0 answered, 1 not in
the index or the query failed, 2 the config, the arguments or the
credentials are wrong (one message, no traceback). docs/attribution.md describes the index.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import UTC, datetime

from botocore.exceptions import BotoCoreError, ClientError

from config import ConfigError, config_path_from_env, load_config
from config.types import ACCOUNT_ID_PATTERN
from tools.audit import athena, report
from tools.audit.index import AccessIndexReader, NotIndexed
from tools.durations import parse_duration
from tools.verify.aws import Clients

# components/audit_queries/queries/commands_matching.sql, as deployed.
COMMANDS_QUERY = "commands_matching"


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    try:
        config = load_config(config_path_from_env())
        clients = Clients(config)
        if args.command == "commands":
            answer = _commands(args, config, clients.client("athena", config.log_archive))
            text = report.commands(answer)
        elif args.command == "who":
            answer = _reader(config, clients).who(args.identifier)
            text = report.access(answer, bucket=config.names.bucket)
        else:
            answer = _sessions(args, config, _reader(config, clients))
            text = report.accesses(answer)
    except athena.QueryFailed as failed:
        print(failed, file=sys.stderr)
        return 1
    except NotIndexed as missing:
        print(missing, file=sys.stderr)
        return 1
    except (ConfigError, ValueError) as error:
        print(error, file=sys.stderr)
        return 2
    except (BotoCoreError, ClientError) as error:
        print(
            f"cannot read the access index with the configured credentials: {error}",
            file=sys.stderr,
        )
        return 2
    print(json.dumps(answer, indent=2, sort_keys=True) if args.json else text)
    return 0


def _reader(config, clients: Clients) -> AccessIndexReader:
    archive = config.log_archive
    return AccessIndexReader(
        names=config.names,
        s3=clients.client("s3", archive),
        dynamodb=clients.client("dynamodb", archive),
    )


def _commands(args, config, client) -> list[dict]:
    _check_account(args.account)
    now = datetime.now(UTC)
    names = config.names
    try:
        sql = athena.named_query_sql(client, workgroup=names.audit_workgroup, name=COMMANDS_QUERY)
    except LookupError as missing:
        raise ValueError(str(missing)) from None
    return athena.run(
        client,
        workgroup=names.audit_workgroup,
        database=names.audit_database,
        sql=sql,
        parameters=[
            args.account,
            f"{now - parse_duration(args.since):%Y/%m/%d}",
            f"{now:%Y/%m/%d}",
            args.pattern,
        ],
    )


def _check_account(account: str) -> None:
    if not re.fullmatch(ACCOUNT_ID_PATTERN, account):
        raise ValueError(f"--account {account!r}: expected a 12-digit account id")


def _sessions(args, config, reader: AccessIndexReader) -> list[dict]:
    _check_account(args.account)
    unknown = sorted(set(args.region or []) - set(config.deployment_regions))
    if unknown:
        raise ValueError(f"--region {', '.join(unknown)}: not a deployment region of the config")
    now = datetime.now(UTC)
    return reader.accesses(
        account=args.account,
        regions=args.region or list(config.deployment_regions),
        since=now - parse_duration(args.since),
        until=now,
    )


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="make audit ARGS=", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    who = commands.add_parser("who", help="who opened a session or connection, or made a recording")
    who.add_argument("identifier", help="a session id, an RDP connection id or a recording's key")
    sessions = commands.add_parser("sessions", help="the sessions and connections of an account")
    sessions.add_argument("--account", required=True)
    sessions.add_argument("--region", action="append", help="one deployment region (repeatable)")
    sessions.add_argument("--since", default="7d", help="how far back, like 24h or 7d (default 7d)")
    commands_ = commands.add_parser("commands", help="transcript lines matching a pattern (Athena)")
    commands_.add_argument("--account", required=True)
    commands_.add_argument(
        "--pattern", required=True, help="a regular expression, e.g. 'sudo |passwd'"
    )
    commands_.add_argument(
        "--since", default="7d", help="how far back, like 24h or 7d (default 7d)"
    )
    for command in (who, sessions, commands_):
        command.add_argument("--json", action="store_true", help="the answer as JSON")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main())
