"""`make verify` against an emulated organization with planted faults: it names exactly those.

The organization has nested OUs, an excluded account and three deployment
regions. Planted: an account that joined a target OU after the rollout (its
instances are missing), one failed and one outdated stack instance, one pair
with fresh transcripts, error objects in one region and a quarantined object
of one pair. Every other pair
has no transcripts, which is a warning.
"""

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
from moto.cloudformation.models import StackInstance
from moto.server import ThreadedMotoServer

from components.access_index.indexer import indexer_environment
from components.access_index.runtime import access_indexer
from components.access_index.table import create_table_request
from config.names import Names
from config.regions import RDP_RECORDING_REGIONS
from project import PROJECT_ROOT
from tests.support import access_events as story
from tests.support.guiconnect import guiconnect_stand_in
from tools.verify.checks import rdp_recording

REGIONS = ["eu-west-1", "us-east-1", "ap-southeast-2"]
HOME = REGIONS[0]
ROLE = "session-logs-verify"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "verify", "AWS_SECRET_ACCESS_KEY": "verify"}
# A stack set's template is not what verify reads; any template moto deploys will do.
TEMPLATE = json.dumps({"Resources": {"Marker": {"Type": "AWS::SNS::Topic"}}})


@pytest.fixture
def emulator(monkeypatch):
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(StackInstance, "to_dict", _reporting_planted_status(StackInstance.to_dict))
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    # The server keeps moto's state in this process: every test starts from none.
    requests.post(f"{url}/moto-api/reset", timeout=10)
    try:
        yield url
    finally:
        server.stop()


def _reporting_planted_status(to_dict):
    """moto 5.2.5 reports every stack instance CURRENT and SUCCEEDED, without a
    StatusReason, where CloudFormation reports what happened to it (API
    reference, StackInstanceSummary). The wrapped method reports the status a
    test planted on the instance, as CloudFormation would."""

    def summary(self: StackInstance) -> dict:
        return {**to_dict(self), **getattr(self, "planted", {})}

    return summary


@pytest.fixture
def organization(emulator, tmp_path):
    orgs = boto3.client("organizations", region_name=HOME, endpoint_url=emulator)
    orgs.create_organization(FeatureSet="ALL")
    root = orgs.list_roots()["Roots"][0]["Id"]

    def ou(parent: str, name: str) -> str:
        return orgs.create_organizational_unit(ParentId=parent, Name=name)["OrganizationalUnit"][
            "Id"
        ]

    def account(parent: str, name: str) -> str:
        created = orgs.create_account(Email=f"{name}@example.com", AccountName=name)
        account_id = created["CreateAccountStatus"]["AccountId"]
        orgs.move_account(AccountId=account_id, SourceParentId=root, DestinationParentId=parent)
        return account_id

    log_archive = account(ou(root, "security"), "log-archive")
    workloads = ou(root, "workloads")
    team = ou(workloads, "team")  # nested: reached through its parent
    members = {
        "a": account(workloads, "a"),
        "b": account(team, "b"),
        "excluded": account(team, "x"),
    }
    return {
        "orgs": orgs,
        "root": root,
        "workloads": workloads,
        "team": team,
        "log_archive": log_archive,
        **members,
    }


@pytest.fixture
def deployed(emulator, organization, tmp_path):
    """The stack set's instances and the central bucket, as a rollout leaves them."""
    names = Names(log_archive_account_id=organization["log_archive"], home_region=HOME, bucket=None)
    cloudformation = boto3.client("cloudformation", region_name=HOME, endpoint_url=emulator)
    cloudformation.create_stack_set(
        StackSetName=names.stack_set,
        TemplateBody=TEMPLATE,
        PermissionModel="SERVICE_MANAGED",
        AutoDeployment={"Enabled": True, "RetainStacksOnAccountRemoval": False},
    )
    cloudformation.create_stack_instances(
        StackSetName=names.stack_set,
        DeploymentTargets={"OrganizationalUnitIds": [organization["workloads"]]},
        Regions=REGIONS,
    )
    archive = _session_in(emulator, organization["log_archive"])
    s3 = archive.client("s3", endpoint_url=emulator)
    s3.create_bucket(Bucket=names.bucket, CreateBucketConfiguration={"LocationConstraint": HOME})
    archive.client("dynamodb", endpoint_url=emulator).create_table(
        **create_table_request(names.access_records_table)
    )
    config = tmp_path / "config.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "organization_id": organization["orgs"].describe_organization()["Organization"][
                    "Id"
                ],
                "home_region": HOME,
                "member_regions": REGIONS,
                "target_ou_ids": [organization["workloads"]],
                "log_archive": {
                    "account_id": organization["log_archive"],
                    "role_arn": f"arn:aws:iam::{organization['log_archive']}:role/{ROLE}",
                },
                "stackset_admin": {"account_id": _management(organization)},
                "exclusions": {"account_ids": [organization["excluded"]]},
                "emulator_endpoint": emulator,
            }
        )
    )
    return {"names": names, "s3": s3, "archive": archive, "config": config, **organization}


def _management(organization) -> str:
    return organization["orgs"].describe_organization()["Organization"]["MasterAccountId"]


def _session_in(emulator: str, account: str) -> boto3.Session:
    sts = boto3.client("sts", region_name=HOME, endpoint_url=emulator)
    role = f"arn:aws:iam::{account}:role/{ROLE}"
    credentials = sts.assume_role(RoleArn=role, RoleSessionName="plant")["Credentials"]
    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=HOME,
    )


def plant(instances, account: str, region: str, **summary) -> None:
    [instance] = [i for i in instances if (i.account_id, i.region_name) == (account, region)]
    instance.planted = summary


def run_verify(config, json_file, *arguments, **environment):
    env = {**os.environ, **CREDENTIALS, "SESSION_LOGS_CONFIG": str(config), **environment}
    return subprocess.run(
        [sys.executable, "-m", "tools.verify", "--json", str(json_file), *arguments],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_verify_names_every_planted_fault_and_nothing_else(deployed, tmp_path):
    from moto.cloudformation.models import cloudformation_backends

    names, s3 = deployed["names"], deployed["s3"]
    a, b = deployed["a"], deployed["b"]
    backend = cloudformation_backends[_management(deployed)][HOME]
    instances = backend.describe_stack_set(names.stack_set).instances.stack_instances
    plant(
        instances,
        a,
        "us-east-1",
        StackInstanceStatus={"DetailedStatus": "FAILED"},
        Status="OUTDATED",
        StatusReason="SessionLogGroup: the role cannot be assumed",
    )
    plant(instances, b, "eu-west-1", Status="OUTDATED", StatusReason="update pending")
    joined_late = deployed["orgs"].create_account(Email="late@example.com", AccountName="late")
    late = joined_late["CreateAccountStatus"]["AccountId"]
    deployed["orgs"].move_account(
        AccountId=late, SourceParentId=deployed["root"], DestinationParentId=deployed["team"]
    )
    today = datetime.now(UTC)
    s3.put_object(
        Bucket=names.bucket,
        Key=f"{names.session_log_folder}/{a}/eu-west-1/{today:%Y/%m/%d}/transcript.jsonl",
        Body=b"{}\n",
    )
    s3.put_object(
        Bucket=names.bucket,
        Key=f"{names.session_log_error_folder}/ap-southeast-2/processing-failed/{today:%Y/%m/%d}/x",
        Body=b"corrupt",
    )

    s3.put_object(
        Bucket=names.bucket,
        Key=f"{names.session_log_quarantine_folder}/{b}/us-east-1/{today:%Y/%m/%d}/foreign.jsonl",
        Body=b"{}\n",
    )

    result = run_verify(deployed["config"], tmp_path / "verify.json")

    assert result.returncode == 1, result.stderr
    document = json.loads((tmp_path / "verify.json").read_text())
    pairs = {(p["account"], p["region"]): p for p in document["pairs"]}
    assert set(pairs) == {(acct, region) for acct in (a, b, late) for region in REGIONS}
    failures = {
        (p["account"], p["region"], name)
        for p in document["pairs"]
        for name, check in p["checks"].items()
        if check["status"] == "fail"
    }
    assert failures == {
        (a, "us-east-1", "stack_instance"),
        (b, "eu-west-1", "stack_instance"),
        *((late, region, "stack_instance") for region in REGIONS),
        *((acct, "ap-southeast-2", "delivery_errors") for acct in (a, b, late)),
        (b, "us-east-1", "delivery_errors"),
    }
    assert pairs[a, "us-east-1"]["checks"]["stack_instance"]["detail"] == (
        "failed: FAILED (SessionLogGroup: the role cannot be assumed)"
    )
    assert pairs[b, "eu-west-1"]["checks"]["stack_instance"]["detail"].startswith("outdated")
    assert pairs[late, HOME]["checks"]["stack_instance"]["detail"].startswith("missing")
    warnings = {
        (p["account"], p["region"])
        for p in document["pairs"]
        if p["checks"]["transcripts"]["status"] == "warn"
    }
    assert warnings == set(pairs) - {(a, "eu-west-1")}
    assert pairs[b, "us-east-1"]["checks"]["delivery_errors"]["detail"] == (
        f"1 object under {names.session_log_quarantine_folder}/{b}/us-east-1/"
    )
    assert document["summary"] == {"pairs": 9, "fail": 8, "warn": 0, "ok": 1}
    assert "9 account-region pairs: 8 fail, 0 warn, 1 ok" in result.stdout
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines[1:-2]] == ["fail"] * 9 + ["warn"] * 8
    # Without the verifier role there is no rdp_recording check, and the table says so once.
    assert lines[-2] == rdp_recording.NOT_CHECKED
    assert all(
        set(p["checks"]) == {"stack_instance", "transcripts", "delivery_errors", "attribution"}
        for p in document["pairs"]
    )


def test_a_healthy_organization_exits_0_with_warnings_only(deployed, tmp_path):
    result = run_verify(deployed["config"], tmp_path / "verify.json")
    assert result.returncode == 0, result.stdout + result.stderr
    summary = json.loads((tmp_path / "verify.json").read_text())["summary"]
    assert summary == {"pairs": 6, "fail": 0, "warn": 6, "ok": 0}


def test_a_bad_config_is_one_message_and_exit_2(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("organization_id: nope\n")
    result = run_verify(config, tmp_path / "verify.json")
    assert result.returncode == 2
    assert "organization_id" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "verify.json").exists()


# A deployment region where CloudFormation has no AWS::SSMGuiConnect::Preferences.
WITHOUT_RDP = "af-south-1"


def test_rdp_recording_fails_pairs_without_the_central_preferences(deployed, tmp_path):
    """Per pair: right preferences, none, preferences of the account's own, a region without RDP."""
    from moto.sts.models import sts_backends

    assert WITHOUT_RDP not in RDP_RECORDING_REGIONS
    assert set(REGIONS) <= set(RDP_RECORDING_REGIONS)
    names, a, b, archive = deployed["names"], deployed["a"], deployed["b"], deployed["log_archive"]
    settings = yaml.safe_load(deployed["config"].read_text())
    settings["member_regions"] = [*REGIONS, WITHOUT_RDP]
    settings["verify"] = {"canary_role": True}
    deployed["config"].write_text(yaml.safe_dump(settings))
    central = {
        "KMSKeyArn": f"arn:aws:kms:eu-west-1:{archive}:key/mrk-0123456789abcdef0123456789abcdef",
        "RecordingDestinations": {
            "S3Buckets": [{"BucketName": names.bucket, "BucketOwner": archive}]
        },
    }
    their_own = {
        "KMSKeyArn": f"arn:aws:kms:us-east-1:{b}:key/their-key",
        "RecordingDestinations": {
            "S3Buckets": [{"BucketName": "their-recordings", "BucketOwner": b}]
        },
    }
    with guiconnect_stand_in() as guiconnect:
        guiconnect.preferences.update({(a, region): central for region in REGIONS})
        guiconnect.preferences[b, "eu-west-1"] = central
        guiconnect.preferences[b, "us-east-1"] = their_own
        # (b, ap-southeast-2): no preferences at all.
        result = run_verify(
            deployed["config"],
            tmp_path / "verify.json",
            AWS_ENDPOINT_URL_SSM_GUICONNECT=guiconnect.url,
        )
        calls = list(guiconnect.calls)

    assert result.returncode == 1, result.stdout + result.stderr
    document = json.loads((tmp_path / "verify.json").read_text())
    checks = {(p["account"], p["region"]): p["checks"]["rdp_recording"] for p in document["pairs"]}
    assert {pair: check["status"] for pair, check in checks.items()} == {
        **{(account, region): "ok" for account in (a, b) for region in (*REGIONS, WITHOUT_RDP)},
        (b, "us-east-1"): "fail",
        (b, "ap-southeast-2"): "fail",
    }
    assert checks[b, "ap-southeast-2"]["detail"] == "no recording preferences"
    assert checks[b, "us-east-1"]["detail"] == (
        f"recording preferences point to their-recordings (owner {b}), "
        f"not {names.bucket} (owner {archive})"
    )
    assert checks[a, "eu-west-1"]["detail"] == f"recordings go to {names.bucket} (owner {archive})"
    assert (
        checks[a, WITHOUT_RDP]["detail"] == f"no RDP recording in {WITHOUT_RDP}: nothing to check"
    )
    # Each account's own preferences, read in that account with its verifier role,
    # once per pair that has RDP recording.
    assert sorted(calls) == sorted(
        ("GetConnectionRecordingPreferences", account, region)
        for account in (a, b)
        for region in REGIONS
    )
    for account in (a, b):
        assumed = {role.role_arn for role in sts_backends[account]["aws"].assumed_roles}
        assert assumed == {f"arn:aws:iam::{account}:role/central-session-logs-verifier-{HOME}"}
    assert rdp_recording.NOT_CHECKED not in result.stdout


def test_attribution_names_accesses_without_recording_or_transcripts_and_orphan_recordings(
    deployed, tmp_path, monkeypatch
):
    """The indexer's records of the test events, then make verify's one query per kind of gap."""
    names, s3, a, b = deployed["names"], deployed["s3"], deployed["a"], deployed["b"]
    orphan_key = "recordings/no-connection-id.mp4"
    events = [
        *story.told_in(story.jit_rdp_connection(), account=a, region="eu-west-1"),
        *story.told_in(story.plain_session(), account=b, region="us-east-1"),
        *story.told_in(story.plain_session(), account=a, region="ap-southeast-2"),
        story.recording_created(names.bucket, key=orphan_key, home_region=HOME),
    ]
    s3.put_object(Bucket=names.bucket, Key=orphan_key, Body=b"video")
    s3.put_object(
        Bucket=names.bucket,
        Key=f"{names.session_log_folder}/{a}/ap-southeast-2/2026/12/01/transcript.jsonl",
        Body=b"{}\n",
    )
    _index(deployed, events, monkeypatch)

    result = run_verify(deployed["config"], tmp_path / "verify.json", "--since", "30d")
    document = json.loads((tmp_path / "verify.json").read_text())
    attribution = {
        (p["account"], p["region"]): p["checks"]["attribution"] for p in document["pairs"]
    }
    failing = {pair: c["detail"] for pair, c in attribution.items() if c["status"] == "fail"}
    assert failing == {
        (a, "eu-west-1"): (
            f"RDP connection {story.CONNECTION_ID} (started 2026-12-01T09:06:00Z) has no recording"
        ),
        (b, "us-east-1"): (
            f"session {story.SESSION_ID} (started 2026-12-01T10:00:00Z) has no transcripts since"
        ),
        ("unknown", HOME): f"recording {orphan_key} has no access event",
    }, result.stdout
    assert attribution[a, "ap-southeast-2"]["status"] == "ok"


def _index(deployed, events, monkeypatch) -> None:
    """Runs the indexer on the events, as the log archive account."""
    endpoint = deployed["s3"].meta.endpoint_url
    credentials = deployed["archive"].get_credentials()
    sqs = deployed["archive"].client("sqs", endpoint_url=endpoint)
    queue = sqs.create_queue(QueueName=deployed["names"].access_index_dead_letter_queue)
    environment = {
        "AWS_ACCESS_KEY_ID": credentials.access_key,
        "AWS_SECRET_ACCESS_KEY": credentials.secret_key,
        "AWS_SESSION_TOKEN": credentials.token,
        "AWS_DEFAULT_REGION": HOME,
        "AWS_ENDPOINT_URL": endpoint,
        **indexer_environment(deployed["names"], dead_letter_queue_url=queue["QueueUrl"]),
    }
    records = [{"messageId": str(n), "body": json.dumps(e)} for n, e in enumerate(events)]
    with monkeypatch.context() as scoped:
        for name, value in environment.items():
            scoped.setenv(name, value)
        # The default session holds the credentials it was made with.
        scoped.setattr(boto3, "DEFAULT_SESSION", None)
        assert access_indexer.handler({"Records": records}, None) == {"batchItemFailures": []}
