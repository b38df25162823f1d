"""Session log delivery into the log archive: CloudWatch Logs destinations, Firehose, the bucket.

Member accounts subscribe their session log group to the destination of its
region. Each destination hands the records to a Firehose stream of its own in
the home region, next to the bucket; a Lambda processor turns them into
transcripts and names the sending account, and the stream writes them to
session-manager/<account>/<region>/ in the central bucket, or, from any log
group but the account's own session log group, to
session-manager-quarantine/<account>/<region>/. docs/decisions/delivery.md
explains the layout against the AWS documentation.
"""

from __future__ import annotations

from cdktf import TerraformIterator, TerraformResource, Token
from cdktf_cdktf_provider_aws.cloudwatch_log_destination import CloudwatchLogDestination
from cdktf_cdktf_provider_aws.cloudwatch_log_destination_policy import (
    CloudwatchLogDestinationPolicy,
)
from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.cloudwatch_log_stream import CloudwatchLogStream
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.kinesis_firehose_delivery_stream import (
    KinesisFirehoseDeliveryStream,
    KinesisFirehoseDeliveryStreamExtendedS3Configuration,
    KinesisFirehoseDeliveryStreamExtendedS3ConfigurationCloudwatchLoggingOptions,
    KinesisFirehoseDeliveryStreamExtendedS3ConfigurationDynamicPartitioningConfiguration,
    KinesisFirehoseDeliveryStreamExtendedS3ConfigurationProcessingConfiguration,
    KinesisFirehoseDeliveryStreamExtendedS3ConfigurationProcessingConfigurationProcessors,
    KinesisFirehoseDeliveryStreamExtendedS3ConfigurationProcessingConfigurationProcessorsParameters,
    KinesisFirehoseDeliveryStreamServerSideEncryption,
)
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from components.aws_providers import AccountProviders
from components.iam_policy import render_policy
from components.session_log_delivery import policies
from components.session_log_delivery.processor import (
    PROCESSOR_BATCH_MB,
    SessionLogProcessorFunction,
)
from components.session_log_delivery.runtime import session_log_processor
from config.names import Names
from config.types import OPERATIONS_LOG_RETENTION_DAYS


class SharedStreamResources(Construct):
    """What every stream shares: its role, the processor, the bucket, the error log group."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        provider: AwsProvider,
        names: Names,
        account_id: str,
        bucket_name: str,
        bucket_region: str,
        key_arn: str,
        buffering_size_mib: int,
        buffering_interval_seconds: int,
    ) -> None:
        super().__init__(scope, id)
        self._names = names
        self._buffering_size_mib = buffering_size_mib
        self._buffering_interval_seconds = buffering_interval_seconds
        self.key_arn = key_arn
        self.bucket_arn = f"arn:aws:s3:::{bucket_name}"
        self.processor = SessionLogProcessorFunction(
            self,
            "processor",
            provider=provider,
            names=names,
            log_group_name=names.session_log_processor_log_group,
            key_arn=key_arn,
        )
        error_log_group = CloudwatchLogGroup(
            self,
            "error-log-group",
            provider=provider,
            name=names.delivery_error_log_group,
            retention_in_days=OPERATIONS_LOG_RETENTION_DAYS,
            kms_key_id=key_arn,
        )
        # Read once: every attribute read is a round trip to the jsii runtime.
        self.error_log_group_name: str = error_log_group.name
        role = IamRole(
            self,
            "role",
            provider=provider,
            name=f"{names.prefix}-firehose",
            assume_role_policy=render_policy(
                policies.firehose_role_trust_document(account_id=account_id)
            ),
        )
        self.role_arn: str = role.arn
        self.role_policy = IamRolePolicy(
            self,
            "role-policy",
            provider=provider,
            role=role.id,
            name="deliver-session-logs",
            policy=render_policy(
                policies.firehose_role_permissions_document(
                    bucket_name=bucket_name,
                    bucket_region=bucket_region,
                    folders=[
                        names.session_log_folder,
                        names.session_log_quarantine_folder,
                        names.session_log_error_folder,
                    ],
                    key_arn=key_arn,
                    processor_arn=self.processor.arn,
                    log_group_arn=error_log_group.arn,
                )
            ),
        )

    def s3_configuration(
        self, *, region: str, log_stream_name: str
    ) -> KinesisFirehoseDeliveryStreamExtendedS3Configuration:
        """Where and how the stream of `region` writes, logging errors to `log_stream_name`."""
        names = self._names
        day = "!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}"
        # The processor picks the folder (session logs or quarantine) and names the account.
        folder = f"!{{partitionKeyFromLambda:{session_log_processor.FOLDER_KEY}}}"
        account = f"!{{partitionKeyFromLambda:{session_log_processor.ACCOUNT_KEY}}}"
        return KinesisFirehoseDeliveryStreamExtendedS3Configuration(
            role_arn=self.role_arn,
            bucket_arn=self.bucket_arn,
            kms_key_arn=self.key_arn,
            prefix=f"{folder}/{account}/{region}/{day}/",
            error_output_prefix=(
                f"{names.session_log_error_folder}/{region}/!{{firehose:error-output-type}}/{day}/"
            ),
            file_extension=".jsonl",
            buffering_size=self._buffering_size_mib,
            buffering_interval=self._buffering_interval_seconds,
            dynamic_partitioning_configuration=(
                KinesisFirehoseDeliveryStreamExtendedS3ConfigurationDynamicPartitioningConfiguration(
                    enabled=True
                )
            ),
            processing_configuration=_processing_with(self.processor.arn),
            cloudwatch_logging_options=(
                KinesisFirehoseDeliveryStreamExtendedS3ConfigurationCloudwatchLoggingOptions(
                    enabled=True,
                    log_group_name=self.error_log_group_name,
                    log_stream_name=log_stream_name,
                )
            ),
        )


def _processing_with(
    processor_arn: str,
) -> KinesisFirehoseDeliveryStreamExtendedS3ConfigurationProcessingConfiguration:
    parameter = KinesisFirehoseDeliveryStreamExtendedS3ConfigurationProcessingConfigurationProcessorsParameters
    return KinesisFirehoseDeliveryStreamExtendedS3ConfigurationProcessingConfiguration(
        enabled=True,
        processors=[
            KinesisFirehoseDeliveryStreamExtendedS3ConfigurationProcessingConfigurationProcessors(
                type="Lambda",
                parameters=[
                    parameter(parameter_name="LambdaArn", parameter_value=processor_arn),
                    parameter(parameter_name="BufferSizeInMBs", parameter_value=PROCESSOR_BATCH_MB),
                ],
            )
        ],
    )


class SessionLogDelivery(Construct):
    """A destination in every deployment region, each with its stream into the central bucket.

    The home-region half of each region's delivery (its stream, the stream's
    error log stream, the destination role and its policy) is one for_each
    resource per kind, keyed by the source region. Only the destination and its
    access policy, which need the region's own provider, are resources per
    region, so a region adds instances to the plan but little work to synth.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        providers: AccountProviders,
        names: Names,
        organization_id: str,
        account_id: str,
        home_region: str,
        regions: list[str],
        bucket_name: str,
        key_arn: str,
        buffering_size_mib: int,
        buffering_interval_seconds: int,
        streams_per_region: int,
    ) -> None:
        super().__init__(scope, id)
        self._home = providers.home
        self._names = names
        self._organization_id = organization_id
        firehose = SharedStreamResources(
            self,
            "firehose",
            provider=self._home,
            names=names,
            account_id=account_id,
            bucket_name=bucket_name,
            bucket_region=home_region,
            key_arn=key_arn,
            buffering_size_mib=buffering_size_mib,
            buffering_interval_seconds=buffering_interval_seconds,
        )
        each_region = TerraformIterator.from_list(regions)
        streams = self._streams(firehose, self._stream_keys(regions, streams_per_region))
        role_policies = self._destination_roles(each_region, streams_per_region)
        # CloudWatch Logs sends a test record through the role into the
        # stream when it creates the destination, so both must work first.
        self.destination_arns: dict[int, list[str]] = {
            shard: [
                self._destination(
                    region,
                    shard,
                    provider=providers.in_region(region),
                    depends_on=[streams, role_policies],
                )
                for region in regions
            ]
            for shard in range(streams_per_region)
        }

    def _stream_keys(self, regions: list[str], streams_per_region: int) -> dict[str, dict]:
        """Each stream's for_each key and values; a region's first is keyed by the region alone.

        So the first stream keeps its address when a region gets more.
        """
        return {
            (region if shard == 0 else f"{region}/{shard + 1}"): {
                "region": region,
                "name": self._names.delivery_stream(region, shard),
            }
            for region in regions
            for shard in range(streams_per_region)
        }

    def _streams(
        self, firehose: SharedStreamResources, keys: dict[str, dict]
    ) -> KinesisFirehoseDeliveryStream:
        each_stream = TerraformIterator.from_map(keys)
        # Each stream logs its delivery errors to a log stream named after its key.
        error_log_streams = CloudwatchLogStream(
            self,
            "error-log-streams",
            provider=self._home,
            for_each=each_stream,
            name=Token.as_string(each_stream.key),
            log_group_name=firehose.error_log_group_name,
        )
        return KinesisFirehoseDeliveryStream(
            self,
            "streams",
            provider=self._home,
            for_each=each_stream,
            name=each_stream.get_string("name"),
            destination="extended_s3",
            server_side_encryption=KinesisFirehoseDeliveryStreamServerSideEncryption(
                enabled=True, key_type="CUSTOMER_MANAGED_CMK", key_arn=firehose.key_arn
            ),
            extended_s3_configuration=firehose.s3_configuration(
                region=each_stream.get_string("region"),
                log_stream_name=Token.as_string(each_stream.key),
            ),
            # Firehose checks at creation that it can use the role and the log stream.
            depends_on=[firehose.role_policy, error_log_streams],
        )

    def _destination_roles(
        self, each_region: TerraformIterator, streams_per_region: int
    ) -> IamRolePolicy:
        region = Token.as_string(each_region.key)
        roles = IamRole(
            self,
            "destination-roles",
            provider=self._home,
            for_each=each_region,
            name=self._names.destination_role(region),
            assume_role_policy=render_policy(
                policies.destination_role_trust_document(
                    region=region, organization_id=self._organization_id
                )
            ),
        )
        each_role = TerraformIterator.from_resources(roles)
        return IamRolePolicy(
            self,
            "destination-role-policies",
            provider=self._home,
            for_each=each_role,
            role=each_role.get_string("id"),
            name="put-records-into-stream",
            policy=render_policy(
                policies.destination_role_permissions_document(
                    delivery_stream_arns=[
                        self._names.delivery_stream_arn(region, shard)
                        for shard in range(streams_per_region)
                    ]
                )
            ),
        )

    def _destination(
        self, region: str, shard: int, *, provider: AwsProvider, depends_on: list[TerraformResource]
    ) -> str:
        """A destination of the region and its access policy; returns the destination's ARN."""
        # By ARN rather than by reference: the plan shows them, and a region
        # costs no jsii calls to look up an instance of a for_each resource.
        construct_id = f"{region}{self._names.shard_suffix(shard)}"
        destination_arn = self._names.log_destination_arn(region, shard)
        destination = CloudwatchLogDestination(
            self,
            construct_id,
            provider=provider,
            name=self._names.log_destination_name(shard),
            role_arn=self._names.destination_role_arn(region),
            target_arn=self._names.delivery_stream_arn(region, shard),
            depends_on=depends_on,
        )
        CloudwatchLogDestinationPolicy(
            self,
            f"{construct_id}-access-policy",
            provider=provider,
            destination_name=self._names.log_destination_name(shard),
            access_policy=render_policy(
                policies.destination_access_policy_document(
                    destination_arn=destination_arn, organization_id=self._organization_id
                )
            ),
            depends_on=[destination],
        )
        return destination.arn
