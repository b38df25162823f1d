"""The accepted regions and the RDP recording regions agree with cfn-lint's specifications."""

from __future__ import annotations

import json
from pathlib import Path

import cfnlint
import pytest
from pydantic import TypeAdapter, ValidationError

from config.regions import COMMERCIAL_REGIONS, RDP_RECORDING_REGIONS
from config.types import Region

SPECIFICATIONS = Path(cfnlint.__file__).parent / "data" / "schemas" / "providers"


def _specified_commercial_regions() -> set[str]:
    """Regions cfn-lint has a specification for, of the `aws` partition."""
    from cfnlint.helpers import REGIONS

    return {
        r
        for r in REGIONS
        if (SPECIFICATIONS / f"{r}.json").exists()
        and not r.startswith(("cn-", "us-gov-", "us-iso", "eu-isoe-", "eusc-"))
    }


def test_commercial_regions_are_the_ones_cfn_lint_specifies():
    assert set(COMMERCIAL_REGIONS) == _specified_commercial_regions()
    assert list(COMMERCIAL_REGIONS) == sorted(COMMERCIAL_REGIONS)


def test_rdp_recording_regions_are_where_the_preferences_type_exists():
    with_type = {
        r
        for r in COMMERCIAL_REGIONS
        if "AWS::SSMGuiConnect::Preferences"
        in json.loads((SPECIFICATIONS / f"{r}.json").read_text(encoding="utf-8"))
    }
    assert set(RDP_RECORDING_REGIONS) == with_type
    assert list(RDP_RECORDING_REGIONS) == sorted(RDP_RECORDING_REGIONS)


@pytest.mark.parametrize("region", COMMERCIAL_REGIONS)
def test_every_commercial_region_is_accepted(region):
    assert TypeAdapter(Region).validate_python(region) == region


@pytest.mark.parametrize(
    ("region", "named"),
    [
        ("cn-north-1", "aws-cn (China)"),
        ("us-gov-west-1", "aws-us-gov (GovCloud)"),
        ("us-isob-east-1", "aws-iso-b"),
        ("eusc-de-east-1", "aws-eusc"),
        ("me-south-1", "not a commercial region this project can lint"),
        ("xx-nowhere-9", "not a commercial region this project can lint"),
    ],
)
def test_other_partitions_and_unknown_regions_are_refused_by_name(region, named):
    with pytest.raises(ValidationError) as raised:
        TypeAdapter(Region).validate_python(region)
    assert region in str(raised.value) and named in str(raised.value)
