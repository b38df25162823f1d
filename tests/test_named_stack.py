"""Terraform addresses follow the construct tree, and two constructs cannot share one."""

from __future__ import annotations

import pytest
from cdktf import App
from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket
from constructs import Construct

from synth.named_stack import DEFAULT_CHILD, NamedStack


def test_default_child_takes_its_parents_name(tmp_path):
    app = App(outdir=str(tmp_path))
    stack = NamedStack(app, "minimal")
    AwsProvider(stack, "aws", region="us-east-1")
    group = Construct(stack, "audit-logs")
    S3Bucket(group, DEFAULT_CHILD, bucket="a")
    S3Bucket(group, "replica", bucket="b")
    app.synth()
    stack_json = (tmp_path / "stacks" / "minimal" / "cdk.tf.json").read_text()
    assert '"audit_logs": {' in stack_json
    assert '"audit_logs_replica": {' in stack_json


def test_constructs_that_would_share_an_address_are_refused(tmp_path):
    app = App(outdir=str(tmp_path))
    stack = NamedStack(app, "minimal")
    S3Bucket(stack, "audit-logs", bucket="a")
    with pytest.raises(Exception, match="would share the Terraform name 'audit_logs'"):
        S3Bucket(stack, "audit_logs", bucket="b")
        app.synth()
