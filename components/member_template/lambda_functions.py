"""The Lambda functions behind the member template's custom resources, code inlined.

Each function's code is its handler module with the shared response code of
custom_resource.py in front (Code.ZipFile: CloudFormation writes it to the
function as index.py). The 4,096-character limit older CloudFormation docs
gave for ZipFile no longer exists: the current reference only caps the zip
CloudFormation builds at 4 MB. What binds is the template body, 51,200 bytes
for all resources together, so each function's code gets a budget of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from components.iam_policy import LAMBDA_SERVICE, policy_document
from components.member_template import policies
from components.member_template.intrinsics import get_att, ref, sub
from config.names import Names
from config.types import OPERATIONS_LOG_RETENTION_DAYS

RUNTIME = "python3.12"
# Two functions at this budget use a third of the 51,200-byte template body.
INLINE_CODE_BUDGET_BYTES = 8_192
# CloudFormation's own limit for inline code (the zip it builds from it).
ZIP_FILE_LIMIT_BYTES = 4 * 1024 * 1024
_INLINED_IMPORT_MARKER = "# inlined by the template builder"
# The folder of the handler modules. They are read as files, not imported:
# they need boto3, which only the Lambda runtime and the tests have.
RUNTIME_DIR = Path(__file__).parent / "runtime"
SHARED_RESPONSE_CODE = RUNTIME_DIR / "custom_resource.py"
SERVICE_TIMEOUT_MARGIN_SECONDS = 60


def inline_code(handler_file: Path) -> str:
    """The handler module as one self-contained file, the shared response code first."""
    shared = SHARED_RESPONSE_CODE.read_text(encoding="utf-8")
    own = handler_file.read_text(encoding="utf-8").splitlines(keepends=True)
    return shared + "\n\n" + "".join(line for line in own if _INLINED_IMPORT_MARKER not in line)


@dataclass(frozen=True)
class HandlerFunction:
    """A custom resource handler and what its function may do besides logging."""

    logical_id: str
    name: str
    description: str
    handler_file: Path
    statements: list[dict] = field(default_factory=list)
    timeout_seconds: int = 60

    @property
    def log_group_id(self) -> str:
        return f"{self.logical_id}LogGroup"

    @property
    def role_id(self) -> str:
        return f"{self.logical_id}Role"

    @property
    def custom_resource_properties(self) -> dict:
        """What every custom resource the function serves starts with."""
        return {
            "ServiceToken": get_att(self.logical_id, "Arn"),
            # CloudFormation otherwise waits an hour for an answer that a
            # timed-out function never sends (AWS::CloudFormation::CustomResource,
            # ServiceTimeout); the margin covers the function's cold start.
            "ServiceTimeout": self.timeout_seconds + SERVICE_TIMEOUT_MARGIN_SECONDS,
        }


def function_resources(
    function: HandlerFunction, *, key_arn: dict, names: Names
) -> dict[str, dict]:
    """The function, its role and its encrypted log group."""
    return {
        function.log_group_id: {
            "Type": "AWS::Logs::LogGroup",
            "Properties": {
                "LogGroupName": f"{names.operations_log_group_prefix}{function.name}",
                "RetentionInDays": OPERATIONS_LOG_RETENTION_DAYS,
                "KmsKeyId": key_arn,
            },
        },
        function.role_id: {
            "Type": "AWS::IAM::Role",
            "Properties": {
                # IAM is global: the region keeps the stack instances of one account apart.
                "RoleName": sub(f"{names.prefix}-{function.name}-${{AWS::Region}}"),
                "AssumeRolePolicyDocument": policies.service_trust_document(LAMBDA_SERVICE),
                "Policies": [
                    {
                        "PolicyName": function.name,
                        "PolicyDocument": policy_document(
                            *policies.function_logging_statements(
                                log_group_arn=get_att(function.log_group_id, "Arn"),
                                key_arn=key_arn,
                            ),
                            *function.statements,
                        ),
                    }
                ],
            },
        },
        function.logical_id: {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "FunctionName": f"{names.prefix}-{function.name}",
                "Description": function.description,
                "Runtime": RUNTIME,
                "Handler": "index.handler",
                "Role": get_att(function.role_id, "Arn"),
                "Timeout": function.timeout_seconds,
                "MemorySize": 128,
                "Code": {"ZipFile": inline_code(function.handler_file)},
                "LoggingConfig": {"LogGroup": ref(function.log_group_id), "LogFormat": "Text"},
            },
        },
    }
