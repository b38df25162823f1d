"""Custom resources of deployed templates, run as CloudFormation and Lambda run them.

moto 5.2.5 runs a Lambda-backed custom resource by invoking its function in
Docker and then looking up the stack; for a SERVICE_MANAGED stack instance it
deploys the template into a stack it never registers, so CreateStackInstances
fails ("Stack with id ... does not exist"). It never sends Update or Delete.
AWS sends Create, Update and Delete to the function and waits for the answer
at the pre-signed ResponseURL (CloudFormation User Guide, "Custom resource
request types"). This stand-in does that without Docker: it runs the
function's handler as Lambda would (tests/e2e/lambda_runtime.py) and reads
the answer from a local ResponseURL. A FAILED answer fails the request, and with
it the stack operation, as on AWS; a SUCCESS keeps the PhysicalResourceId for
the next Update and Delete, and the Data for Fn::GetAtt.

The event is built as the User Guide's "Custom resource request objects"
describes it: ServiceToken is sent, ServiceTimeout is CloudFormation's own
and stays out of ResourceProperties ("All other fields in the resource
properties ... are sent ... in the request's ResourceProperties field"), and
every scalar arrives as a string (aws-cloudformation/cloudformation-coverage-roadmap#1037).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from moto.cloudformation.exceptions import CloudFormationError, UnformattedGetAttTemplateException
from moto.core.common_models import CloudFormationModel

from tests.e2e.lambda_runtime import LambdaRuntime
from tests.support.custom_resources import CloudFormationStandIn

# Properties CloudFormation reads itself and does not pass to the handler.
_CLOUDFORMATION_PROPERTIES = ("ServiceTimeout",)


class CustomResourceFailed(CloudFormationError):
    """The handler answered FAILED.

    CloudFormation fails the resource with the answer's Reason and the stack
    operation with it; moto runs the operation inside the API call, so the
    call fails, with a client error that no SDK retries (ValidationError, one
    of the codes CloudFormation's service model knows).
    """

    code = "ValidationError"


@dataclass
class CustomResourceSender:
    """Sends requests to the handlers and reads their answers at the local ResponseURL."""

    functions: LambdaRuntime
    cloudformation: CloudFormationStandIn

    def send(self, event: dict) -> dict:
        """Runs the handler of the event's ServiceToken and returns its SUCCESS answer."""
        request_id = str(uuid.uuid4())
        full_event = {**event, "RequestId": request_id, "ResponseURL": self.cloudformation.url}
        self.functions.invoke(event["ServiceToken"], full_event)
        [answer] = [a for a in self.cloudformation.answers if a["RequestId"] == request_id]
        if answer["Status"] != "SUCCESS":
            raise CustomResourceFailed(
                f"{event['RequestType']} of {event['LogicalResourceId']} failed: {answer['Reason']}"
            )
        return answer


def as_cloudformation_sends(properties: dict) -> dict:
    """ResourceProperties as the handler receives them."""
    kept = {k: v for k, v in properties.items() if k not in _CLOUDFORMATION_PROPERTIES}
    return _stringified(kept)


def _stringified(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _stringified(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_stringified(v) for v in value]
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def custom_resource_class(sender: CustomResourceSender) -> type[CloudFormationModel]:
    """A moto resource class whose create, update and delete run the handler through `sender`."""

    class HandledCustomResource(CloudFormationModel):
        def __init__(self, account: str, region: str, request: dict, properties: dict) -> None:
            # StackId, LogicalResourceId and ResourceType: the same in every request.
            self.account, self.region, self.request = account, region, request
            self.properties = properties
            self.physical_id = ""
            self.data: dict[str, Any] = {}

        @property
        def physical_resource_id(self) -> str:
            return self.physical_id

        @staticmethod
        def cloudformation_type() -> str:
            return "AWS::CloudFormation::CustomResource"

        @classmethod
        def has_cfn_attr(cls, attr: str) -> bool:
            return True  # the handler's Data decides

        def get_cfn_attribute(self, attribute_name: str) -> Any:
            if attribute_name not in self.data:
                raise UnformattedGetAttTemplateException()
            return self.data[attribute_name]

        @classmethod
        def create_from_cloudformation_json(  # type: ignore[misc]
            cls, resource_name, cloudformation_json, account_id, region_name, **kwargs
        ):
            request = {
                "StackId": kwargs["StackId"],
                "LogicalResourceId": kwargs["LogicalId"],
                "ResourceType": kwargs["ResourceType"],
            }
            resource = cls(account_id, region_name, request, cloudformation_json["Properties"])
            resource.send("Create")
            return resource

        @classmethod
        def update_from_cloudformation_json(  # type: ignore[misc]
            cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name
        ):
            updated = cls(
                account_id,
                region_name,
                original_resource.request,
                cloudformation_json["Properties"],
            )
            updated.physical_id = original_resource.physical_id
            updated.send("Update", OldResourceProperties=original_resource.event_properties())
            if updated.physical_id != original_resource.physical_id:
                # A new physical id is a replacement: CloudFormation deletes the
                # old resource ("Custom resource request types", Update).
                original_resource.delete(account_id, region_name)
            return updated

        def delete(self, account_id: str, region_name: str) -> None:
            self.send("Delete")

        def event_properties(self) -> dict:
            return as_cloudformation_sends(self.properties)

        def send(self, request_type: str, **extra: Any) -> None:
            """Sends the handler one request, as CloudFormation would, and keeps its answer."""
            event = {
                "RequestType": request_type,
                "ServiceToken": self.properties["ServiceToken"],
                **self.request,
                "ResourceProperties": self.event_properties(),
                **extra,
            }
            if request_type != "Create":
                event["PhysicalResourceId"] = self.physical_id
            answer = sender.send(event)
            self.physical_id = answer["PhysicalResourceId"]
            self.data = answer.get("Data", {})

    return HandledCustomResource
