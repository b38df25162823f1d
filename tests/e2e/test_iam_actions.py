"""Requests are named as the IAM actions they need (tests/e2e/iam_actions.py)."""

from __future__ import annotations

import pytest

from tests.e2e.iam_actions import SignedRequest, access_key_and_action


def signed(service: str, method: str, target: str, body: bytes = b"", **headers) -> SignedRequest:
    scope = f"Credential=AKIAEXAMPLE/20260101/us-east-1/{service}/aws4_request"
    authorization = f"AWS4-HMAC-SHA256 {scope}, SignedHeaders=host, Signature=0"
    return SignedRequest(method, target, {"Authorization": authorization, **headers}, body)


@pytest.mark.parametrize(
    ("request_", "action"),
    [
        (
            signed("kms", "POST", "/", **{"X-Amz-Target": "TrentService.ReplicateKey"}),
            "kms:ReplicateKey",
        ),
        (signed("iam", "POST", "/", b"Action=CreateRole&Version=2010-05-08"), "iam:CreateRole"),
        (signed("sts", "GET", "/?Action=AssumeRole&RoleArn=x"), "sts:AssumeRole"),
        (signed("s3", "GET", "/logs?policy"), "s3:GetBucketPolicy"),
        (signed("s3", "GET", "/logs?list-type=2&prefix=a"), "s3:ListBucket"),
        (signed("s3", "PUT", "/logs?lifecycle"), "s3:PutLifecycleConfiguration"),
        (signed("s3", "HEAD", "/state/log-archive/terraform.tfstate"), "s3:GetObject"),
        (signed("s3", "PUT", "/state/log-archive/terraform.tfstate"), "s3:PutObject"),
        (
            signed("s3", "PUT", "/logs/copy", **{"x-amz-copy-source": "/logs/original"}),
            "s3:CopyObject",
        ),
        (signed("lambda", "GET", "/2015-03-31/functions/processor"), "lambda:GetFunction"),
        (signed("lambda", "GET", "/2015-03-31/functions/processor/policy"), "lambda:GetPolicy"),
    ],
)
def test_a_request_is_named_by_its_service_and_operation(request_, action):
    assert access_key_and_action(request_) == ("AKIAEXAMPLE", action)


def test_an_unsigned_request_needs_no_action():
    assert access_key_and_action(SignedRequest("GET", "/", {}, b"")) is None
