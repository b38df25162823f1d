"""The Lambda function that merges access events into the index: runtime/access_indexer.py."""

from __future__ import annotations

from pathlib import Path

from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.lambda_event_source_mapping import LambdaEventSourceMapping
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from components.access_index import policies
from components.access_index.runtime import access_indexer
from components.function_defaults import LoggedFunction
from components.iam_policy import render_policy
from config.names import Names

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


class AccessIndexer(LoggedFunction):
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
        super().__init__(
            scope,
            id,
            provider=provider,
            name=names.access_indexer,
            description="Merges session and RDP access events into the central bucket's access index",
            module_file=Path(access_indexer.__file__),
            log_group_name=names.access_indexer_log_group,
            key_arn=key_arn,
            memory_mb=256,
            timeout_seconds=INDEXER_TIMEOUT_SECONDS,
            environment=indexer_environment(names, dead_letter_queue_url=dead_letter_queue_url),
        )
        permissions = IamRolePolicy(
            self,
            "index-accesses",
            provider=provider,
            role=self.role.id,
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
