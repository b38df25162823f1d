"""Each named query's SQL file, unchanged, against sample objects in the S3 layouts, in DuckDB.

The transcripts are what the Firehose processor writes (its own json_lines),
the access index documents follow the indexer's contract, and both sit in
folders laid out as Firehose and the indexer write them, next to objects
the tables must not read. tests/support/athena_duckdb.py makes DuckDB look
like the Glue tables; what only Athena can show is in docs/audit-queries.md.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from components.audit_queries.queries import named_queries
from components.audit_queries.tables import access_index_table, transcripts_table
from components.session_log_delivery.runtime.session_log_processor import json_lines
from config.names import Names
from tests.support.athena_duckdb import athena_like, with_parameters

NAMES = Names(log_archive_account_id="333333333333", home_region="eu-west-1", bucket=None)
REGIONS = ["eu-west-1", "us-east-1"]
ACCOUNT = "111122223333"
OTHER_ACCOUNT = "444455556666"
NOW = datetime.now(UTC).replace(microsecond=0)
TODAY = NOW.strftime("%Y/%m/%d")
QUERIES = {query.name: query for query in named_queries()}

ALICE = {
    "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/AWSReservedSSO_Admin_0123/alice@example.com",
    "type": "AssumedRole",
    "account_id": ACCOUNT,
    "person": "alice@example.com",
    "person_source": "identity-center",
}
BOB = {
    "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/Operators/bob",
    "type": "AssumedRole",
    "account_id": ACCOUNT,
    "person": "bob",
    "person_source": "role-session-name",
}
CAROL = {**ALICE, "arn": ALICE["arn"].replace("alice", "carol"), "person": "carol@example.com"}


def streamed(session_id: str, region: str, *chunks: str) -> str:
    return json.dumps(
        {
            "eventVersion": "1.0",
            "eventTime": "2026-11-20 10:00:00",
            "awsRegion": region,
            "target": {"id": "i-0aaaaaaaaaaaaaaaa"},
            "userIdentity": {"arn": ALICE["arn"]},
            "runAsUser": "ssm-user",
            "sessionId": session_id,
            "sessionData": list(chunks),
        }
    )


def write_transcript(root: Path, account: str, region: str, day: str, stream: str, messages):
    envelope = {
        "owner": account,
        "logGroup": f"session-manager-log-{account}",
        "logStream": stream,
        "logEvents": [
            {"id": str(n), "timestamp": 1_795_000_000_000 + n, "message": message}
            for n, message in enumerate(messages)
        ],
    }
    folder = root / NAMES.session_log_folder / account / region / day
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"central-session-logs-{region}-1-{stream}.jsonl"
    path.write_text(json_lines(envelope))


def write_index(root: Path, day: str, **fields) -> None:
    document = {
        "principal": None,
        "source_ip": None,
        "target": None,
        "document": None,
        "via": None,
        "reason": None,
        "start": None,
        "end": None,
        "ended_by": None,
        "jit": None,
        "transcript_prefix": None,
        "recording_key": None,
        "recorded_at": None,
        "events": [],
        "updated": NOW.strftime("%Y-%m-%dT%H:%M:%SZ"),
        **fields,
    }
    folder = (
        (root / NAMES.access_index_folder / document["kind"] / document["account"])
        / document["region"]
        / day
    )
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{document['id']}.json").write_text(json.dumps(document) + "\n")


def rdp(id: str, account: str, region: str, **fields) -> dict:
    return {
        "kind": "rdp",
        "id": id,
        "account": account,
        "region": region,
        "via": "ssm-guiconnect.amazonaws.com",
        "document": "AWS-StartPortForwardingSession",
        **fields,
    }


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("bucket")
    sudo = streamed("alice-0a1", "eu-west-1", "sh-5.2$ sudo su -", "root#")
    write_transcript(
        root,
        ACCOUNT,
        "eu-west-1",
        "2026/11/20",
        "alice-0a1",
        [sudo, streamed("alice-0a1", "eu-west-1", "ls")],
    )
    # Uploaded as text by an interactive-command session.
    write_transcript(
        root, ACCOUNT, "us-east-1", "2026/11/21", "bob-0b2", ["$ sudo systemctl restart nginx"]
    )
    # What the query must not return: another day, another account, other folders.
    write_transcript(
        root,
        ACCOUNT,
        "eu-west-1",
        "2026/11/25",
        "alice-0a3",
        [streamed("alice-0a3", "eu-west-1", "sudo reboot")],
    )
    write_transcript(root, OTHER_ACCOUNT, "eu-west-1", "2026/11/20", "eve-0e1", ["sudo rm -rf /"])
    for folder in (NAMES.session_log_quarantine_folder, NAMES.session_log_canary_folder):
        stray = root / folder / ACCOUNT / "eu-west-1" / "2026/11/20"
        stray.mkdir(parents=True)
        (stray / "x.jsonl").write_text('{"sessionId": "stray", "message": "sudo"}\n')
    (root / NAMES.session_log_folder / "README.jsonl").write_text('{"message": "sudo"}\n')

    write_index(
        root,
        "2026/11/20",
        kind="session",
        id="alice-0a1",
        account=ACCOUNT,
        region="eu-west-1",
        principal=ALICE,
        source_ip="198.51.100.7",
        target="i-0aaaaaaaaaaaaaaaa",
        document="SSM-SessionManagerRunShell",
        via=None,
        start="2026-11-20T10:00:00Z",
        end="2026-11-20T10:20:00Z",
        transcript_prefix=f"session-manager/{ACCOUNT}/eu-west-1/2026/11/20/",
        events=["e-1", "e-2"],
    )
    write_index(
        root,
        "2026/11/26",
        kind="session",
        id="alice-late",
        account=ACCOUNT,
        region="eu-west-1",
        principal=ALICE,
        start="2026-11-26T10:00:00Z",
    )
    approved = {
        "request_id": "req-1",
        "reason": "patch",
        "requested_at": "2026-11-21T08:00:00Z",
        "requester": ALICE,
        "approver": CAROL,
        "decision": "Approve",
        "decided_at": "2026-11-21T08:05:00Z",
    }
    for day, document in [
        (
            "2026/11/21",
            rdp(
                "rdp-recorded",
                ACCOUNT,
                "eu-west-1",
                principal=ALICE,
                target="i-0aaaaaaaaaaaaaaaa",
                start="2026-11-21T09:00:00Z",
                end="2026-11-21T09:30:00Z",
                jit=approved,
                recording_key="ssm-guiconnect/rdp-recorded.mp4",
            ),
        ),
        (
            "2026/11/22",
            rdp(
                "rdp-unrecorded",
                ACCOUNT,
                "us-east-1",
                principal=BOB,
                target="i-0aaaaaaaaaaaaaaaa",
                start="2026-11-22T03:48:45Z",
                end="2026-11-22T04:00:00Z",
            ),
        ),
        (
            "2026/11/22",
            rdp(
                "rdp-running",
                ACCOUNT,
                "eu-west-1",
                principal=BOB,
                target="i-0bbbbbbbbbbbbbbbb",
                start="2026-11-22T05:00:00Z",
            ),
        ),
        (
            TODAY,
            rdp(
                "rdp-just-ended",
                ACCOUNT,
                "eu-west-1",
                principal=BOB,
                target="i-0aaaaaaaaaaaaaaaa",
                start=_iso(NOW - timedelta(hours=2)),
                end=_iso(NOW - timedelta(minutes=10)),
            ),
        ),
        (
            "2026/11/23",
            rdp(
                "rdp-orphan",
                ACCOUNT,
                "eu-west-1",
                target="i-0bbbbbbbbbbbbbbbb",
                recording_key="ssm-guiconnect/rdp-orphan.mp4",
            ),
        ),
        (
            "2026/11/22",
            rdp(
                "rdp-elsewhere",
                OTHER_ACCOUNT,
                "eu-west-1",
                principal=BOB,
                target="i-0aaaaaaaaaaaaaaaa",
                start="2026-11-22T03:00:00Z",
                recording_key=None,
            ),
        ),
        (
            "2026/11/23",
            rdp("rdp-orphan-elsewhere", OTHER_ACCOUNT, "eu-west-1", recording_key="x.mp4"),
        ),
    ]:
        write_index(root, day, **document)
    return root


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture(scope="module")
def athena(archive):
    tables = [transcripts_table(NAMES, REGIONS), access_index_table(NAMES, REGIONS)]
    connection = athena_like(archive, tables)
    yield connection
    connection.close()


def run(athena, name: str, *parameters: str) -> list[dict]:
    result = athena.execute(with_parameters(QUERIES[name].sql, parameters))
    columns = [column[0] for column in result.description]
    return [dict(zip(columns, row, strict=True)) for row in result.fetchall()]


def ids(rows: list[dict]) -> list[str]:
    return [row["id"] for row in rows]


def test_sessions_by_principal_matches_the_person(athena):
    rows = run(
        athena, "sessions_by_principal", ACCOUNT, "%alice%", "%alice%", "2026/11/01", "2026/11/25"
    )
    assert ids(rows) == ["alice-0a1", "rdp-recorded"]
    session, connection = rows
    assert session["kind"] == "session"
    assert session["person"] == "alice@example.com"
    assert session["person_source"] == "identity-center"
    assert session["transcript_prefix"] == f"session-manager/{ACCOUNT}/eu-west-1/2026/11/20/"
    assert connection["kind"] == "rdp"
    assert connection["jit_request_id"] == "req-1"
    assert connection["jit_approver"] == "carol@example.com"


def test_sessions_by_principal_matches_the_principal_arn(athena):
    rows = run(
        athena,
        "sessions_by_principal",
        ACCOUNT,
        "%:assumed-role/Operators/%",
        "%:assumed-role/Operators/%",
        "2026/11/01",
        "2026/11/30",
    )
    assert ids(rows) == ["rdp-unrecorded", "rdp-running"]
    assert {row["region"] for row in rows} == {"us-east-1", "eu-west-1"}


def test_commands_matching_searches_streamed_chunks_and_uploaded_text(athena):
    rows = run(athena, "commands_matching", ACCOUNT, "2026/11/20", "2026/11/21", "sudo ")
    assert [(r["sessionid"], r["region"], r["day"], r["text"]) for r in rows] == [
        ("alice-0a1", "eu-west-1", "2026/11/20", "sh-5.2$ sudo su -\nroot#"),
        ("bob-0b2", "us-east-1", "2026/11/21", "$ sudo systemctl restart nginx"),
    ]
    assert rows[0]["principal_arn"] == ALICE["arn"]
    assert rows[0]["target"] == "i-0aaaaaaaaaaaaaaaa"
    assert rows[1]["target"] is None


def test_rdp_recordings_of_instance(athena):
    rows = run(athena, "rdp_recordings_of_instance", ACCOUNT, "i-0aaaaaaaaaaaaaaaa", "2020/01/01")
    assert ids(rows) == ["rdp-recorded", "rdp-unrecorded", "rdp-just-ended"]
    assert rows[0]["recording_key"] == "ssm-guiconnect/rdp-recorded.mp4"
    assert (
        run(athena, "rdp_recordings_of_instance", ACCOUNT, "i-0aaaaaaaaaaaaaaaa", "2026/11/22")
        == rows[1:]
    )


def test_accesses_without_recording_leave_out_the_last_hour(athena):
    rows = run(athena, "accesses_without_recording", ACCOUNT, "2020/01/01")
    # rdp-running has no end yet, but began long ago; rdp-just-ended ended ten minutes ago.
    assert ids(rows) == ["rdp-unrecorded", "rdp-running"]


def test_recordings_without_access(athena):
    rows = run(athena, "recordings_without_access", ACCOUNT, "2020/01/01")
    assert [(r["id"], r["recording_key"], r["day"]) for r in rows] == [
        ("rdp-orphan", "ssm-guiconnect/rdp-orphan.mp4", "2026/11/23")
    ]


def test_the_views_have_exactly_the_tables_columns_and_partitions(athena):
    for table in (transcripts_table(NAMES, REGIONS), access_index_table(NAMES, REGIONS)):
        described = [row[0] for row in athena.execute(f'DESCRIBE "{table.name}"').fetchall()]
        assert described == [c.name for c in (*table.columns, *table.partition_keys)]


def test_the_tables_read_only_their_projected_folders(athena):
    sessions = {
        row[0] for row in athena.execute("SELECT DISTINCT sessionid FROM transcripts").fetchall()
    }
    assert sessions == {"alice-0a1", "bob-0b2", "alice-0a3", "eve-0e1"}


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_query_names_one_account_first(name):
    """Athena refuses a query on an injected column without an equality on it."""
    sql = QUERIES[name].sql
    where = sql.split("WHERE", 1)[1]
    assert where.lstrip().startswith("account = ?"), name
    header = [line for line in sql.splitlines() if line.startswith("--")]
    assert "?" not in "".join(header)
    assert "?" not in sql.split("WHERE", 1)[0]
