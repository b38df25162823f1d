"""RDP recording readiness: the pair's recording preferences send recordings to the central bucket.

Recording preferences are per account and region ("Returns the preferences
specified for recording RDP connections in the requesting Amazon Web
Services account and Amazon Web Services Region", ssm-guiconnect
GetConnectionRecordingPreferences, AWS CLI reference), so verify reads them
in the member account, through its verifier role (verify.canary_role). A
region without AWS::SSMGuiConnect::Preferences has no RDP recording
(config/regions.py) and nothing to check.

What recording also depends on, just-in-time node access ("Just-in-time node
access includes the ability to record RDP connections made to your Windows
Server nodes", Systems Manager user guide, "Recording RDP connections",
https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-just-in-time-node-access-rdp-recording.html),
is not checked: it is enabled from the delegated administrator account
through a Quick Setup configuration manager for chosen OUs and Regions, and
no documented API says whether it is enabled in a given account and region
(docs/verify.md, "RDP recording readiness").
"""

from __future__ import annotations

from collections.abc import Callable

from config.regions import RDP_RECORDING_REGIONS
from tools.verify.guiconnect import ServiceError
from tools.verify.result import FAIL, OK, CheckResult

NAME = "rdp_recording"
NOT_CHECKED = (
    f"{NAME} not checked: verify reads each account's RDP recording preferences through the "
    "member role central-session-logs-verifier-<account-wide region>, which only "
    "verify.canary_role: true creates"
)


def check_pair(
    read_preferences: Callable[[], dict], *, region: str, bucket: str, owner: str
) -> CheckResult:
    """`read_preferences` answers GetConnectionRecordingPreferences in the pair's account and region."""
    if region not in RDP_RECORDING_REGIONS:
        return CheckResult(OK, f"no RDP recording in {region}: nothing to check")
    try:
        answer = read_preferences()
    except ServiceError as error:
        if error.code == "ResourceNotFoundException":
            return CheckResult(FAIL, "no recording preferences")
        return CheckResult(FAIL, f"could not read the recording preferences: {error}")
    preferences = answer.get("ConnectionRecordingPreferences") or {}
    buckets = (preferences.get("RecordingDestinations") or {}).get("S3Buckets") or []
    wanted = {"BucketName": bucket, "BucketOwner": owner}
    if [_destination(b) for b in buckets] == [wanted]:
        return CheckResult(OK, f"recordings go to {bucket} (owner {owner})")
    where = ", ".join(_described(b) for b in buckets) or "no bucket"
    return CheckResult(
        FAIL, f"recording preferences point to {where}, not {bucket} (owner {owner})"
    )


def _destination(bucket: dict) -> dict:
    return {"BucketName": bucket.get("BucketName"), "BucketOwner": bucket.get("BucketOwner")}


def _described(bucket: dict) -> str:
    return f"{bucket.get('BucketName')} (owner {bucket.get('BucketOwner')})"
