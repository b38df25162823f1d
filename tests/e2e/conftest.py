"""One deployment of both stacks into the AWS API emulator, shared by every end-to-end test.

Applying takes about two minutes (the AWS provider waits for S3 lifecycle
rules, KMS keys and StackSet operations to settle as it would on AWS), so it
happens once per session:
synth with the real `synthesize`, then `terraform init`, `plan -out` and
`apply` of log-archive and then member-stackset, both with S3 state in the
emulator and the member stack reading log-archive's outputs from that state.
The organization, the config and the helpers are in tests/e2e/support.py;
this file keeps only the fixtures.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest
import yaml

from config import load_config
from stacks.registry import STACKS_IN_DEPLOY_ORDER
from tests.e2e.emulator import running_emulator
from tests.e2e.recorded_calls import RecordedCalls
from tests.e2e.support import (
    EMULATOR_ENVIRONMENT,
    HOME_REGION,
    STATE_BUCKET,
    UNSET_VARIABLES,
    Deployment,
    FollowUps,
    Organization,
    apply_recording_calls,
    cdktf_deploy,
    destroy_log_archive,
    emulator_config,
    give_account_its_own_state,
    second_plan,
)
from tests.support.guiconnect import GuiConnectStandIn, guiconnect_stand_in


@pytest.fixture(scope="session")
def guiconnect() -> Iterator[GuiConnectStandIn]:
    """ssm-guiconnect, which moto lacks (tests/support/guiconnect.py)."""
    with guiconnect_stand_in() as stand_in:
        yield stand_in


@pytest.fixture(scope="session")
def recorded_calls() -> RecordedCalls:
    """The calls each stack's apply makes, per account (tests/e2e/recorded_calls.py)."""
    return RecordedCalls()


@pytest.fixture(scope="session")
def emulator(terraform_cli_config, guiconnect, recorded_calls) -> Iterator[str]:
    with (
        pytest.MonkeyPatch.context() as env,
        running_emulator(guiconnect, recorded_calls) as url,
    ):
        for name, value in EMULATOR_ENVIRONMENT.items():
            env.setenv(name, value)
        for name in UNSET_VARIABLES:
            env.delenv(name, raising=False)
        yield url


@pytest.fixture(scope="session")
def organization(emulator) -> Organization:
    orgs = boto3.client("organizations", region_name=HOME_REGION, endpoint_url=emulator)
    org = orgs.create_organization(FeatureSet="ALL")["Organization"]
    root_id = orgs.list_roots()["Roots"][0]["Id"]
    # What docs/guardrails.md asks of the management account before the
    # guardrails stack can attach SCPs (moto itself would not insist).
    orgs.enable_policy_type(RootId=root_id, PolicyType="SERVICE_CONTROL_POLICY")

    def account_in(parent_id: str, name: str) -> str:
        status = orgs.create_account(Email=f"{name}@example.com", AccountName=name)
        account_id = status["CreateAccountStatus"]["AccountId"]
        orgs.move_account(
            AccountId=account_id, SourceParentId=root_id, DestinationParentId=parent_id
        )
        return account_id

    def ou(name: str) -> str:
        return orgs.create_organizational_unit(ParentId=root_id, Name=name)["OrganizationalUnit"][
            "Id"
        ]

    # The log archive account sits in an OU the stack set does not target.
    log_archive = account_in(ou("security"), "log-archive")
    members = {}
    for name in ("workloads", "sandbox"):
        ou_id = ou(name)
        members[ou_id] = account_in(ou_id, f"{name}-member")
    return Organization(
        id=org["Id"],
        management_account=org["MasterAccountId"],
        log_archive_account=log_archive,
        member_account_by_ou=members,
    )


@pytest.fixture(scope="session")
def deployment(
    emulator, organization, guiconnect, recorded_calls, terraform_cli_config, tmp_path_factory
) -> Deployment:
    from stacks.app import synthesize

    s3 = boto3.client("s3", region_name=HOME_REGION, endpoint_url=emulator)
    s3.create_bucket(
        Bucket=STATE_BUCKET, CreateBucketConfiguration={"LocationConstraint": HOME_REGION}
    )
    workdir = tmp_path_factory.mktemp("e2e")
    config_file = workdir / "config.yaml"
    config_file.write_text(yaml.safe_dump(emulator_config(emulator, organization)))
    config = load_config(config_file)
    outdir = workdir / "cdktf.out"
    synthesize(config, outdir)
    deployed = Deployment(emulator, organization, config, config_file, outdir, terraform_cli_config)
    give_account_its_own_state(deployed, guiconnect)
    for stack in STACKS_IN_DEPLOY_ORDER:
        deployed.first_plans[stack] = apply_recording_calls(
            deployed, stack, recorded_calls, guiconnect
        )
    return deployed


@pytest.fixture(scope="session")
def follow_ups(deployment, tmp_path_factory) -> Iterator[FollowUps]:
    """The second plans, the refused destroy and cdktf's deploy, started at once.

    None of them changes the deployment, and each works in its own folder
    (Terraform's working files are not safe to share between runs), so they
    cannot disturb each other.
    """
    scratch = tmp_path_factory.mktemp("follow-ups")
    with ThreadPoolExecutor(max_workers=4) as pool:
        yield FollowUps(
            second_plans={
                stack: pool.submit(second_plan, deployment, stack, scratch / stack)
                for stack in STACKS_IN_DEPLOY_ORDER
            },
            refused_destroy=pool.submit(destroy_log_archive, deployment),
            cdktf_deploy=pool.submit(cdktf_deploy, deployment, scratch / "cdktf.out"),
        )
