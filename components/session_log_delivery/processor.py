"""The Lambda function every Firehose stream uses to turn CloudWatch Logs records into transcripts.

Its handler is runtime/session_log_processor.py, packaged by synth/lambda_package.py.
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
from components.session_log_delivery.runtime import session_log_processor
from config.names import Names
from config.types import OPERATIONS_LOG_RETENTION_DAYS
from synth.lambda_package import LambdaPackage
from synth.named_stack import DEFAULT_CHILD

# The smallest batch Firehose hands to the processor (Firehose developer guide,
# "Transform source data": 0.2-3 MB). CloudWatch Logs records arrive gzip
# compressed and the transcripts can be many times larger, so small batches
# keep the processor's response under Lambda's 6 MB.
PROCESSOR_BATCH_MB = "0.2"
# tools/bench.py prices the processor at this size.
PROCESSOR_MEMORY_MB = 256


def processor_environment(names: Names) -> dict[str, str]:
    """What the handler reads from its environment, by the handler's own variable names."""
    return {
        session_log_processor.SESSION_FOLDER_VARIABLE: names.session_log_folder,
        session_log_processor.QUARANTINE_FOLDER_VARIABLE: names.session_log_quarantine_folder,
        session_log_processor.LOG_GROUP_PREFIX_VARIABLE: names.member_log_group_prefix,
        session_log_processor.CANARY_FOLDER_VARIABLE: names.session_log_canary_folder,
        session_log_processor.CANARY_STREAM_PREFIX_VARIABLE: names.canary_stream_prefix,
    }


class SessionLogProcessorFunction(Construct):
    """The Lambda function every stream uses to turn CloudWatch Logs records into transcripts."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        provider: AwsProvider,
        names: Names,
        log_group_name: str,
        key_arn: str,
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
        role = IamRole(
            self,
            "role",
            provider=provider,
            name=names.session_log_processor,
            assume_role_policy=render_policy(lambda_role_trust_document()),
        )
        IamRolePolicy(
            self,
            "role-policy",
            provider=provider,
            role=role.id,
            name="write-own-logs",
            policy=render_policy(
                lambda_logging_permissions_document(log_group_arn=self.log_group.arn)
            ),
        )
        package = LambdaPackage(self, "package", module_file=Path(session_log_processor.__file__))
        self.function = LambdaFunction(
            self,
            DEFAULT_CHILD,
            provider=provider,
            function_name=names.session_log_processor,
            description="Turns CloudWatch Logs records into session transcripts for Firehose",
            role=role.arn,
            runtime="python3.12",
            handler=package.handler,
            filename=package.filename,
            source_code_hash=package.source_code_hash,
            memory_size=PROCESSOR_MEMORY_MB,
            environment=LambdaFunctionEnvironment(variables=processor_environment(names)),
            # Well within the 5 minutes Firehose waits for a transformation.
            timeout=60,
            logging_config=LambdaFunctionLoggingConfig(
                log_format="Text", log_group=self.log_group.name
            ),
        )
        self.arn: str = self.function.arn
