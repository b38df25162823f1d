"""moto, the AWS API emulator the end-to-end tests deploy into, with the gaps that matter closed.

moto runs in this process (ThreadedMotoServer) so its models can be patched.
Each patch covers one documented place where moto answers differently from
AWS and would otherwise make Terraform see drift or wait forever; the
project's Terraform is never changed to suit the emulator.
"""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from moto.cloudformation.models import StackSet
from moto.cloudformation.responses import CloudFormationResponse
from moto.kms.models import kms_backends
from moto.kms.responses import KmsResponse
from moto.server import ThreadedMotoServer

LOOPBACK = "127.0.0.1"


@contextmanager
def running_emulator() -> Iterator[str]:
    """Yields the emulator's URL; the server stops and the patches go, whatever happens."""
    with pytest.MonkeyPatch.context() as patches:
        _close_moto_gaps(patches)
        # One line per request would bury terraform's own output in failure reports.
        patches.setattr(logging.getLogger("werkzeug"), "level", logging.WARNING)
        server = ThreadedMotoServer(ip_address=LOOPBACK, port=0, verbose=False)
        server.start()
        try:
            host, port = server.get_host_and_port()
            yield f"http://{host}:{port}"
        finally:
            server.stop()


def _close_moto_gaps(patches: pytest.MonkeyPatch) -> None:
    patches.setattr(KmsResponse, "replicate_key", _replicate_key_as_kms_does)
    for handler in ("create_stack_set", "update_stack_set"):
        original = getattr(CloudFormationResponse, handler)
        patches.setattr(CloudFormationResponse, handler, _keeping_stack_set_settings(original))
    patches.setattr(StackSet, "managed_execution", property(_requested_managed_execution))


def _replicate_key_as_kms_does(self: KmsResponse) -> str:
    """ReplicateKey as the KMS API reference describes it.

    moto 5.2.5 makes the replica a shallow copy of the primary. The two then
    share one MultiRegionConfiguration, so the first DescribeKey of the replica
    turns the primary into a REPLICA as well, and one set of aliases, so the
    replica's own alias in its region "already exists". moto also ignores the
    request's Policy, Description and Tags: the replica keeps the primary's
    policy, and the provider waits in vain for the replica's own to appear.
    """
    backend = self.kms_backend
    primary_id = backend.get_key_id(self._get_param("KeyId"))
    replica_region = self._get_param("ReplicaRegion")
    replica = backend.replicate_key(primary_id, replica_region)
    replica.multi_region_configuration = {
        **copy.deepcopy(replica.multi_region_configuration),
        "MultiRegionKeyType": "REPLICA",
    }
    replica.aliases = {}
    replica.grants = {}
    replica.policy = self._get_param("Policy") or replica.generate_default_policy()
    replica.description = self._get_param("Description") or ""
    tags = self._get_param("Tags")
    if tags:
        kms_backends[backend.account_id][replica_region].tagger.tag_resource(replica.id, tags)
    return json.dumps(
        {"ReplicaKeyMetadata": replica.to_dict()["KeyMetadata"], "ReplicaPolicy": replica.policy}
    )


_STACK_SET_SETTINGS = {
    "AutoDeployment": "auto_deployment",
    "Capabilities": "capabilities",
    "ManagedExecution": "requested_managed_execution",
}


def _keeping_stack_set_settings(handler):
    """moto 5.2.5 drops AutoDeployment, Capabilities and ManagedExecution from
    CreateStackSet and UpdateStackSet, so DescribeStackSet never returns them
    and every plan would try to set them again. The wrapped handler stores them
    on the stack set, where moto's serializer finds them by name."""

    def handle(self: CloudFormationResponse):
        result = handler(self)
        stack_set = self.cloudformation_backend.describe_stack_set(self._get_param("StackSetName"))
        for parameter, attribute in _STACK_SET_SETTINGS.items():
            value = self._get_param(parameter)
            if value is not None:
                setattr(stack_set, attribute, value)
        return result

    return handle


def _requested_managed_execution(stack_set: StackSet) -> dict:
    # moto 5.2.5 answers {"Active": False} whatever was requested.
    return getattr(stack_set, "requested_managed_execution", {"Active": False})
