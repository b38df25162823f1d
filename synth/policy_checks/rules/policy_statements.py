"""The Allow statements of every policy document a resource carries, for the IAM rules."""

from __future__ import annotations

import json

from cdktf import TerraformResource

# Where resources keep policy documents: bucket, key and IAM policies, role
# trust policies, CloudWatch Logs destination access policies.
_POLICY_ATTRIBUTES = ("policy_input", "assume_role_policy_input", "access_policy_input")


def allow_statements(resource: TerraformResource) -> list[dict]:
    statements: list[dict] = []
    for attribute in _POLICY_ATTRIBUTES:
        text = getattr(resource, attribute, None)
        if isinstance(text, str) and text.startswith("{"):
            found = json.loads(text).get("Statement", [])
            statements += found if isinstance(found, list) else [found]
    return [s for s in statements if s.get("Effect") == "Allow"]
