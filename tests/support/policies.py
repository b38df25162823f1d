"""Reading policy documents in assertions."""

from __future__ import annotations

import json


def statements_by_sid(document: dict | str) -> dict[str, dict]:
    """The statements of a policy document (a dict, or its JSON as Terraform holds it) by Sid."""
    if isinstance(document, str):
        document = json.loads(document)
    return {s["Sid"]: s for s in document["Statement"]}
