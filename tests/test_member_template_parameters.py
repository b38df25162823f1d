"""The member template's parameters: declared together with the values the stack set passes."""

from __future__ import annotations

import pytest

from components.member_template.builder import build_member_template
from components.member_template.parameters import LogArchiveOutputs
from config import load_config
from tests.support.configs import DEFAULT_CONFIG, EVERY_OPTION_CONFIG, THREE_REGIONS_CONFIG
from tests.support.templates import member_template

LOG_ARCHIVE_PARAMETERS = {"LogArchiveBucketName", "LogArchiveAccountId", "LogArchiveKeyId"}


def test_session_setting_parameters_accept_only_what_session_manager_accepts(default_template):
    parameters = default_template.body["Parameters"]
    assert (
        parameters["IdleSessionTimeout"]["MinValue"],
        parameters["IdleSessionTimeout"]["MaxValue"],
    ) == (1, 60)
    assert (
        parameters["MaxSessionDuration"]["MinValue"],
        parameters["MaxSessionDuration"]["MaxValue"],
    ) == (1, 1440)
    assert 3 in parameters["LogRetentionDays"]["AllowedValues"]
    assert 4 not in parameters["LogRetentionDays"]["AllowedValues"]  # fmt: skip


@pytest.mark.parametrize("config_file", [DEFAULT_CONFIG, THREE_REGIONS_CONFIG, EVERY_OPTION_CONFIG])
def test_template_declares_exactly_the_parameters_it_has_values_for(config_file):
    template = member_template(load_config(config_file))
    declared = set(template.body["Parameters"])
    assert declared == set(template.parameter_values)
    assert declared >= LOG_ARCHIVE_PARAMETERS


def test_log_archive_outputs_become_parameter_values_and_leave_the_body_alone(default_template):
    outputs = LogArchiveOutputs(
        bucket_name="archive-bucket", account_id="123456789012", key_id="mrk-0123"
    )
    template = build_member_template(load_config(DEFAULT_CONFIG), log_archive=outputs)
    assert {name: template.parameter_values[name] for name in LOG_ARCHIVE_PARAMETERS} == {
        "LogArchiveBucketName": "archive-bucket",
        "LogArchiveAccountId": "123456789012",
        "LogArchiveKeyId": "mrk-0123",
    }
    # The stack set passes cdktf tokens here; the template's body never holds them.
    assert template.body == default_template.body


def test_config_values_become_parameter_values(every_option_template):
    values = every_option_template.parameter_values
    assert values["InstanceRoleNames"].split(",")[0] == (
        "service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole"
    )
    assert len(values["InstanceRoleNames"].split(",")) == 10
    # CloudFormation accepts parameter values of at most 4,096 bytes.
    assert max(len(v.encode()) for v in values.values()) <= 4096
    assert values["ShellProfileLinux"] == "cd ${HOME}; exec bash -l"
    assert values["RunAsDefaultUser"] == "ssm-operator"
    assert values["S3LogKeyPrefix"] == "session-manager/transcripts"
