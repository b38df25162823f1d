"""cfn-lint on the member template, in every region the config accepts.

A stack instance fails as a whole where its template names something the
region lacks, so every template is checked against the resource
specification of every region in config/regions.py, not only the regions a
fixture deploys to.
"""

from __future__ import annotations

import json

import pytest
from cfnlint.api import ManualArgs, lint

from config.regions import COMMERCIAL_REGIONS


@pytest.mark.parametrize("fixture", ["default_template", "every_option_template"])
def test_cfn_lint_finds_nothing_in_any_accepted_region(request, fixture):
    matches = lint(
        request.getfixturevalue(fixture).rendered_body,
        config=ManualArgs(regions=list(COMMERCIAL_REGIONS)),
    )
    assert [str(match) for match in matches] == []


def test_cfn_lint_would_report_a_broken_template(default_template):
    broken = json.loads(default_template.rendered_body)
    function = broken["Resources"]["SessionLogGroupFunction"]["Properties"]
    function["Timeout"] = 0
    matches = lint(json.dumps(broken), config=ManualArgs(regions=["us-east-1"]))
    assert matches


def test_cfn_lint_would_report_a_type_a_region_lacks(default_template):
    # What the template named before: AWS::SSMGuiConnect::Preferences, which
    # 17 accepted regions lack (config/regions.py).
    with_typed_preferences = json.loads(default_template.rendered_body)
    with_typed_preferences["Resources"]["Typed"] = {
        "Type": "AWS::SSMGuiConnect::Preferences",
        "Properties": {},
    }
    matches = lint(json.dumps(with_typed_preferences), config=ManualArgs(regions=["af-south-1"]))
    assert "E3006" in {match.rule.id for match in matches}
