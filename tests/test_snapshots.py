"""Every change to the generated Terraform or template shows up here as a reviewable diff."""

from __future__ import annotations

import json

import pytest

from stacks.registry import STACKS_IN_DEPLOY_ORDER
from tests.support.snapshot import assert_matches_snapshot
from tests.support.templates import member_template


@pytest.mark.parametrize("stack", STACKS_IN_DEPLOY_ORDER)
def test_synthesized_stack_matches_snapshot(default_synth, stack):
    actual = default_synth.stack_path(stack).read_text()
    assert_matches_snapshot(f"{stack}.cdk.tf.json", actual)


def test_largest_guardrails_match_snapshot(every_option_synth):
    actual = every_option_synth.stack_path("guardrails").read_text()
    assert_matches_snapshot("guardrails-every-option.cdk.tf.json", actual)


@pytest.mark.parametrize(
    ("synth_name", "snapshot"),
    [
        ("default_synth", "member-template.json"),
        ("every_option_synth", "member-template-every-option.json"),
    ],
)
def test_member_template_matches_snapshot(request, synth_name, snapshot):
    synth = request.getfixturevalue(synth_name)
    # Indented, so a snapshot's diff shows the lines that changed.
    template = json.loads(member_template(synth.config).rendered_body)
    assert_matches_snapshot(snapshot, json.dumps(template, indent=1, sort_keys=True) + "\n")
