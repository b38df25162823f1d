"""`make audit` against an emulated log archive holding what the indexer made of the test events."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime

import boto3
import pytest
import requests
import yaml
from moto.server import ThreadedMotoServer

from components.access_index.indexer import indexer_environment
from components.access_index.runtime import access_indexer
from components.access_index.table import create_table_request
from components.audit_queries.queries import named_queries
from config.names import Names
from project import PROJECT_ROOT
from tests.support import access_events as story

ARCHIVE = "123456789012"  # moto's account for ambient credentials
HOME = story.REGION
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "audit", "AWS_SECRET_ACCESS_KEY": "audit"}
NAMES = Names(log_archive_account_id=ARCHIVE, home_region=HOME, bucket=None)


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    """The story's events indexed into the emulator, and a config pointing at it."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    requests.post(f"{url}/moto-api/reset", timeout=10)
    saved = dict(os.environ)
    os.environ.update({**CREDENTIALS, "AWS_DEFAULT_REGION": HOME, "AWS_ENDPOINT_URL": url})
    try:
        _create_index(url)
        _create_audit_queries()
        records = [
            {"messageId": str(n), "body": json.dumps(e)}
            for n, e in enumerate(story.whole_story(NAMES.bucket))
        ]
        assert access_indexer.handler({"Records": records}, None) == {"batchItemFailures": []}
        config = tmp_path_factory.mktemp("audit") / "config.yaml"
        config.write_text(
            yaml.safe_dump(
                {
                    "organization_id": "o-a1b2c3d4e5",
                    "home_region": HOME,
                    "member_regions": [HOME, "us-east-1"],
                    "target_ou_ids": ["ou-a1b2-c3d4e5f6"],
                    "log_archive": {"account_id": ARCHIVE},
                    "stackset_admin": {"account_id": "222222222222"},
                    "emulator_endpoint": url,
                }
            )
        )
        yield config
    finally:
        os.environ.clear()
        os.environ.update(saved)
        server.stop()


def _create_index(url: str) -> None:
    boto3.client("dynamodb").create_table(**create_table_request(NAMES.access_records_table))
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=NAMES.bucket, CreateBucketConfiguration={"LocationConstraint": HOME})
    s3.put_object(Bucket=NAMES.bucket, Key=story.RECORDING_KEY, Body=b"video")
    queue = boto3.client("sqs").create_queue(QueueName=NAMES.access_index_dead_letter_queue)
    os.environ.update(indexer_environment(NAMES, dead_letter_queue_url=queue["QueueUrl"]))


def _create_audit_queries() -> None:
    athena = boto3.client("athena")
    athena.create_work_group(Name=NAMES.audit_workgroup)
    for query in named_queries():
        athena.create_named_query(
            Name=query.name,
            Database=NAMES.audit_database,
            QueryString=query.sql,
            WorkGroup=NAMES.audit_workgroup,
        )


def audit(config, *arguments: str) -> subprocess.CompletedProcess:
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("AWS_ENDPOINT")
    }
    return subprocess.run(
        [sys.executable, "-m", "tools.audit", *arguments],
        cwd=PROJECT_ROOT,
        env={**environment, **CREDENTIALS, "SESSION_LOGS_CONFIG": str(config)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_who_names_the_principal_instance_approver_and_recording_of_a_connection(indexed):
    result = audit(indexed, "who", story.CONNECTION_ID)
    assert result.returncode == 0, result.stderr
    lines = result.stdout
    assert f"RDP connection {story.CONNECTION_ID} in {story.MEMBER} {story.REGION}" in lines
    assert "bob@example.com (jit-requester)" in lines
    assert "assumed-role/SSM-JustInTimeAccessTokenRole/bob" in lines
    assert story.WINDOWS_INSTANCE in lines
    assert "approved by carol@example.com (identity-center) at 2026-12-01T09:04:00Z" in lines
    assert f"s3://{NAMES.bucket}/{story.RECORDING_KEY}" in lines


def test_who_finds_a_connection_by_its_recording_and_a_session_by_its_id(indexed):
    by_recording = json.loads(audit(indexed, "who", story.RECORDING_KEY, "--json").stdout)
    assert by_recording["id"] == story.CONNECTION_ID
    session = json.loads(audit(indexed, "who", story.SESSION_ID, "--json").stdout)
    assert session["principal"]["person"] == "alice@example.com"
    assert session["end"] == "2026-12-01T10:30:00Z"


def test_sessions_lists_the_accounts_accesses_oldest_first(indexed):
    days = (datetime.now(UTC) - datetime(2026, 11, 30, tzinfo=UTC)).days + 1
    result = audit(indexed, "sessions", "--account", story.MEMBER, "--since", f"{days}d", "--json")
    assert result.returncode == 0, result.stderr
    listed = [(d["kind"], d["id"]) for d in json.loads(result.stdout)]
    assert listed == [
        ("rdp", story.CONNECTION_ID),
        ("session", story.JIT_SESSION_ID),
        ("session", story.SESSION_ID),
    ]
    table = audit(indexed, "sessions", "--account", story.MEMBER, "--since", f"{days}d").stdout
    assert table.splitlines()[0].split() == ["start", "kind", "id", "person", "target", "end"]
    assert len(table.splitlines()) == 4


def test_an_id_not_in_the_index_exits_1(indexed):
    result = audit(indexed, "who", "nobody-0123456789abcdef0")
    assert result.returncode == 1
    assert "'nobody-0123456789abcdef0' is not in the access index" in result.stderr


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["sessions", "--account", "12345"], "--account '12345': expected a 12-digit account id"),
        (["sessions", "--account", story.MEMBER, "--since", "a week"], "--since 'a week'"),
        (
            ["sessions", "--account", story.MEMBER, "--region", "mars-1"],
            "--region mars-1: not a deployment region",
        ),
    ],
)
def test_bad_arguments_exit_2_naming_the_value(indexed, arguments, message):
    result = audit(indexed, *arguments)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


COLUMNS = [
    "region",
    "day",
    "sessionid",
    "target",
    "principal_arn",
    "event_time",
    "timestamp",
    "text",
]


def test_commands_runs_the_deployed_named_query_with_quoted_parameters(indexed):
    from moto.athena.models import athena_backends

    header = {"Data": [{"VarCharValue": c} for c in COLUMNS]}
    line = [
        "eu-west-1",
        "2026/12/01",
        story.SESSION_ID,
        story.INSTANCE,
        "arn:aws:sts::x",
        "2026-12-01T10:01:00Z",
        "1",
        "sh-5.2$ sudo su -\nroot#",
    ]
    requests.post(
        f"{os.environ['AWS_ENDPOINT_URL']}/moto-api/static/athena/query-results",
        json={
            "account_id": ARCHIVE,
            "region": HOME,
            "results": [
                {
                    "rows": [header, {"Data": [{"VarCharValue": v} for v in line]}],
                    "column_info": [{"Name": c, "Type": "varchar"} for c in COLUMNS],
                }
            ],
        },
        timeout=10,
    )
    result = audit(
        indexed, "commands", "--account", story.MEMBER, "--pattern", "sudo |it's", "--json"
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [dict(zip(COLUMNS, line, strict=True))]
    (execution,) = athena_backends[ARCHIVE][HOME].executions.values()
    commands = {q.name: q for q in named_queries()}["commands_matching"]
    assert execution.query == commands.sql
    assert execution.workgroup.name == NAMES.audit_workgroup
    account, first_day, last_day, pattern = execution.execution_parameters
    assert (account, pattern) == (f"'{story.MEMBER}'", "'sudo |it''s'")
    assert first_day < last_day
