"""A TerraformStack whose resource addresses read like the construct tree."""

from __future__ import annotations

import re

from cdktf import TerraformElement, TerraformLocal, TerraformStack
from constructs import Construct

# As in the AWS CDK, a construct's main resource has this id and adds nothing
# to the address: CentralLogBucket's bucket is aws_s3_bucket.central_log_bucket.
DEFAULT_CHILD = "Default"
# Cross-stack outputs get ids such as "cross-stack-output-aws_kms_key.x.key_id".
_NOT_IN_NAMES = re.compile(r"[^A-Za-z0-9_]+")


class NamedStack(TerraformStack):
    """Addresses like aws_kms_key.session_log_key instead of cdktf's hashed ids.

    Plan reviews and `terraform state` commands then name resources the way the
    code does, and a reader finds the resource from its address in one jump.
    """

    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        self._logical_id_owners: dict[str, str] = {}

    def _allocate_logical_id(self, tf_element: TerraformElement) -> str:
        # One call across jsii for the path instead of one per scope: a
        # construct's string form is its path (constructs 10), and construct
        # ids cannot contain "/", so the path splits back into them. A local's
        # string form is its reference, which needs this very id.
        if isinstance(tf_element, TerraformLocal):
            path = tf_element.node.path
        else:
            path = tf_element.to_string()
        ids = [part for part in path.split("/")[1:] if part != DEFAULT_CHILD]
        logical_id = _NOT_IN_NAMES.sub("_", "_".join(ids))
        owner = self._logical_id_owners.setdefault(logical_id, path)
        if owner != path:
            raise ValueError(f"{path} and {owner} would share the Terraform name {logical_id!r}")
        return logical_id
