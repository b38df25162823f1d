"""Athena over the archive: a Glue database, two projected tables, a workgroup, named queries.

Who started which session or RDP connection, and what was typed, without
copying anything out of the central bucket: the tables read the objects
where Firehose and the access indexer write them (docs/audit-queries.md).
"""

from __future__ import annotations

from collections.abc import Sequence

from cdktf import Fn
from cdktf_cdktf_provider_aws.athena_named_query import AthenaNamedQuery
from cdktf_cdktf_provider_aws.athena_workgroup import (
    AthenaWorkgroup,
    AthenaWorkgroupConfiguration,
    AthenaWorkgroupConfigurationResultConfiguration,
    AthenaWorkgroupConfigurationResultConfigurationEncryptionConfiguration,
)
from cdktf_cdktf_provider_aws.glue_catalog_database import GlueCatalogDatabase
from cdktf_cdktf_provider_aws.glue_catalog_table import (
    GlueCatalogTable,
    GlueCatalogTablePartitionKeys,
    GlueCatalogTableStorageDescriptor,
    GlueCatalogTableStorageDescriptorColumns,
    GlueCatalogTableStorageDescriptorSerDeInfo,
)
from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration import (
    S3BucketLifecycleConfigurationRule,
)
from constructs import Construct

from components.audit_queries.policies import query_results_bucket_policy_document
from components.audit_queries.queries import named_queries
from components.audit_queries.tables import (
    JSON_SERDE,
    TEXT_INPUT_FORMAT,
    TEXT_OUTPUT_FORMAT,
    Table,
    access_index_table,
    transcripts_table,
)
from components.bucket_defaults import KeptBucket, encrypted_with_key
from config.names import Names


class QueryResultsBucket(KeptBucket):
    """Query results hold transcript text: SSE-KMS with the central key, as the central bucket."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        provider: AwsProvider,
        name: str,
        key_arn: str,
        lifecycle_rules: list[S3BucketLifecycleConfigurationRule],
    ) -> None:
        super().__init__(
            scope,
            id,
            provider=provider,
            name=name,
            encryption=encrypted_with_key(key_arn),
            policy=query_results_bucket_policy_document(bucket_name=name),
            lifecycle_rules=lifecycle_rules,
        )


class AuditQueries(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        provider: AwsProvider,
        names: Names,
        account_id: str,
        regions: Sequence[str],
        key_arn: str,
        results_lifecycle_rules: list[S3BucketLifecycleConfigurationRule],
    ) -> None:
        super().__init__(scope, id)
        self.results = QueryResultsBucket(
            self,
            "query-results-bucket",
            provider=provider,
            name=names.query_results_bucket,
            key_arn=key_arn,
            lifecycle_rules=results_lifecycle_rules,
        )
        self.database = GlueCatalogDatabase(
            self,
            "database",
            provider=provider,
            name=names.audit_database,
            description="Session transcripts and the access index of the central bucket.",
        )
        for table in (transcripts_table(names, regions), access_index_table(names, regions)):
            self._table(provider, table, names.bucket)
        self.workgroup = AthenaWorkgroup(
            self,
            "workgroup",
            provider=provider,
            name=names.audit_workgroup,
            description="Audit queries over the session logs; results expire with their bucket's lifecycle rule.",
            configuration=self._workgroup_configuration(account_id, key_arn),
        )
        for query in named_queries():
            AthenaNamedQuery(
                self,
                f"query-{query.name}",
                provider=provider,
                name=query.name,
                description=query.description,
                database=self.database.name,
                workgroup=self.workgroup.name,
                query=query.sql,
            )

    def _table(self, provider: AwsProvider, table: Table, bucket_name: str) -> None:
        GlueCatalogTable(
            self,
            f"table-{table.name}",
            provider=provider,
            name=table.name,
            database_name=self.database.name,
            description=table.description,
            table_type="EXTERNAL_TABLE",
            # The template's ${key} placeholders are Athena's, not Terraform's.
            parameters={
                key: Fn.raw_string(value) if "${" in value else value
                for key, value in table.parameters(bucket_name).items()
            },
            partition_keys=[
                GlueCatalogTablePartitionKeys(name=key.name, type=key.type, comment=key.comment)
                for key in table.partition_keys
            ],
            storage_descriptor=GlueCatalogTableStorageDescriptor(
                location=table.location(bucket_name),
                input_format=TEXT_INPUT_FORMAT,
                output_format=TEXT_OUTPUT_FORMAT,
                ser_de_info=GlueCatalogTableStorageDescriptorSerDeInfo(
                    serialization_library=JSON_SERDE
                ),
                columns=[
                    GlueCatalogTableStorageDescriptorColumns(
                        name=column.name, type=column.type, comment=column.comment
                    )
                    for column in table.columns
                ],
            ),
        )

    def _workgroup_configuration(
        self, account_id: str, key_arn: str
    ) -> AthenaWorkgroupConfiguration:
        # Enforced, so no query of the workgroup can write its results
        # elsewhere or unencrypted: "Athena uses the workgroup's settings for
        # all queries that run in the workgroup, including the settings for
        # query results location, expected bucket owner, encryption"
        # ("Workgroup settings override client-side settings",
        # https://docs.aws.amazon.com/athena/latest/ug/workgroups-settings-override.html).
        # hashicorp/aws 5.100.0 has no managed query results (provider issue
        # #43246, added after that release), so results live in a bucket of
        # ours and its lifecycle rule expires them.
        return AthenaWorkgroupConfiguration(
            enforce_workgroup_configuration=True,
            publish_cloudwatch_metrics_enabled=True,
            result_configuration=AthenaWorkgroupConfigurationResultConfiguration(
                output_location=f"s3://{self.results.name}/",
                expected_bucket_owner=account_id,
                encryption_configuration=(
                    AthenaWorkgroupConfigurationResultConfigurationEncryptionConfiguration(
                        encryption_option="SSE_KMS", kms_key_arn=key_arn
                    )
                ),
            ),
        )
