"""The Lambda function that merges access events into the index: runtime/access_indexer.py."""

from __future__ import annotations

from pathlib import Path

from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.lambda_event_source_mapping import LambdaEventSourceMapping
from cdktf_cdktf_provider_aws.lambda_function import (
    LambdaFunction,
    LambdaFunctionEnvironment,
    LambdaFunctionLoggingConfig,
)
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from components.access_index import policies
from components.access_index.runtime import access_indexer
from components.iam_policy import (
    lambda_logging_permissions_document,
    lambda_role_trust_document,
    render_policy,
)
from config.names import Names
from config.types import OPERATIONS_LOG_RETENTION_DAYS
from synth.lambda_package import LambdaPackage
from synth.named_stack import DEFAULT_CHILD

INDEXER_TIMEOUT_SECONDS = 60
# Ten messages per invocation, the SQS event source's default; each is one
# event, and failures are reported per message (ReportBatchItemFailures).
INDEXER_BATCH_SIZE = 10


def indexer_environment(names: Names, *, dead_letter_queue_url: str) -> dict[str, str]:
    """What the handler reads from its environment, by the handler's own variable names."""
    return {
        access_indexer.TABLE_VARIABLE: names.access_records_table,
        access_indexer.BUCKET_VARIABLE: names.bucket,
        access_indexer.INDEX_FOLDER_VARIABLE: names.access_index_folder,
        access_indexer.TRANSCRIPT_FOLDER_VARIABLE: names.session_log_folder,
        access_indexer.DEAD_LETTER_QUEUE_VARIABLE: dead_letter_queue_url,
        access_indexer.NOT_RECORDINGS_VARIABLE: ",".join(
            [f"{names.access_index_folder}/", *names.transcript_folders]
        ),
    }


class AccessIndexer(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        provider: AwsProvider,
        names: Names,
        key_arn: str,
        queue_arn: str,
        dead_letter_queue_arn: str,
        dead_letter_queue_url: str,
        table_arn: str,
    ) -> None:
        super().__init__(scope, id)
        log_group = CloudwatchLogGroup(
            self,
            "log-group",
            provider=provider,
            name=names.access_indexer_log_group,
            retention_in_days=OPERATIONS_LOG_RETENTION_DAYS,
            kms_key_id=key_arn,
        )
        role = IamRole(
            self,
            "role",
            provider=provider,
            name=names.access_indexer,
            assume_role_policy=render_policy(lambda_role_trust_document()),
        )
        IamRolePolicy(
            self,
            "write-own-logs",
            provider=provider,
            role=role.id,
            name="write-own-logs",
            policy=render_policy(lambda_logging_permissions_document(log_group_arn=log_group.arn)),
        )
        permissions = IamRolePolicy(
            self,
            "index-accesses",
            provider=provider,
            role=role.id,
            name="index-accesses",
            policy=render_policy(
                policies.indexer_permissions_document(
                    queue_arn=queue_arn,
                    dead_letter_queue_arn=dead_letter_queue_arn,
                    table_arn=table_arn,
                    bucket_name=names.bucket,
                    index_folder=names.access_index_folder,
                    key_arn=key_arn,
                )
            ),
        )
        package = LambdaPackage(self, "package", module_file=Path(access_indexer.__file__))
        self.function = LambdaFunction(
            self,
            DEFAULT_CHILD,
            provider=provider,
            function_name=names.access_indexer,
            description="Merges session and RDP access events into the central bucket's access index",
            role=role.arn,
            runtime="python3.12",
            handler=package.handler,
            filename=package.filename,
            source_code_hash=package.source_code_hash,
            memory_size=256,
            timeout=INDEXER_TIMEOUT_SECONDS,
            environment=LambdaFunctionEnvironment(
                variables=indexer_environment(names, dead_letter_queue_url=dead_letter_queue_url)
            ),
            logging_config=LambdaFunctionLoggingConfig(log_format="Text", log_group=log_group.name),
        )
        LambdaEventSourceMapping(
            self,
            "queue",
            provider=provider,
            event_source_arn=queue_arn,
            function_name=self.function.arn,
            batch_size=INDEXER_BATCH_SIZE,
            function_response_types=["ReportBatchItemFailures"],
            # The mapping polls with the role: its queue permissions first.
            depends_on=[permissions],
        )
