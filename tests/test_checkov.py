"""checkov on the synthesized Terraform JSON and on the member template: no failed check.

Every skipped check is listed here with the reason it does not apply.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.templates import member_template

SKIPPED_CHECKS = {
    "CKV_AWS_18": (
        "the archive buckets log their requests to the access-log bucket; that bucket would "
        "need another one to log to, whose log would need another, without end"
    ),
    "CKV_AWS_145": (
        "the access-log bucket: S3 server access logging delivers only into buckets encrypted "
        "with SSE-S3 (S3 user guide, 'Enabling Amazon S3 server access logging'); every "
        "other bucket's SSE-KMS is asserted in tests/test_log_archive_stack.py"
    ),
    "CKV_AWS_144": (
        "cross-region replication needs a second bucket and key in another region; that copy "
        "is a backup decision of the organization, not part of collecting session logs"
    ),
    "CKV2_AWS_62": (
        "the archive buckets announce new objects to EventBridge; the access-log bucket's "
        "objects are logs of requests to them, and announcing those has no consumer"
    ),
    # The project's Lambda functions: the Firehose processor in the log archive
    # and the two custom resource handlers in the member template.
    "CKV_AWS_50": (
        "X-Ray tracing would show one short in-memory step per invocation; failures are in "
        "each function's encrypted log group and, for Firehose, in the error prefix"
    ),
    "CKV_AWS_115": (
        "reserved concurrency takes from the account's unreserved pool, and accounts with a "
        "low Lambda concurrency quota refuse it; Firehose retries throttled invocations and "
        "CloudFormation calls each handler once per stack operation"
    ),
    "CKV_AWS_116": (
        "a dead-letter queue only receives failed asynchronous events: Firehose invokes the "
        "processor synchronously and keeps failed records in the error prefix, and a custom "
        "resource handler answers CloudFormation itself, which a queue cannot do"
    ),
    "CKV_AWS_117": (
        "the functions call only AWS APIs (or none) and hold no network-reachable data; a VPC "
        "would add subnets and endpoints in every member account for no protection"
    ),
    "CKV_AWS_173": (
        "the processor's environment holds two folder names and a log group prefix, the same "
        "names config/names.py gives every deployment, no secret; Lambda encrypts environment "
        "variables at rest with its AWS managed key, and a customer managed key would have the "
        "processor's role decrypt with the session log key for no protection"
    ),
    "CKV_AWS_272": (
        "the code is the reviewed source from this repository, pinned by its hash in the "
        "Terraform JSON or inlined into the reviewed template; AWS Signer adds nothing to that"
    ),
}


def checkov(path: Path, framework: str) -> dict:
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE"}  # no call to the Prisma Cloud API
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("checkov")),
            "--directory" if path.is_dir() else "--file", str(path),
            "--framework", framework,
            "--skip-check", ",".join(SKIPPED_CHECKS),
            "--skip-download",
            "--output", "json",
            "--quiet",
        ],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert result.stdout.startswith("{"), result.stdout + result.stderr
    return json.loads(result.stdout)


def failed_checks(report: dict) -> list[str]:
    return [
        f"{c['check_id']} {c['resource']}: {c['check_name']}"
        for c in report["results"]["failed_checks"]
    ]


def test_every_skip_has_a_reason():
    assert all(len(reason) > 40 for reason in SKIPPED_CHECKS.values())


@pytest.mark.parametrize(
    "synth_name", ["default_synth", "three_region_synth", "every_option_synth"]
)
def test_synthesized_terraform_passes_checkov(request, synth_name):
    synth = request.getfixturevalue(synth_name)
    report = checkov(synth.outdir / "stacks", "terraform_json")
    assert failed_checks(report) == []
    assert report["summary"]["passed"] > 20


@pytest.mark.parametrize("synth_name", ["default_synth", "every_option_synth"])
def test_member_template_passes_checkov(request, synth_name, tmp_path):
    synth = request.getfixturevalue(synth_name)
    template = tmp_path / "member.template.json"
    template.write_text(member_template(synth.config).rendered_body)
    report = checkov(template, "cloudformation")
    assert failed_checks(report) == []
    assert report["summary"]["passed"] > 5
