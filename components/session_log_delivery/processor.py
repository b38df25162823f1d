"""The Lambda function every Firehose stream uses to turn CloudWatch Logs records into transcripts.

Its handler is runtime/session_log_processor.py, packaged by synth/lambda_package.py.
"""

from __future__ import annotations

from pathlib import Path

from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from components.function_defaults import LoggedFunction
from components.session_log_delivery.runtime import session_log_processor
from config.names import Names

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


class SessionLogProcessorFunction(LoggedFunction):
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
        super().__init__(
            scope,
            id,
            provider=provider,
            name=names.session_log_processor,
            description="Turns CloudWatch Logs records into session transcripts for Firehose",
            module_file=Path(session_log_processor.__file__),
            log_group_name=log_group_name,
            key_arn=key_arn,
            memory_mb=PROCESSOR_MEMORY_MB,
            # Well within the 5 minutes Firehose waits for a transformation.
            timeout_seconds=60,
            environment=processor_environment(names),
        )
