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
from types import SimpleNamespace

import pytest
from moto.awslambda.models import LambdaBackend, LambdaFunction
from moto.cloudformation import parsing as cloudformation_parsing
from moto.cloudformation.models import StackSet
from moto.cloudformation.parsing import ResourceMap
from moto.cloudformation.responses import CloudFormationResponse
from moto.core.responses import ActionResult
from moto.kms.models import kms_backends
from moto.kms.responses import KmsResponse
from moto.s3.models import FakeBucket
from moto.s3.responses import S3Response
from moto.server import ThreadedMotoServer
from moto.sqs.models import Queue

from tests.e2e.custom_resources import CustomResourceSender, custom_resource_class
from tests.e2e.lambda_runtime import LambdaRuntime
from tests.e2e.recorded_calls import RecordedCalls, record_calls
from tests.e2e.session_log_delivery import deliver_session_logs
from tests.support.custom_resources import cloudformation_stand_in
from tests.support.guiconnect import GuiConnectStandIn
from tests.support.moto_logs import close_logs_gaps

LOOPBACK = "127.0.0.1"


@contextmanager
def running_emulator(guiconnect: GuiConnectStandIn, recorded: RecordedCalls) -> Iterator[str]:
    """Yields the emulator's URL; the server stops and the patches go, whatever happens.

    Custom resources run their handlers, which call the emulator and, for
    ssm-guiconnect (which moto lacks), `guiconnect`; session log events flow
    through destinations, Firehose and the processor into the bucket
    (tests/e2e/session_log_delivery.py); `recorded` gets the calls.
    """
    with (
        pytest.MonkeyPatch.context() as patches,
        cloudformation_stand_in() as response_url,
    ):
        _close_moto_gaps(patches)
        record_calls(patches, recorded)
        # One line per request would bury terraform's own output in failure reports.
        patches.setattr(logging.getLogger("werkzeug"), "level", logging.WARNING)
        server = ThreadedMotoServer(ip_address=LOOPBACK, port=0, verbose=False)
        server.start()
        try:
            host, port = server.get_host_and_port()
            url = f"http://{host}:{port}"
            functions = LambdaRuntime(url, guiconnect.url)
            _run_custom_resources(patches, CustomResourceSender(functions, response_url))
            deliver_session_logs(patches, functions)
            _run_queue_functions(patches, functions)
            yield url
        finally:
            server.stop()


def _run_queue_functions(patches: pytest.MonkeyPatch, functions: LambdaRuntime) -> None:
    """An SQS event source mapping's function runs here, as the other functions do.

    moto hands each message sent to such a queue to its Docker-backed Lambda,
    one record per invocation; AWS's pollers hand the function a batch and
    delete what it does not report in batchItemFailures (Lambda developer
    guide, "Handling errors for an SQS event source"). The harness runs the
    handler on the batch moto received and reports success only when
    nothing failed, so moto makes failed messages visible again.
    """

    def send_sqs_batch(self: LambdaBackend, function_arn: str, messages, queue_arn: str) -> bool:
        batch = {
            "Records": [
                {
                    "messageId": m.id,
                    "receiptHandle": m.receipt_handle,
                    "body": m.body,
                    "eventSource": "aws:sqs",
                    "eventSourceARN": queue_arn,
                }
                for m in messages
            ]
        }
        return functions.invoke(function_arn, batch) == {"batchItemFailures": []}

    patches.setattr(LambdaBackend, "send_sqs_batch", send_sqs_batch)


def _close_moto_gaps(patches: pytest.MonkeyPatch) -> None:
    patches.setattr(KmsResponse, "replicate_key", _replicate_key_as_kms_does)
    for handler in ("create_stack_set", "update_stack_set"):
        original = getattr(CloudFormationResponse, handler)
        patches.setattr(CloudFormationResponse, handler, _keeping_stack_set_settings(original))
    patches.setattr(StackSet, "managed_execution", property(_requested_managed_execution))
    _keep_lambda_logging_config(patches)
    patches.setattr(FakeBucket, "get_permission", _bucket_permission_over_tls)
    patches.setattr(
        Queue, "attributes", property(_redrive_policy_as_sqs_writes_it(Queue.attributes))
    )
    close_logs_gaps(patches)
    for handler, add in (
        ("get_bucket_logging", _add_log_object_key_format),
        ("get_bucket_notification", _add_eventbridge_configuration),
        ("get_bucket_replication", _add_replication_selection),
    ):
        patches.setattr(S3Response, handler, _with_stored_fields(getattr(S3Response, handler), add))
    patches.setattr(
        FakeBucket,
        "_log_permissions_enabled_policy",
        staticmethod(_log_delivery_allowed_by_policy(FakeBucket._log_permissions_enabled_policy)),
    )


# The condition of a TLS-only Deny; it never holds for an SDK request to AWS,
# which is always over TLS.
_WITHOUT_TLS = {"Bool": {"aws:SecureTransport": "false"}}


def _bucket_permission_over_tls(self: FakeBucket, action: str, resource: str):
    """moto evaluates only StringEquals conditions and takes any other as met, so
    the TLS-only Deny denies every object request over the emulator's loopback
    HTTP. The policy is evaluated as for a TLS request: without that statement."""
    from moto.iam.access_control import IAMPolicy, PermissionResult

    if self.policy is None:
        return PermissionResult.NEUTRAL
    policy = json.loads(self.policy)
    statements = policy["Statement"]
    if isinstance(statements, dict):
        statements = [statements]
    policy["Statement"] = [s for s in statements if s.get("Condition") != _WITHOUT_TLS]
    if not policy["Statement"]:
        return PermissionResult.NEUTRAL
    return IAMPolicy(json.dumps(policy)).is_action_permitted(action, resource)


def _redrive_policy_as_sqs_writes_it(attributes):
    """moto writes RedrivePolicy with json.dumps' spaces; SQS returns it without any
    (the API reference's GetQueueAttributes example), as the queue's config sets it."""

    def compact(self: Queue) -> dict:
        result = attributes.fget(self)
        if "RedrivePolicy" in result:
            result["RedrivePolicy"] = json.dumps(self.redrive_policy, separators=(",", ":"))
        return result

    return compact


def _with_stored_fields(handler, add):
    """moto 5.2.5 stores a bucket's logging, notification and replication
    configurations whole but leaves fields out when it returns them:
    TargetObjectKeyFormat (GetBucketLogging), EventBridgeConfiguration
    (GetBucketNotificationConfiguration) and each rule's
    SourceSelectionCriteria (GetBucketReplication), all in the S3 API
    reference's responses. The provider then plans to set them again on every
    run. The wrapped handler adds them from what moto stored to the result it
    serializes."""

    def respond(self: S3Response):
        serialize = self.serialized

        def with_stored_fields(result):
            if isinstance(result, ActionResult):
                add(self, result.result)
            return serialize(result)

        self.serialized = with_stored_fields
        try:
            return handler(self)
        finally:
            del self.serialized

    return respond


def _add_log_object_key_format(response: S3Response, result: dict) -> None:
    key_format = (response.backend.get_bucket_logging(response.bucket_name) or {}).get(
        "TargetObjectKeyFormat"
    )
    if key_format and "LoggingEnabled" in result:
        result["LoggingEnabled"]["TargetObjectKeyFormat"] = key_format


def _add_eventbridge_configuration(response: S3Response, result: dict) -> None:
    stored = response.backend.get_bucket_notification_configuration(response.bucket_name)
    if stored is not None and stored.event_bridge is not None:
        result["EventBridgeConfiguration"] = {}


def _add_replication_selection(response: S3Response, result: dict) -> None:
    stored = response.backend.get_bucket_replication(response.bucket_name)
    rules = result["ReplicationConfiguration"]["Rules"]
    for rule, stored_rule in zip(rules, stored["Rule"], strict=True):
        if "SourceSelectionCriteria" in stored_rule:
            rule["SourceSelectionCriteria"] = stored_rule["SourceSelectionCriteria"]


def _log_delivery_allowed_by_policy(check):
    """moto 5.2.5 reads every statement's Principal of the log bucket's policy as
    a dict and fails with a 500 on "*", which IAM allows (IAM user guide,
    "AWS JSON policy elements: Principal"), so PutBucketLogging never succeeds
    for a bucket that also denies requests without TLS. The wrapped check sees
    only the statements that name a service principal, as moto intends."""

    def allowed(target_bucket: FakeBucket, target_prefix: str | None) -> bool:
        document = json.loads(target_bucket.policy.decode()) if target_bucket.policy else None
        if document is None:
            return check(target_bucket, target_prefix)
        services = [s for s in document["Statement"] if isinstance(s.get("Principal"), dict)]
        narrowed = SimpleNamespace(
            name=target_bucket.name,
            partition=target_bucket.partition,
            policy=json.dumps({**document, "Statement": services}).encode(),
        )
        return check(narrowed, target_prefix)

    return allowed


def _replicate_key_as_kms_does(self: KmsResponse) -> str:
    """ReplicateKey as the KMS API reference describes it.

    moto 5.2.5 makes the replica a shallow copy of the primary. The two then
    share one MultiRegionConfiguration, so the first DescribeKey of the replica
    turns the primary into a REPLICA as well, and one set of aliases, where a
    KMS replica has none of the primary's. moto also ignores the
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


def _run_custom_resources(patches: pytest.MonkeyPatch, sender: CustomResourceSender) -> None:
    """Custom resources run their handlers (see tests/e2e/custom_resources.py for why)."""
    handled = custom_resource_class(sender)
    patches.setattr(
        cloudformation_parsing,
        "resource_class_from_type",
        _handling_custom_resources(cloudformation_parsing.resource_class_from_type, handled),
    )
    patches.setattr(ResourceMap, "delete", _deleting_first(ResourceMap.delete, handled))


def _handling_custom_resources(resource_class_from_type, handled: type):
    def resource_class(resource_type: str):
        if resource_type.startswith("Custom::"):
            return handled
        return resource_class_from_type(resource_type)

    return resource_class


def _deleting_first(delete_stack_resources, handled: type):
    """moto 5.2.5 deletes a stack's resources in no order, retrying what
    fails; CloudFormation deletes a resource before the ones it refers to
    (Template Reference, "DependsOn attribute": "Resource A is deleted before
    resource B"). A custom resource refers to its function, its role and what
    it manages, so its Delete has to run while they exist: the custom
    resources go first, the last created first, then moto deletes the rest."""

    def delete(self: ResourceMap) -> None:
        for logical_id, resource in reversed(list(self._parsed_resources.items())):
            if not isinstance(resource, handled):
                continue
            if self._resource_json_map[logical_id].get("DeletionPolicy") != "Retain":
                resource.delete(self._account_id, self._region_name)
                del self._parsed_resources[logical_id]
        delete_stack_resources(self)

    return delete


def _keep_lambda_logging_config(patches: pytest.MonkeyPatch) -> None:
    """moto 5.2.5 drops a function's LoggingConfig on CreateFunction and
    UpdateFunctionConfiguration and never returns it, so every plan would set
    the processor's log group again. These wrappers keep and return it."""
    create, update, describe = (
        LambdaFunction.__init__,
        LambdaFunction.update_configuration,
        LambdaFunction.get_configuration,
    )

    def created(self: LambdaFunction, account_id, spec, region, *args, **kwargs) -> None:
        create(self, account_id, spec, region, *args, **kwargs)
        self.logging_config = spec.get("LoggingConfig")

    def updated(self: LambdaFunction, config_updates: dict) -> dict:
        self.logging_config = config_updates.get("LoggingConfig", self.logging_config)
        return update(self, config_updates)

    def described(self: LambdaFunction, *args, **kwargs) -> dict:
        configuration = describe(self, *args, **kwargs)
        if self.logging_config:
            configuration["LoggingConfig"] = self.logging_config
        return configuration

    patches.setattr(LambdaFunction, "__init__", created)
    patches.setattr(LambdaFunction, "update_configuration", updated)
    patches.setattr(LambdaFunction, "get_configuration", described)


def _requested_managed_execution(stack_set: StackSet) -> dict:
    # moto 5.2.5 answers {"Active": False} whatever was requested.
    return getattr(stack_set, "requested_managed_execution", {"Active": False})
