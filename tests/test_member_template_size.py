"""The member template's rendered body: deterministic, and within CloudFormation's size limit."""

from __future__ import annotations

import json

import pytest

from components.member_template.builder import MemberTemplate
from config import load_config
from tests.support.configs import DEFAULT_CONFIG
from tests.support.templates import member_template
from tools.scale_config import SCALE_OU_COUNT, write_scale_config

# CreateStackSet/UpdateStackSet accept a TemplateBody of at most 51,200 bytes.
TEMPLATE_BODY_LIMIT = 51_200


@pytest.mark.parametrize("fixture", ["default_template", "every_option_template"])
def test_rendering_is_deterministic(request, fixture):
    rendered = request.getfixturevalue(fixture).rendered_body
    reread = MemberTemplate(body=json.loads(rendered), parameter_values={})
    assert reread.rendered_body == rendered


def test_the_largest_template_fits_the_template_body_limit(every_option_template):
    size = len(every_option_template.rendered_body.encode())
    assert size < TEMPLATE_BODY_LIMIT
    # The every-option config switches on every optional resource.
    assert set(every_option_template.body["Resources"]) >= {
        "InstancePolicyAttachment",
        "SessionEncryptionUserPolicy",
    }


def test_template_does_not_grow_with_the_organization(default_template, tmp_path):
    scale = load_config(write_scale_config(DEFAULT_CONFIG, tmp_path / "scale.yaml"))
    assert len(scale.target_ou_ids) == SCALE_OU_COUNT
    assert member_template(scale).rendered_body == default_template.rendered_body
