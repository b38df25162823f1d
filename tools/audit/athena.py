"""Transcripts through Athena: the deployed named query, run in the project's workgroup.

make audit reads the query by name from the workgroup, so it runs exactly
what the log archive stack deployed (components/audit_queries/queries/).
String execution parameters go in single quotes: "for SQL execution
parameters to be treated as strings, they must be enclosed in single
quotes" (Athena user guide, "Using parameterized queries").
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

FINISHED = ("SUCCEEDED", "FAILED", "CANCELLED")
POLL_SECONDS = 1
TIMEOUT_SECONDS = 600


class QueryFailed(RuntimeError):
    pass


def named_query_sql(athena, *, workgroup: str, name: str) -> str:
    pages = athena.get_paginator("list_named_queries").paginate(WorkGroup=workgroup)
    for query_id in (i for page in pages for i in page["NamedQueryIds"]):
        query = athena.get_named_query(NamedQueryId=query_id)["NamedQuery"]
        if query["Name"] == name:
            return query["QueryString"]
    raise LookupError(
        f"no named query {name!r} in workgroup {workgroup}: apply the log-archive stack"
    )


def run(
    athena,
    *,
    workgroup: str,
    database: str,
    sql: str,
    parameters: Sequence[str],
    sleep: Callable[[float], None] = time.sleep,
) -> list[dict]:
    """The query's rows as dicts, once Athena has finished it."""
    execution = athena.start_query_execution(
        QueryString=sql,
        QueryExecutionContext={"Database": database},
        WorkGroup=workgroup,
        ExecutionParameters=[_literal(p) for p in parameters],
    )["QueryExecutionId"]
    waited = 0.0
    while (status := _status(athena, execution))["State"] not in FINISHED:
        if waited >= TIMEOUT_SECONDS:
            raise QueryFailed(f"query {execution} still {status['State']} after {waited:.0f} s")
        sleep(POLL_SECONDS)
        waited += POLL_SECONDS
    if status["State"] != "SUCCEEDED":
        raise QueryFailed(
            f"query {execution} {status['State']}: {status.get('StateChangeReason', '')}"
        )
    return _rows(athena, execution)


def _status(athena, execution: str) -> dict:
    return athena.get_query_execution(QueryExecutionId=execution)["QueryExecution"]["Status"]


def _rows(athena, execution: str) -> list[dict]:
    pages = athena.get_paginator("get_query_results").paginate(QueryExecutionId=execution)
    columns, rows = None, []
    for page in pages:
        if columns is None:
            columns = [c["Name"] for c in page["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]]
        values = [[d.get("VarCharValue") for d in r["Data"]] for r in page["ResultSet"]["Rows"]]
        rows += [dict(zip(columns, v, strict=True)) for v in values]
    # The first row of a SELECT's results holds the column names.
    return rows[1:] if rows and list(rows[0].values()) == columns else rows


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
