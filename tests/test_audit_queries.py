"""The audit queries as synthesized: Glue database and tables, the workgroup, its results, the queries."""

from __future__ import annotations

import pytest

from components.audit_queries.queries import QUERIES_FOLDER
from stacks.registry import LOG_ARCHIVE_STACK
from tests.support.configs import problems, with_changes
from tests.support.policies import statements_by_sid

STACK = LOG_ARCHIVE_STACK
KEY_ARN = "${aws_kms_key.session_log_key.arn}"
RESULTS_BUCKET = "audit_queries_query_results_bucket"
SQL_FILES = sorted(QUERIES_FOLDER.glob("*.sql"))


def table(synth, name: str) -> dict:
    """The table as Terraform sends it to Glue: `$${` is Terraform's escape of a literal `${`."""
    synthesized = synth.resource(STACK, "aws_glue_catalog_table", f"audit_queries_table_{name}")
    parameters = {k: v.replace("$${", "${") for k, v in synthesized["parameters"].items()}
    return {**synthesized, "parameters": parameters}


def test_the_location_templates_reach_glue_unexpanded(default_synth):
    raw = default_synth.resource(STACK, "aws_glue_catalog_table", "audit_queries_table_transcripts")
    assert raw["parameters"]["storage.location.template"].endswith(
        "/session-manager/$${account}/$${region}/$${day}/"
    )


def test_the_database_is_named_for_athena(default_synth):
    database = default_synth.resource(STACK, "aws_glue_catalog_database", "audit_queries_database")
    assert database["name"] == "central_session_logs"


def test_transcripts_are_an_external_openx_json_table_over_the_session_folder(default_synth):
    transcripts = table(default_synth, "transcripts")
    bucket = default_synth.config.names.bucket
    assert transcripts["name"] == "transcripts"
    assert (
        transcripts["database_name"] == "${aws_glue_catalog_database.audit_queries_database.name}"
    )
    assert transcripts["table_type"] == "EXTERNAL_TABLE"
    descriptor = transcripts["storage_descriptor"]
    assert descriptor["location"] == f"s3://{bucket}/session-manager/"
    assert descriptor["ser_de_info"] == {
        "serialization_library": "org.openx.data.jsonserde.JsonSerDe"
    }
    assert descriptor["input_format"] == "org.apache.hadoop.mapred.TextInputFormat"
    columns = {c["name"]: c["type"] for c in descriptor["columns"]}
    assert columns == {
        "sessionid": "string",
        "target": "string",
        "loggroup": "string",
        "logstream": "string",
        "timestamp": "bigint",
        "event": (
            "struct<eventversion:string,eventtime:string,awsregion:string,target:struct<id:string>,"
            "useridentity:struct<arn:string>,runasuser:string,sessionid:string,"
            "sessiondata:array<string>>"
        ),
        "message": "string",
    }
    assert [k["name"] for k in transcripts["partition_keys"]] == ["account", "region", "day"]
    assert {k["type"] for k in transcripts["partition_keys"]} == {"string"}


def test_transcripts_project_account_region_and_day(every_option_synth):
    transcripts = table(every_option_synth, "transcripts")
    bucket = every_option_synth.config.names.bucket
    assert transcripts["parameters"] == {
        "EXTERNAL": "TRUE",
        "classification": "json",
        "projection.enabled": "true",
        "projection.account.type": "injected",
        "projection.region.type": "enum",
        # Every member region, the excluded ap-northeast-1 too.
        "projection.region.values": "us-east-1,eu-central-1,ap-northeast-1",
        "projection.day.type": "date",
        "projection.day.format": "yyyy/MM/dd",
        "projection.day.range": "2020/01/01,NOW",
        "projection.day.interval": "1",
        "projection.day.interval.unit": "DAYS",
        "storage.location.template": f"s3://{bucket}/session-manager/${{account}}/${{region}}/${{day}}/",
    }
    assert "parameters" not in transcripts["storage_descriptor"]


def test_the_access_index_projects_kind_account_region_and_day(default_synth):
    index = table(default_synth, "access_index")
    bucket = default_synth.config.names.bucket
    parameters = index["parameters"]
    assert parameters["projection.kind.type"] == "enum"
    assert parameters["projection.kind.values"] == "session,rdp"
    assert parameters["projection.account.type"] == "injected"
    assert parameters["projection.region.values"] == ",".join(default_synth.config.member_regions)
    assert parameters["projection.day.format"] == "yyyy/MM/dd"
    assert parameters["storage.location.template"] == (
        f"s3://{bucket}/access-index/${{kind}}/${{account}}/${{region}}/${{day}}/"
    )
    keys = [k["name"] for k in index["partition_keys"]]
    assert keys == ["kind", "account", "region", "day"]
    columns = [c["name"] for c in index["storage_descriptor"]["columns"]]
    assert not set(columns) & set(keys)
    assert index["storage_descriptor"]["location"] == f"s3://{bucket}/access-index/"


@pytest.mark.parametrize("name", ["transcripts", "access_index"])
def test_every_partition_key_is_projected_and_in_the_template(default_synth, name):
    """Glue accepts any parameters; Athena refuses a template that misses a key at query time."""
    parameters = table(default_synth, name)["parameters"]
    template = parameters["storage.location.template"]
    assert template.endswith("/")
    for key in table(default_synth, name)["partition_keys"]:
        assert f"projection.{key['name']}.type" in parameters
        assert template.count(f"${{{key['name']}}}") == 1


@pytest.mark.parametrize("name", ["transcripts", "access_index"])
def test_names_are_lower_case_as_glue_stores_them(default_synth, name):
    synthesized = table(default_synth, name)
    names = [c["name"] for c in synthesized["storage_descriptor"]["columns"]]
    names += [k["name"] for k in synthesized["partition_keys"]]
    types = [c["type"] for c in synthesized["storage_descriptor"]["columns"]]
    assert [n.lower() for n in names] == names
    assert [t.lower() for t in types] == types
    assert synthesized["name"] == synthesized["name"].lower()


def test_the_workgroup_enforces_results_encrypted_with_the_central_key(default_synth):
    workgroup = default_synth.resource(STACK, "aws_athena_workgroup", "audit_queries_workgroup")
    assert workgroup["name"] == "central-session-logs"
    configuration = workgroup["configuration"]
    assert configuration["enforce_workgroup_configuration"] is True
    assert configuration["result_configuration"] == {
        "output_location": f"s3://${{aws_s3_bucket.{RESULTS_BUCKET}.bucket}}/",
        "expected_bucket_owner": default_synth.config.log_archive.account_id,
        "encryption_configuration": {"encryption_option": "SSE_KMS", "kms_key_arn": KEY_ARN},
    }


def test_the_results_bucket_is_kept_encrypted_with_the_central_key_and_tls_only(default_synth):
    bucket = default_synth.resource(STACK, "aws_s3_bucket", RESULTS_BUCKET)
    assert bucket["bucket"] == f"{default_synth.config.names.bucket}-query-results"
    assert bucket["lifecycle"]["prevent_destroy"] is True
    encryption = default_synth.resource(
        STACK, "aws_s3_bucket_server_side_encryption_configuration", f"{RESULTS_BUCKET}_encryption"
    )
    assert encryption["rule"] == [
        {
            "apply_server_side_encryption_by_default": {
                "kms_master_key_id": KEY_ARN,
                "sse_algorithm": "aws:kms",
            },
            "bucket_key_enabled": True,
        }
    ]
    policy = default_synth.resource(STACK, "aws_s3_bucket_policy", f"{RESULTS_BUCKET}_policy")
    assert list(statements_by_sid(policy["policy"])) == ["DenyRequestsWithoutTls"]


@pytest.mark.parametrize(("synth_name", "days"), [("default_synth", 30), ("every_option_synth", 7)])
def test_results_expire_after_the_configured_days(request, synth_name, days):
    synth = request.getfixturevalue(synth_name)
    lifecycle = synth.resource(
        STACK, "aws_s3_bucket_lifecycle_configuration", f"{RESULTS_BUCKET}_lifecycle"
    )
    rules = {rule["id"]: rule for rule in lifecycle["rule"]}
    assert rules["query-results"]["filter"] == [{"prefix": ""}]
    assert rules["query-results"]["expiration"] == [{"days": days}]
    assert rules["noncurrent-versions"]["noncurrent_version_expiration"] == [{"noncurrent_days": 1}]


def test_every_sql_file_is_a_named_query_in_the_workgroup_and_database(default_synth):
    queries = default_synth.resources(STACK, "aws_athena_named_query")
    by_name = {q["name"]: q for q in queries.values()}
    assert sorted(by_name) == [path.stem for path in SQL_FILES]
    for path in SQL_FILES:
        query = by_name[path.stem]
        assert query["query"] == path.read_text(encoding="utf-8")
        assert query["workgroup"] == "${aws_athena_workgroup.audit_queries_workgroup.name}"
        assert query["database"] == "${aws_glue_catalog_database.audit_queries_database.name}"
        assert query["description"].startswith(path.read_text().splitlines()[0].removeprefix("-- "))
        assert len(query["description"]) <= 1024


def test_a_bucket_name_too_long_for_the_results_bucket_is_refused(tmp_path):
    name = "b" * 50
    message = problems(with_changes(tmp_path, bucket_name=name))
    assert f"too long for the bucket {name + '-query-results'!r}" in message
