"""A config for a large organization: many OUs in every commercial region that has JIT access.

Used by `make bench` and the tests to check that synth time and the member
template do not grow with the size of the organization.
"""

from __future__ import annotations

from pathlib import Path

import yaml

SCALE_REGIONS = [
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1",
    "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1",
    "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1",
    "ap-southeast-2", "ap-south-1", "sa-east-1",
]  # fmt: skip
SCALE_OU_COUNT = 500


def write_scale_config(
    base: Path, destination: Path, *, many_ous: bool = True, many_regions: bool = True
) -> Path:
    """`base` with SCALE_OU_COUNT target OUs and all SCALE_REGIONS as member regions.

    Turning one of the two off shows what the other costs on its own.
    """
    settings = yaml.safe_load(base.read_text(encoding="utf-8"))
    if many_regions:
        settings["member_regions"] = SCALE_REGIONS
    if many_ous:
        settings["target_ou_ids"] = [f"ou-scal-{index:08d}" for index in range(SCALE_OU_COUNT)]
    destination.write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    return destination
