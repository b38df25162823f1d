"""What the end-to-end tests share besides fixtures: the emulated organization and deployment.

tests/e2e/conftest.py builds one deployment from these per session; the test
modules read its constants and helpers from here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from concurrent import futures
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import boto3
import pytest

from config.models import SessionLogsConfig
from project import PROJECT_ROOT
from stacks.registry import GUARDRAILS_STACK, LOG_ARCHIVE_STACK, MEMBER_STACKSET_STACK
from tools.cdktf_cli import CDKTF
from tools.plan import StackPlan, plan_stack
from tools.terraform_cli import run_terraform

if TYPE_CHECKING:
    from tests.e2e.recorded_calls import RecordedCalls
    from tests.support.guiconnect import GuiConnectStandIn

HOME_REGION = "ap-northeast-1"
MEMBER_REGIONS = [HOME_REGION, "us-east-1"]
STATE_BUCKET = "central-session-logs-state"
DEPLOY_ROLE = "session-logs-deploy"
# Anything that is not the emulator goes to a closed port on this machine, so
# a registry download or a real AWS call fails at once instead of passing.
NOWHERE = "http://127.0.0.1:9"
EMULATOR_ENVIRONMENT = {
    # Credentials the emulator accepts; moto ties them to its default account,
    # which becomes the organization's management account below.
    "AWS_ACCESS_KEY_ID": "emulator",
    "AWS_SECRET_ACCESS_KEY": "emulator",
    # Nothing from the machine's own AWS set-up may reach the tests.
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
    "HTTP_PROXY": NOWHERE,
    "HTTPS_PROXY": NOWHERE,
    "NO_PROXY": "127.0.0.1,localhost",
}
UNSET_VARIABLES = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_ROLE_ARN",
    # Python's HTTP clients prefer these spellings to the ones set above.
    "http_proxy",
    "https_proxy",
    "no_proxy",
)


@dataclass(frozen=True)
class Organization:
    id: str
    management_account: str
    log_archive_account: str
    # Target OU id -> the member account placed in it.
    member_account_by_ou: dict[str, str]


@dataclass
class Deployment:
    emulator: str
    organization: Organization
    config: SessionLogsConfig
    config_file: Path
    outdir: Path
    cli_config: Path
    # `terraform show -json` of the plan each stack was first applied from.
    first_plans: dict[str, dict] = field(default_factory=dict)

    def stack_dir(self, stack: str) -> Path:
        return self.outdir / "stacks" / stack

    def terraform(self, stack: str, *args: str, check: bool = True):
        return run_terraform(
            list(args), cwd=self.stack_dir(stack), cli_config=self.cli_config, check=check
        )

    def client(self, service: str, *, account: str, region: str = HOME_REGION):
        """A boto3 client working in `account`, through the deploy role as Terraform does."""
        return _session_in(self.emulator, account, self.organization).client(
            service, region_name=region, endpoint_url=self.emulator
        )


@dataclass(frozen=True)
class FollowUps:
    """What ran after the deployment: each mostly waits on a provider start, so they run together."""

    second_plans: dict[str, Future]
    refused_destroy: Future
    cdktf_deploy: Future

    def wait(self) -> None:
        """Until every follow-up has finished, and with it released its state lock."""
        futures.wait([*self.second_plans.values(), self.refused_destroy, self.cdktf_deploy])


def emulator_config(emulator: str, organization: Organization) -> dict:
    """The project's config for the emulated organization, as a user would write it."""

    def account(account_id: str, stack: str) -> dict:
        return {
            "account_id": account_id,
            "role_arn": f"arn:aws:iam::{account_id}:role/{DEPLOY_ROLE}",
            "backend": {
                "type": "s3",
                "bucket": STATE_BUCKET,
                "key": f"central-session-logs/{stack}.tfstate",
                "region": HOME_REGION,
                "use_lockfile": True,
            },
        }

    return {
        "organization_id": organization.id,
        "home_region": HOME_REGION,
        "member_regions": MEMBER_REGIONS,
        "target_ou_ids": sorted(organization.member_account_by_ou),
        "log_archive": account(organization.log_archive_account, LOG_ARCHIVE_STACK),
        "stackset_admin": account(organization.management_account, MEMBER_STACKSET_STACK),
        # The management account writes the SCPs too, from a state of its own.
        "guardrails": {"policy_admin": account(organization.management_account, GUARDRAILS_STACK)},
        "verify": {"canary_role": True},
        "archive": {
            "retention_days": 400,
            "transcripts": {"transition_days": 30, "storage_class": "GLACIER_IR"},
            "object_lock": {"mode": "GOVERNANCE", "days": 365},
        },
        "tags": {"Project": "central-session-logs", "Environment": "emulator"},
        "emulator_endpoint": emulator,
    }


def apply(deployment: Deployment, stack: str) -> dict:
    """init, plan -out and apply of one stack; returns the plan as `terraform show -json` gives it."""
    deployment.terraform(stack, "init", "-input=false", "-lockfile=readonly")
    deployment.terraform(stack, "plan", "-input=false", "-out=first.tfplan")
    plan = json.loads(deployment.terraform(stack, "show", "-json", "first.tfplan").stdout)
    try:
        deployment.terraform(stack, "apply", "-input=false", "first.tfplan")
    except subprocess.CalledProcessError as failed:
        pytest.fail(f"terraform apply of {stack} failed:\n{failed.stdout}\n{failed.stderr}")
    return plan


def second_plan(deployment: Deployment, stack: str, folder: Path) -> StackPlan:
    workdir = folder / stack  # plan_stack names the stack after its folder
    shutil.copytree(deployment.stack_dir(stack), workdir, symlinks=True)
    return plan_stack(workdir, folder, deployment.cli_config)


def stored_log_archive_state(deployment: Deployment) -> dict:
    """The log-archive state object itself, as the S3 backend keeps it in the emulator."""
    s3 = deployment.client("s3", account=deployment.organization.management_account)
    key = deployment.config.log_archive.backend.key
    return json.loads(s3.get_object(Bucket=STATE_BUCKET, Key=key)["Body"].read())


def destroy_log_archive(deployment: Deployment) -> tuple[dict, subprocess.CompletedProcess]:
    before = stored_log_archive_state(deployment)
    # prevent_destroy is checked while the destroy is planned, whatever a
    # refresh would find, so skipping the refresh only saves time.
    result = deployment.terraform(
        LOG_ARCHIVE_STACK, "destroy", "-auto-approve", "-input=false", "-refresh=false", check=False
    )
    return before, result


def cdktf_deploy(
    deployment: Deployment, output: Path
) -> tuple[Path, subprocess.CompletedProcess] | None:
    """`make deploy STACKS=member-stackset`, the deploy workflow's second job; None without cdktf."""
    if not CDKTF.exists():
        return None
    make_deploy = [sys.executable, "-m", "tools.cdktf_cli", "deploy", MEMBER_STACKSET_STACK]
    command = [*make_deploy, "--auto-approve", "--output", str(output)]
    return output, run_with_cdktf(command, deployment)


def run_with_cdktf(command: list[str], deployment: Deployment) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "SESSION_LOGS_CONFIG": str(deployment.config_file),
        "TF_CLI_CONFIG_FILE": str(deployment.cli_config),
        # Plain output: no colours, no progress spinner.
        "CI": "1",
        "FORCE_COLOR": "0",
    }
    return subprocess.run(
        command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=600
    )


def _session_in(emulator: str, account: str, organization: Organization) -> boto3.Session:
    if account == organization.management_account:
        return boto3.Session(region_name=HOME_REGION)
    return assumed_session(
        emulator, f"arn:aws:iam::{account}:role/{DEPLOY_ROLE}", HOME_REGION, "e2e-checks"
    )


def assumed_session(emulator: str, role_arn: str, region: str, name: str) -> boto3.Session:
    """A session with the role's credentials; the emulator maps them to the role's account."""
    sts = boto3.client("sts", region_name=region, endpoint_url=emulator)
    credentials = sts.assume_role(RoleArn=role_arn, RoleSessionName=name)["Credentials"]
    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=region,
    )


# The account's own state, before the stack set reaches it: what an account
# that ran the article's template, or saved its own preferences, has.
OWN_STATE_REGION = "us-east-1"
OWN_SESSION_PREFERENCES = {
    "schemaVersion": "1.0",
    "description": "The account's own Session Manager preferences",
    "sessionType": "Standard_Stream",
    "inputs": {"idleSessionTimeout": "45", "cloudWatchStreamingEnabled": False},
}
OWN_RECORDING_PREFERENCES = {
    "KMSKeyArn": "arn:aws:kms:us-east-1:000000000000:key/their-own-key",
    "RecordingDestinations": {
        "S3Buckets": [{"BucketName": "their-own-recordings", "BucketOwner": "000000000000"}]
    },
}


def account_with_own_state(organization: Organization) -> str:
    return sorted(organization.member_account_by_ou.values())[0]


def give_account_its_own_state(deployment: Deployment, guiconnect) -> str:
    """A member account with the session log group, its own Session document and recording preferences."""
    account = account_with_own_state(deployment.organization)
    logs = deployment.client("logs", account=account, region=OWN_STATE_REGION)
    logs.create_log_group(logGroupName=f"session-manager-log-{account}")
    deployment.client("ssm", account=account, region=OWN_STATE_REGION).create_document(
        Name="SSM-SessionManagerRunShell",
        Content=json.dumps(OWN_SESSION_PREFERENCES),
        DocumentType="Session",
        DocumentFormat="JSON",
    )
    guiconnect.preferences[(account, OWN_STATE_REGION)] = OWN_RECORDING_PREFERENCES
    return account


def member_stack_custom_resource(deployment: Deployment, account: str, region: str, kind: str):
    """The custom resource of type `kind` in the stack set's stack instance in `account` and `region`.

    moto keeps a SERVICE_MANAGED instance's stack out of every API
    (tests/e2e/custom_resources.py), so it is read from moto's models.
    """
    from moto.cloudformation.models import cloudformation_backends

    backend = cloudformation_backends[deployment.organization.management_account][HOME_REGION]
    stack_set = backend.describe_stack_set(deployment.config.names.stack_set)
    stack = stack_set.instances.get_instance(account, region).stack
    [resource] = [
        resource
        for resource in stack.resource_map._parsed_resources.values()
        if getattr(resource, "cf_resource_type", None) == kind
    ]
    return resource


def apply_recording_calls(
    deployed: Deployment, stack: str, recorded: RecordedCalls, guiconnect: GuiConnectStandIn
) -> dict:
    """Applies `stack`; `recorded` gets the calls the emulator and the stand-in answered."""
    answered_before = len(guiconnect.calls)
    with recorded.applying(stack):
        plan = apply(deployed, stack)
    for operation, account, _region in guiconnect.calls[answered_before:]:
        recorded.add(stack, account, f"ssm-guiconnect:{operation}")
    return plan
