"""What every function of the log archive account has, as a construct its functions build on.

Its own log group, encrypted with the central key and kept for the
operations retention; a role Lambda assumes that may write only there; one
Python module as a reproducible package (synth/lambda_package.py); the
Python 3.12 runtime; logs in that group, not /aws/lambda/<name>.
"""

from __future__ import annotations

from pathlib import Path

from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.lambda_function import (
    LambdaFunction,
    LambdaFunctionEnvironment,
    LambdaFunctionLoggingConfig,
)
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from components.iam_policy import (
    lambda_logging_permissions_document,
    lambda_role_trust_document,
    render_policy,
)
from config.types import OPERATIONS_LOG_RETENTION_DAYS
from synth.lambda_package import LambdaPackage
from synth.named_stack import DEFAULT_CHILD


class LoggedFunction(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        provider: AwsProvider,
        name: str,
        description: str,
        module_file: Path,
        log_group_name: str,
        key_arn: str,
        memory_mb: int,
        timeout_seconds: int,
        environment: dict[str, str],
    ) -> None:
        super().__init__(scope, id)
        self.log_group = CloudwatchLogGroup(
            self,
            "log-group",
            provider=provider,
            name=log_group_name,
            retention_in_days=OPERATIONS_LOG_RETENTION_DAYS,
            kms_key_id=key_arn,
        )
        self.role = IamRole(
            self,
            "role",
            provider=provider,
            name=name,
            assume_role_policy=render_policy(lambda_role_trust_document()),
        )
        IamRolePolicy(
            self,
            "role-policy",
            provider=provider,
            role=self.role.id,
            name="write-own-logs",
            policy=render_policy(
                lambda_logging_permissions_document(log_group_arn=self.log_group.arn)
            ),
        )
        package = LambdaPackage(self, "package", module_file=module_file)
        self.function = LambdaFunction(
            self,
            DEFAULT_CHILD,
            provider=provider,
            function_name=name,
            description=description,
            role=self.role.arn,
            runtime="python3.12",
            handler=package.handler,
            filename=package.filename,
            source_code_hash=package.source_code_hash,
            memory_size=memory_mb,
            environment=LambdaFunctionEnvironment(variables=environment),
            timeout=timeout_seconds,
            logging_config=LambdaFunctionLoggingConfig(
                log_format="Text", log_group=self.log_group.name
            ),
        )
        self.arn: str = self.function.arn
