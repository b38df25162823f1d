"""`make verify --canary` in the emulated organization: every pair's event reaches the canary folder.

The events travel the whole delivery path the end-to-end stand-ins carry
(subscription, destination, Firehose, processor), through each member
account's verifier role, and land apart from the transcripts. Through the
same role verify reads the RDP recording preferences the stack instances
wrote into the ssm-guiconnect stand-in: every pair's name the central bucket.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from config.regions import RDP_RECORDING_REGIONS
from project import PROJECT_ROOT
from tests.e2e.support import EMULATOR_ENVIRONMENT


def test_every_pairs_canary_is_delivered_apart_from_the_transcripts(
    deployment, follow_ups, guiconnect, tmp_path
):
    follow_ups.wait()
    output = tmp_path / "verify.json"
    env = {
        **os.environ,
        **EMULATOR_ENVIRONMENT,
        "SESSION_LOGS_CONFIG": str(deployment.config_file),
        "AWS_ENDPOINT_URL_SSM_GUICONNECT": guiconnect.url,
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tools.verify",
            "--canary",
            "--canary-wait",
            "30",
            "--json",
            str(output),
        ],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    # Other checks may fail here (the data tests leave error objects); the canary
    # and the RDP recording preferences must not.
    assert result.returncode in (0, 1), result.stderr
    pairs = json.loads(output.read_text())["pairs"]
    config = deployment.config
    assert len(pairs) == len(deployment.organization.member_account_by_ou) * len(
        config.deployment_regions
    )
    assert {p["checks"]["canary"]["status"] for p in pairs} == {"ok"}, pairs
    assert set(config.deployment_regions) <= set(RDP_RECORDING_REGIONS)
    archive = deployment.organization.log_archive_account
    assert {p["checks"]["rdp_recording"]["detail"] for p in pairs} == {
        f"recordings go to {config.names.bucket} (owner {archive})"
    }, pairs
    assert {p["checks"]["rdp_recording"]["status"] for p in pairs} == {"ok"}
    s3 = deployment.client("s3", account=deployment.organization.log_archive_account)
    names = config.names
    for pair in pairs:
        prefix = f"{names.session_log_canary_folder}/{pair['account']}/{pair['region']}/"
        assert len(s3.list_objects_v2(Bucket=names.bucket, Prefix=prefix)["Contents"]) == 1
