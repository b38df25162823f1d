"""CSL-DATA-1: the bucket and the keys that hold audit data have prevent_destroy."""

from __future__ import annotations

from collections.abc import Iterator

from cdktf import TerraformResource
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from cdktf_cdktf_provider_aws.kms_replica_key import KmsReplicaKey
from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket

from synth.policy_checks.finding import Finding

_DATA_RESOURCES = (S3Bucket, KmsKey, KmsReplicaKey)


def check(resource: TerraformResource) -> Iterator[Finding]:
    if isinstance(resource, _DATA_RESOURCES):
        # The meta-arguments come back as one plain object in jsii's names;
        # `resource.lifecycle` would fetch each of the struct's eight fields.
        lifecycle = resource.terraform_meta_arguments.get("lifecycle") or {}
        if not lifecycle.get("preventDestroy"):
            yield Finding("CSL-DATA-1", "holds audit data or its key and needs prevent_destroy")
