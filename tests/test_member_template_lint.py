"""cfn-lint on the member template, in every region the fixture configs deploy to."""

from __future__ import annotations

import json

import pytest
from cfnlint.api import ManualArgs, lint

from config import load_config
from tests.support.configs import EVERY_OPTION_CONFIG, THREE_REGIONS_CONFIG


@pytest.mark.parametrize("fixture", ["default_template", "every_option_template"])
def test_cfn_lint_finds_nothing_in_any_member_region(request, fixture):
    regions = sorted(
        {
            *load_config(THREE_REGIONS_CONFIG).member_regions,
            *load_config(EVERY_OPTION_CONFIG).member_regions,
        }
    )
    matches = lint(
        request.getfixturevalue(fixture).rendered_body, config=ManualArgs(regions=regions)
    )
    assert [str(match) for match in matches] == []


def test_cfn_lint_would_report_a_broken_template(default_template):
    broken = json.loads(default_template.rendered_body)
    broken["Resources"]["SessionLogGroup"]["Properties"]["RetentionInDays"] = 4
    matches = lint(json.dumps(broken), config=ManualArgs(regions=["us-east-1"]))
    assert matches
