"""Functions of the emulated accounts, run as Lambda runs them, without Docker.

moto 5.2.5 invokes a function in Docker, which this machine lacks. This
runtime takes the function's deployment package from the emulator, imports
the module its Handler names ("Define Lambda function handler in Python",
Lambda Developer Guide: `<file name>.<function name>`) and calls it in a
process of its own, as Lambda gives each function its own environment: the
function's environment variables, `AWS_REGION`, and credentials of the
function's execution role from the emulator's STS, which ties them to the
role's account. Every AWS endpoint is the emulator's, and ssm-guiconnect's
the stand-in's (tests/support/guiconnect.py).

What the handler prints is its log: Lambda sends it to the function's log
group, the one its LoggingConfig names or `/aws/lambda/<function name>`
("Sending Lambda function logs to CloudWatch Logs"). The runtime writes it
there when the group exists; Lambda would create a missing group, which no
test reads.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

import boto3
from moto.awslambda.models import LambdaFunction
from moto.awslambda.utils import get_backend as lambda_backend
from moto.logs.models import logs_backends
from moto.utilities.arns import parse_arn

_RUN_HANDLER = """
import importlib, json, sys
code_dir, handler, result_file = sys.argv[1:4]
sys.path.insert(0, code_dir)
module, function = handler.rsplit(".", 1)
result = getattr(importlib.import_module(module), function)(json.loads(sys.stdin.read()), None)
with open(result_file, "w") as out:
    json.dump(result, out)
"""


@dataclass
class LambdaRuntime:
    """Where the functions' calls go: the emulator and the ssm-guiconnect stand-in."""

    emulator_url: str
    guiconnect_url: str

    def invoke(self, function_arn: str, event: dict) -> object:
        """The handler's return value for `event`, as a synchronous invocation returns it."""
        arn = parse_arn(function_arn)
        function = lambda_backend(arn.account, arn.region).get_function(function_arn)
        with tempfile.TemporaryDirectory() as code_dir:
            with zipfile.ZipFile(io.BytesIO(function.code_bytes)) as code:
                code.extractall(code_dir)
            result_file = Path(code_dir) / "result.json"
            finished = subprocess.run(
                [sys.executable, "-c", _RUN_HANDLER, code_dir, function.handler, str(result_file)],
                input=json.dumps(event),
                text=True,
                env=self._environment(arn.region, function),
                check=True,
                capture_output=True,
                timeout=300,
            )
            _write_logs(function, arn.account, arn.region, finished.stdout + finished.stderr)
            return json.loads(result_file.read_text())

    def _environment(self, region: str, function: LambdaFunction) -> dict[str, str]:
        credentials = boto3.client(
            "sts",
            region_name=region,
            endpoint_url=self.emulator_url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        ).assume_role(RoleArn=function.role, RoleSessionName=function.function_name)["Credentials"]
        return {
            **function.environment_vars,
            "PATH": "/usr/bin:/bin",
            "AWS_REGION": region,
            "AWS_DEFAULT_REGION": region,
            "AWS_LAMBDA_FUNCTION_NAME": function.function_name,
            "AWS_ACCESS_KEY_ID": credentials["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": credentials["SecretAccessKey"],
            "AWS_SESSION_TOKEN": credentials["SessionToken"],
            "AWS_ENDPOINT_URL": self.emulator_url,
            "AWS_ENDPOINT_URL_SSM_GUICONNECT": self.guiconnect_url,
        }


def _write_logs(function: LambdaFunction, account: str, region: str, output: str) -> None:
    lines = [line for line in output.splitlines() if line]
    # moto drops LoggingConfig; tests/e2e/emulator.py keeps it on the function.
    logging_config = function.logging_config or {}
    group = logging_config.get("LogGroup", f"/aws/lambda/{function.function_name}")
    logs = logs_backends[account][region]
    if not lines or group not in logs.groups:
        return
    stream = f"{time.strftime('%Y/%m/%d')}/[$LATEST]{uuid.uuid4().hex}"
    logs.create_log_stream(group, stream)
    now = int(time.time() * 1000)
    logs.put_log_events(group, stream, [{"timestamp": now, "message": line} for line in lines])
