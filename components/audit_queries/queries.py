"""The named queries, one SQL file each in queries/: the file's text is the query, unchanged.

Each file opens with `--` comment lines that say what it answers and which
`?` execution parameters it takes, in order; those lines are the named
query's description. Athena accepts `?` "only in the WHERE clause" of a
SELECT, never in quotes ("Using parameterized queries",
https://docs.aws.amazon.com/athena/latest/ug/querying-with-prepared-statements.html),
so the comments never contain one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

QUERIES_FOLDER = Path(__file__).with_name("queries")
COMMENT = "-- "


@dataclass(frozen=True)
class NamedQuery:
    name: str
    sql: str

    @property
    def description(self) -> str:
        lines = self.sql.splitlines()
        header = [line.removeprefix(COMMENT) for line in lines if line.startswith(COMMENT)]
        return " ".join(header)

    @property
    def parameter_count(self) -> int:
        return self.sql.count("?")


def named_queries() -> list[NamedQuery]:
    return [
        NamedQuery(name=path.stem, sql=path.read_text(encoding="utf-8"))
        for path in sorted(QUERIES_FOLDER.glob("*.sql"))
    ]
