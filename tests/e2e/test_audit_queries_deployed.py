"""The audit queries' Glue database and tables, workgroup and named queries after the apply.

moto stores these and runs no SQL: the queries themselves are tested in
tests/test_audit_queries_sql.py, and what only Athena can show is listed in
docs/audit-queries.md.
"""

from __future__ import annotations

import json

import pytest

from components.audit_queries.policies import query_results_bucket_policy_document
from components.audit_queries.queries import named_queries
from components.audit_queries.tables import access_index_table, transcripts_table


class Audit:
    def __init__(self, deployment) -> None:
        self.config = deployment.config
        self.names = deployment.config.names
        self.account = deployment.organization.log_archive_account
        self._deployment = deployment

    def client(self, service: str):
        return self._deployment.client(service, account=self.account)

    def key_arn(self) -> str:
        kms = self.client("kms")
        return kms.describe_key(KeyId=self.names.key_alias)["KeyMetadata"]["Arn"]


@pytest.fixture(scope="module")
def audit(deployment) -> Audit:
    return Audit(deployment)


@pytest.mark.parametrize("build", [transcripts_table, access_index_table])
def test_each_table_is_in_the_database_with_its_projection(audit, build):
    expected = build(audit.names, audit.config.member_regions)
    glue = audit.client("glue")
    assert glue.get_database(Name=audit.names.audit_database)["Database"]["Name"] == (
        audit.names.audit_database
    )
    table = glue.get_table(DatabaseName=audit.names.audit_database, Name=expected.name)["Table"]
    assert table["TableType"] == "EXTERNAL_TABLE"
    assert table["Parameters"] == expected.parameters(audit.names.bucket)
    assert table["Parameters"]["storage.location.template"].count("${account}") == 1
    descriptor = table["StorageDescriptor"]
    assert descriptor["Location"] == expected.location(audit.names.bucket)
    assert descriptor["SerdeInfo"]["SerializationLibrary"] == "org.openx.data.jsonserde.JsonSerDe"
    assert [(c["Name"], c["Type"]) for c in descriptor["Columns"]] == [
        (c.name, c.type) for c in expected.columns
    ]
    assert [k["Name"] for k in table["PartitionKeys"]] == [k.name for k in expected.partition_keys]


def test_the_workgroup_enforces_encrypted_results_in_the_results_bucket(audit):
    athena = audit.client("athena")
    workgroup = athena.get_work_group(WorkGroup=audit.names.audit_workgroup)["WorkGroup"]
    configuration = workgroup["Configuration"]
    assert configuration["EnforceWorkGroupConfiguration"] is True
    results = configuration["ResultConfiguration"]
    assert results["OutputLocation"] == f"s3://{audit.names.query_results_bucket}/"
    assert results["EncryptionConfiguration"] == {
        "EncryptionOption": "SSE_KMS",
        "KmsKey": audit.key_arn(),
    }


def test_every_named_query_is_in_the_workgroup_with_its_sql_file(audit):
    athena = audit.client("athena")
    ids = athena.list_named_queries(WorkGroup=audit.names.audit_workgroup)["NamedQueryIds"]
    stored = {
        query["Name"]: query
        for query in (athena.get_named_query(NamedQueryId=i)["NamedQuery"] for i in ids)
    }
    expected = {query.name: query for query in named_queries()}
    assert sorted(stored) == sorted(expected)
    for name, query in stored.items():
        assert query["QueryString"] == expected[name].sql
        assert query["Database"] == audit.names.audit_database
        assert query["Description"] == expected[name].description


def test_the_results_bucket_expires_results_and_takes_tls_only(audit):
    s3 = audit.client("s3")
    bucket = audit.names.query_results_bucket
    rules = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    [expiry] = [rule for rule in rules if rule["ID"] == "query-results"]
    assert expiry["Expiration"] == {"Days": audit.config.audit.query_results_days}
    encryption = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]
    assert encryption["Rules"][0]["ApplyServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "aws:kms",
        "KMSMasterKeyID": audit.key_arn(),
    }
    policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    assert policy == query_results_bucket_policy_document(bucket_name=bucket)
