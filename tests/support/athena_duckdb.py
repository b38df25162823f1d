"""DuckDB standing in for Athena: views shaped like the Glue tables, over files laid out as in S3.

Each view has exactly the table's columns (cast to the types the Glue table
declares) and its partition keys, which are read from the object's path the
way partition projection's `storage.location.template` fills them, so a
query that names anything else fails here as it would in Athena. The glob
has one `*` per path segment of the template, so like Athena it reads only
objects in a projected day folder. The macros give DuckDB the Trino
functions the named queries call; docs/audit-queries.md lists what differs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import duckdb

from components.audit_queries.tables import DAY_FORMAT, Table

# Trino (Athena engine 3) functions DuckDB 2.0 lacks, by what DuckDB has instead.
TRINO_MACROS = (
    # Both match anywhere in the string (Trino: "a contains operation").
    "CREATE MACRO regexp_like(s, p) AS regexp_matches(s, p)",
    "CREATE MACRO array_join(a, separator) AS array_to_string(a, separator)",
    # Through TIMESTAMPTZ: a plain TIMESTAMP cast drops the offset silently.
    "CREATE MACRO from_iso8601_timestamp(s) AS CAST(s AS TIMESTAMPTZ)",
)
# Neither date nor timestamp detection: Glue declares these fields strings.
_NO_DATES = "dateformat='not a date', timestampformat='not a timestamp'"
_PARAMETER = re.compile(r"\?")


def duckdb_type(hive_type: str) -> str:
    """The DuckDB type of a Hive type string as Glue columns take it (struct, array, scalars)."""
    text = hive_type.replace(" ", "")
    parsed, end = _parse(text, 0)
    if end != len(text):
        raise ValueError(f"unexpected {text[end:]!r} in {hive_type!r}")
    return parsed


_SCALARS = {"string": "VARCHAR", "bigint": "BIGINT", "int": "INTEGER", "boolean": "BOOLEAN"}


def _parse(text: str, at: int) -> tuple[str, int]:
    if text.startswith("struct<", at):
        at += len("struct<")
        fields = []
        while True:
            colon = text.index(":", at)
            name = text[at:colon]
            field_type, at = _parse(text, colon + 1)
            fields.append(f'"{name}" {field_type}')
            if text[at] == ">":
                return f"STRUCT({', '.join(fields)})", at + 1
            at += 1  # the comma
    if text.startswith("array<", at):
        element, at = _parse(text, at + len("array<"))
        return f"{element}[]", at + 1
    name = re.match(r"[a-z]+", text[at:]).group(0)
    return _SCALARS[name], at + len(name)


def table_view(table: Table, root: Path) -> str:
    """CREATE VIEW of `table` over files under `root` laid out as under the bucket."""
    folder = (root / table.folder).as_posix()
    segments, groups = [], []
    for key in table.partition_keys:
        if key.name == "day":
            depth = DAY_FORMAT.count("/") + 1
            groups.append(r"(\d{4}/\d{2}/\d{2})")
        else:
            depth = 1
            groups.append("([^/]+)")
        segments += ["*"] * depth
    glob = f"{folder}/{'/'.join(segments)}/*"
    pattern = re.escape(f"{folder}/") + "/".join(groups) + "/[^/]+$"
    columns = [f'CAST("{c.name}" AS {duckdb_type(c.type)}) AS "{c.name}"' for c in table.columns]
    partitions = [
        f"regexp_extract(filename, '{pattern}', {index}) AS \"{key.name}\""
        for index, key in enumerate(table.partition_keys, start=1)
    ]
    return (
        f'CREATE VIEW "{table.name}" AS SELECT {", ".join(columns + partitions)} '
        f"FROM read_ndjson('{glob}', filename=true, {_NO_DATES})"
    )


def athena_like(root: Path, tables: Sequence[Table]) -> duckdb.DuckDBPyConnection:
    """A connection in UTC, as Athena computes, with the macros and one view per table."""
    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'UTC'")
    for statement in (*TRINO_MACROS, *(table_view(t, root) for t in tables)):
        connection.execute(statement)
    return connection


def with_parameters(sql: str, parameters: Sequence[str]) -> str:
    """The query with each `?` replaced, in order, by a string literal, as Athena binds
    execution parameters; the queries hold no `?` anywhere else."""
    values = iter(parameters)
    bound = _PARAMETER.sub(lambda _: "'" + next(values).replace("'", "''") + "'", sql)
    if next(values, None) is not None or sql.count("?") != len(parameters):
        raise ValueError(f"{sql.count('?')} parameters in the query, {len(parameters)} given")
    return bound
