"""Every commercial region and 600 target OUs: the largest organization the config describes.

CreateStackInstances takes at most 50 OUs a call, so the OUs reach
CloudFormation in batches, each an instance of its own in every region; the
member template stays the one cfn-lint checks (tests/test_member_template_lint.py).
"""

from __future__ import annotations

import pytest
import yaml

from config.regions import COMMERCIAL_REGIONS
from tests.support.configs import DEFAULT_CONFIG
from tests.support.synth import synthesize_config

OU_COUNT = 600
STACK = "member-stackset"


@pytest.fixture(scope="module")
def largest_synth(tmp_path_factory):
    folder = tmp_path_factory.mktemp("largest")
    settings = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    settings["member_regions"] = list(COMMERCIAL_REGIONS)
    settings["target_ou_ids"] = [f"ou-larg-{index:08d}" for index in range(OU_COUNT)]
    config = folder / "largest.yaml"
    config.write_text(yaml.safe_dump(settings), encoding="utf-8")
    return synthesize_config(config, folder / "out")


def test_ous_reach_cloudformation_in_batches_of_at_most_fifty(largest_synth):
    [batches] = largest_synth.stack(STACK)["locals"].values()
    assert [len(batch) for batch in batches] == [50] * 12
    assert [ou for batch in batches for ou in batch] == largest_synth.config.target_ou_ids


def test_every_region_gets_an_instance_per_batch_and_keeps_its_first_key(largest_synth):
    [instances] = largest_synth.resources(STACK, "aws_cloudformation_stack_set_instance").values()
    keys = instances["for_each"]
    regions = largest_synth.config.deployment_regions
    assert len(keys) == len(regions) * 12
    for region in regions:
        # An existing deployment's instance keeps its address, the region.
        assert keys[region] == {"region": region, "batch": 0}
        assert keys[f"{region}/12"] == {"region": region, "batch": 11}


def test_the_member_template_does_not_grow_with_the_organization(largest_synth, default_synth):
    def body(synth):
        [stack_set] = synth.resources(STACK, "aws_cloudformation_stack_set").values()
        return stack_set["template_body"]

    assert body(largest_synth) == body(default_synth)
