"""IAM, KMS and S3 policy documents, kept as plain data so tests can read them."""

import json

PolicyDocument = dict


def render_policy(document: PolicyDocument) -> str:
    """Deterministic JSON, so Terraform plans show only real policy changes."""
    return json.dumps(document, indent=2, sort_keys=True)


def policy(*statements: dict) -> PolicyDocument:
    return {"Version": "2012-10-17", "Statement": list(statements)}
