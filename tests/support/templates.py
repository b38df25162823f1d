"""The member template built for tests, with stand-ins for the log archive stack's outputs."""

from __future__ import annotations

from components.member_template.builder import MemberTemplate, build_member_template
from components.member_template.parameters import LogArchiveOutputs
from config.models import SessionLogsConfig

# Literal values in the place of the log archive stack's outputs, which the
# member-stackset stack reads from that stack's state. The template's body does
# not depend on them; only the parameter values do.
TEST_LOG_ARCHIVE = LogArchiveOutputs(
    bucket_name="central-logs-111111111111",
    account_id="111111111111",
    key_id="mrk-1234abcd12ab34cd56ef1234567890ab",
)


def member_template(config: SessionLogsConfig) -> MemberTemplate:
    return build_member_template(config, log_archive=TEST_LOG_ARCHIVE)


# Expressions of the template that tests in more than one file expect, written
# out as CloudFormation reads them.
# The key replica of the stack's region, from the multi-Region key's id.
REGIONAL_KEY_ARN = {
    "Fn::Sub": "arn:${AWS::Partition}:kms:${AWS::Region}:${LogArchiveAccountId}"
    ":key/${LogArchiveKeyId}"
}
# CloudWatch Logs of the stack's region.
REGIONAL_LOGS_SERVICE = {"Fn::Sub": "logs.${AWS::Region}.amazonaws.com"}
