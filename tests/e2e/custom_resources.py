"""Custom resources of deployed templates, run as CloudFormation and Lambda run them.

moto 5.2.5 runs a Lambda-backed custom resource by invoking its function in
Docker and then looking up the stack; for a SERVICE_MANAGED stack instance it
deploys the template into a stack it never registers, so CreateStackInstances
fails ("Stack with id ... does not exist"). AWS invokes the function and
waits for its answer at the pre-signed ResponseURL. This stand-in does that
without Docker: it takes the function's code (index.py of its zip), runs the
handler in a process of its own (Lambda gives each function its own
environment), with credentials of the function's role in the member account
(from the emulator's STS, which maps them to that account) and the emulator
as every endpoint, and reads the answer from a local ResponseURL. A FAILED
answer fails the resource, and with it the stack instance, as on AWS.

Properties reach the handler as CloudFormation sends them: every scalar a
string (aws-cloudformation/cloudformation-coverage-roadmap#1037).
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tempfile
import uuid
import zipfile
from dataclasses import dataclass
from typing import Any

import boto3
from moto.awslambda.utils import get_backend as lambda_backend
from moto.core.common_models import CloudFormationModel

from tests.support.custom_resources import CloudFormationStandIn

_RUN_HANDLER = """
import json, sys
sys.path.insert(0, sys.argv[1])
import index
index.handler(json.loads(sys.stdin.read()), None)
"""


@dataclass
class LambdaRuntime:
    """Where the handlers' calls go: the emulator, the ssm-guiconnect stand-in, the ResponseURL."""

    emulator_url: str
    guiconnect_url: str
    cloudformation: CloudFormationStandIn

    def invoke(self, request_type: str, resource: dict, **event: Any) -> dict:
        """Runs the handler of `resource` (account, region, properties) and returns its answer."""
        function = lambda_backend(resource["account"], resource["region"]).get_function(
            resource["properties"]["ServiceToken"]
        )
        request_id = str(uuid.uuid4())
        full_event = {
            "RequestType": request_type,
            "ResponseURL": self.cloudformation.url,
            "RequestId": request_id,
            "ResourceProperties": _as_cloudformation_sends(resource["properties"]),
            **event,
        }
        with tempfile.TemporaryDirectory() as code_dir:
            with zipfile.ZipFile(io.BytesIO(function.code_bytes)) as code:
                code.extract("index.py", code_dir)
            subprocess.run(
                [sys.executable, "-c", _RUN_HANDLER, code_dir],
                input=json.dumps(full_event),
                text=True,
                env=self._environment(resource["account"], resource["region"], function.role),
                check=True,
                capture_output=True,
                timeout=300,
            )
        [answer] = [a for a in self.cloudformation.answers if a["RequestId"] == request_id]
        return answer

    def _environment(self, account: str, region: str, role_arn: str) -> dict[str, str]:
        credentials = boto3.client(
            "sts",
            region_name=region,
            endpoint_url=self.emulator_url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        ).assume_role(RoleArn=role_arn, RoleSessionName="lambda")["Credentials"]
        assert role_arn.split(":")[4] == account
        return {
            "PATH": "/usr/bin:/bin",
            "AWS_REGION": region,
            "AWS_DEFAULT_REGION": region,
            "AWS_ACCESS_KEY_ID": credentials["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": credentials["SecretAccessKey"],
            "AWS_SESSION_TOKEN": credentials["SessionToken"],
            "AWS_ENDPOINT_URL": self.emulator_url,
            "AWS_ENDPOINT_URL_SSM_GUICONNECT": self.guiconnect_url,
        }


def _as_cloudformation_sends(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _as_cloudformation_sends(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_cloudformation_sends(v) for v in value]
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def custom_resource_class(runtime: LambdaRuntime) -> type[CloudFormationModel]:
    """A moto resource class whose create runs the handler through `runtime`."""

    class HandledCustomResource(CloudFormationModel):
        def __init__(self, physical_id: str) -> None:
            self.physical_id = physical_id

        @property
        def physical_resource_id(self) -> str:
            return self.physical_id

        @staticmethod
        def cloudformation_type() -> str:
            return "AWS::CloudFormation::CustomResource"

        @classmethod
        def create_from_cloudformation_json(  # type: ignore[misc]
            cls, resource_name, cloudformation_json, account_id, region_name, **kwargs
        ):
            resource = {
                "account": account_id,
                "region": region_name,
                "properties": cloudformation_json["Properties"],
            }
            answer = runtime.invoke(
                "Create",
                resource,
                StackId=kwargs["StackId"],
                LogicalResourceId=kwargs["LogicalId"],
                ResourceType=kwargs["ResourceType"],
            )
            if answer["Status"] != "SUCCESS":
                raise RuntimeError(f"{kwargs['LogicalId']} failed: {answer['Reason']}")
            return cls(answer["PhysicalResourceId"])

    return HandledCustomResource
