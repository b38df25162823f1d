"""The config and the member template's CloudFormation parameters accept the same values.

Both take their patterns from config/types.py; these samples show the two
checks agree, the config's through pydantic and CloudFormation's as its
AllowedPattern regex.
"""

from __future__ import annotations

import re

import pytest
from pydantic import TypeAdapter, ValidationError

from components.member_template.parameters import (
    LOG_ARCHIVE_ACCOUNT_ID,
    RUN_AS_DEFAULT_USER,
    S3_LOG_BUCKET,
    S3_LOG_BUCKET_KEY_ARN,
    LogArchiveOutputs,
    template_parameters,
)
from config.loader import load_config
from config.types import AccountId, BucketName, KmsKeyArn, LinuxUserName
from tests.support.configs import EVERY_OPTION_CONFIG

SAMPLES = {
    AccountId: (
        LOG_ARCHIVE_ACCOUNT_ID,
        ["111122223333"],
        ["11112222333", "1111222233334", "abcdefghijkl"],
    ),
    BucketName: (
        S3_LOG_BUCKET,
        ["session-logs", "a1b", "x" * 63],
        ["ab", "Session-Logs", "-logs", "logs-", "x" * 64, "my.logs"],
    ),
    KmsKeyArn: (
        S3_LOG_BUCKET_KEY_ARN,
        [
            "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "arn:aws:kms:ap-southeast-5:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab",
        ],
        [
            "arn:aws:kms:us-east-1:111122223333:alias/logs",
            "arn:aws:s3:::bucket",
            "arn:aws:kms:us-east-1:11112222333:key/1234",
        ],
    ),
    LinuxUserName: (RUN_AS_DEFAULT_USER, ["", "ssm-user", "_svc"], ["Root", "1user", "a" * 33]),
}


@pytest.fixture(scope="module")
def declarations() -> dict[str, dict]:
    config = load_config(EVERY_OPTION_CONFIG)
    outputs = LogArchiveOutputs(bucket_name="b", account_id="111122223333", key_id="mrk-0")
    return {name: p.declaration for name, p in template_parameters(config, outputs).items()}


@pytest.mark.parametrize("constrained", SAMPLES, ids=lambda t: str(t).split("[")[0])
def test_config_and_template_parameter_agree_on_samples(declarations, constrained):
    parameter, accepted, refused = SAMPLES[constrained]
    allowed = re.compile(declarations[parameter]["AllowedPattern"])
    adapter = TypeAdapter(constrained)
    for value in accepted:
        adapter.validate_python(value)
        assert allowed.search(value), f"{parameter} refuses {value!r}, which the config accepts"
    for value in refused:
        with pytest.raises(ValidationError):
            adapter.validate_python(value)
        assert not allowed.search(value), f"{parameter} accepts {value!r}, which the config refuses"


def test_every_pattern_parameter_of_the_template_has_samples(declarations):
    patterned = {n for n, d in declarations.items() if "AllowedPattern" in d}
    sampled = {parameter for parameter, _, _ in SAMPLES.values()}
    # The key id is not a config value: it comes from the log archive's state.
    assert patterned - sampled == {"LogArchiveKeyId"}
