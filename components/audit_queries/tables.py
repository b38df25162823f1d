"""The two Glue tables the audit queries read, as data: columns, partitions, projection.

Both tables use partition projection: Athena computes the partitions from the
table's parameters at query time, so nothing has to add a partition when a new
account, region or day appears ("Partition projection with Amazon Athena",
https://docs.aws.amazon.com/athena/latest/ug/partition-projection.html).
Member accounts join the organization after Terraform runs, so `account` is
an injected column: "Queries on injected columns fail if a filter expression
is not provided for each injected column", and the values must be disjunct
literals, `=` or `IN (...)` ("Supported types for partition projection",
https://docs.aws.amazon.com/athena/latest/ug/partition-projection-supported-types.html).

Column names are lower case: Glue lowercases them on CreateTable, and a
camelCase name would make every plan want to rename it back. The OpenX JSON
SerDe matches JSON keys case-insensitively by default (`case.insensitive`,
"OpenX JSON SerDe", https://docs.aws.amazon.com/athena/latest/ug/openx-json-serde.html),
nested struct fields included, so `sessionId` reads into `sessionid`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from config.names import Names

JSON_SERDE = "org.openx.data.jsonserde.JsonSerDe"
TEXT_INPUT_FORMAT = "org.apache.hadoop.mapred.TextInputFormat"
TEXT_OUTPUT_FORMAT = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"
# Firehose names each object's day folder after the UTC time it wrote the
# object (!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}); the indexer
# uses the same layout. The project started writing after this day.
DAY_FORMAT = "yyyy/MM/dd"
FIRST_DAY = "2020/01/01"
ACCESS_KINDS = ("session", "rdp")

# A principal as the access index records it (the indexer's contract).
PRINCIPAL = "struct<arn:string,type:string,account_id:string,person:string,person_source:string>"
SESSION_EVENT = (
    "struct<eventversion:string,eventtime:string,awsregion:string,target:struct<id:string>,"
    "useridentity:struct<arn:string>,runasuser:string,sessionid:string,sessiondata:array<string>>"
)
JUST_IN_TIME = (
    f"struct<request_id:string,reason:string,requested_at:string,requester:{PRINCIPAL},"
    f"approver:{PRINCIPAL},decision:string,decided_at:string>"
)


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    comment: str


@dataclass(frozen=True)
class Table:
    """One external table over `s3://<bucket>/<folder>/`, partitions laid out as `layout` says."""

    name: str
    description: str
    folder: str
    columns: tuple[Column, ...]
    partition_keys: tuple[Column, ...]
    # Every projection.* parameter but projection.enabled.
    projection: dict[str, str]

    def location(self, bucket: str) -> str:
        return f"s3://{bucket}/{self.folder}/"

    def location_template(self, bucket: str) -> str:
        """One `${key}` per partition key, in key order, ending in "/" as Athena requires
        ("Setting up partition projection",
        https://docs.aws.amazon.com/athena/latest/ug/partition-projection-setting-up.html)."""
        keys = "/".join(f"${{{key.name}}}" for key in self.partition_keys)
        return f"{self.location(bucket)}{keys}/"

    def parameters(self, bucket: str) -> dict[str, str]:
        """Table-level parameters: Athena reads projection there, not in the storage descriptor."""
        return {
            "EXTERNAL": "TRUE",
            "classification": "json",
            "projection.enabled": "true",
            **self.projection,
            "storage.location.template": self.location_template(bucket),
        }


def _injected(column: str) -> dict[str, str]:
    return {f"projection.{column}.type": "injected"}


def _enum(column: str, values: Sequence[str]) -> dict[str, str]:
    # "Any white space is considered part of an enum value": joined without spaces.
    return {f"projection.{column}.type": "enum", f"projection.{column}.values": ",".join(values)}


def _day(column: str) -> dict[str, str]:
    # NOW caps the range: Athena does not project days that have not come yet.
    return {
        f"projection.{column}.type": "date",
        f"projection.{column}.format": DAY_FORMAT,
        f"projection.{column}.range": f"{FIRST_DAY},NOW",
        f"projection.{column}.interval": "1",
        f"projection.{column}.interval.unit": "DAYS",
    }


ACCOUNT = Column("account", "string", "The member account: every query must name it with = or IN.")
REGION = Column("region", "string", "The region the session or connection was in.")
DAY = Column("day", "string", "yyyy/MM/dd (UTC) of the folder the object was written to.")


def transcripts_table(names: Names, regions: Sequence[str]) -> Table:
    """The transcripts Firehose writes, one JSON object per log event (docs/decisions/delivery.md)."""
    return Table(
        name=names.transcripts_table,
        description=(
            "Session Manager transcripts, one row per log event, as the Firehose processor "
            "writes them under session-manager/<account>/<region>/yyyy/MM/dd/."
        ),
        folder=names.session_log_folder,
        columns=(
            Column("sessionid", "string", "The session id (else the log stream name)."),
            Column("target", "string", "The managed node, from streamed events only."),
            Column("loggroup", "string", "The member log group the event came from."),
            Column("logstream", "string", "Its log stream, named after the session."),
            Column("timestamp", "bigint", "The log event's time, milliseconds since the epoch."),
            Column("event", SESSION_EVENT, "The streamed Session Manager event, if it was JSON."),
            Column("message", "string", "Any other message: an uploaded transcript, as text."),
        ),
        partition_keys=(ACCOUNT, REGION, DAY),
        projection={**_injected("account"), **_enum("region", regions), **_day("day")},
    )


def access_index_table(names: Names, regions: Sequence[str]) -> Table:
    """One document per session or RDP connection, written by the access indexer.

    The documents also carry `kind`, `account` and `region`; a Hive table
    cannot have a column and a partition key of the same name, so those
    three are partition keys only, and Athena fills them from the object's
    path, which the indexer's contract makes equal to the fields.
    """
    return Table(
        name=names.access_index_table,
        description=(
            "Who accessed which node: one row per Session Manager session or RDP connection, "
            "under access-index/<kind>/<account>/<region>/yyyy/MM/dd/."
        ),
        folder=names.access_index_folder,
        columns=(
            Column("id", "string", "The session id or RDP connection id."),
            Column("principal", PRINCIPAL, "Who started it, and the person behind the principal."),
            Column("source_ip", "string", "Where the request came from."),
            Column("target", "string", "The instance id."),
            Column("document", "string", "The session document."),
            Column("via", "string", "The service that started it, e.g. ssm-guiconnect."),
            Column("reason", "string", "The reason given when the session was started."),
            Column("start", "string", "ISO-8601 UTC, or null."),
            Column("end", "string", "ISO-8601 UTC, or null."),
            Column("ended_by", PRINCIPAL, "Who terminated the session, if someone did."),
            Column("jit", JUST_IN_TIME, "The just-in-time access request, if any."),
            Column("transcript_prefix", "string", "Sessions: the day folder of its transcript."),
            Column("recording_key", "string", "RDP: the object key of the recording."),
            Column("recorded_at", "string", "RDP: when the recording landed, ISO-8601 UTC."),
            Column("events", "array<string>", "Ids of the events the document was built from."),
            Column("updated", "string", "ISO-8601 UTC time the indexer last wrote it."),
        ),
        partition_keys=(
            Column("kind", "string", "session or rdp."),
            ACCOUNT,
            REGION,
            DAY,
        ),
        projection={
            **_enum("kind", ACCESS_KINDS),
            **_injected("account"),
            **_enum("region", regions),
            **_day("day"),
        },
    )
