"""Every change to the generated Terraform or template shows up here as a reviewable diff."""

from __future__ import annotations

import pytest

from modules.member_template import build_member_template, render_template
from tests.snapshot import assert_matches_snapshot


@pytest.mark.parametrize("stack", ["log-archive", "member-stackset"])
def test_synthesized_stack_matches_snapshot(default_synth, stack):
    actual = default_synth.stack_path(stack).read_text()
    assert_matches_snapshot(f"{stack}.cdk.tf.json", actual)


def test_member_template_matches_snapshot(default_synth):
    template = render_template(build_member_template(default_synth.config.names))
    assert_matches_snapshot("member-template.json", template + "\n")
