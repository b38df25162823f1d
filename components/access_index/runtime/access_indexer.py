"""Access indexer: who opened which session or RDP connection, merged into one document per access.

Reads a queue fed by two EventBridge rules (components/access_index/construct.py):
CloudTrail events the member accounts forward to the central bus (Session
Manager StartSession, ResumeSession, TerminateSession; ssm-guiconnect
StartConnection and CancelConnection; just-in-time node access
StartAccessRequest, GetAccessToken, SendAutomationSignal and the OpsItem
calls that carry an access request's automation), and S3 Object Created
events for the central bucket's RDP recordings.

Each event is reduced to observations: fields of one record, keyed by the
record's id. Records are merged in a DynamoDB table by update expressions
that only fill what is missing, so the same event twice and events in any
order give the same record. After every change the indexer renders each
access the change touches to
access-index/<session|rdp>/<account>/<region>/yyyy/MM/dd/<id>.json in the
central bucket, one JSON document on one line (docs/attribution.md), and
tags a recording with its connection id and principal.

Only named fields are copied out of an event: session tokens
(responseElements.tokenValue), connection keys (responseElements.ConnectionKey)
and credentials (GetAccessToken) never reach the table or the bucket.

A message that is not one of these events is sent to the dead-letter queue
at once; any other failure is reported as a batch item failure, and the
queue retries it until its redrive policy moves it to the dead-letter queue.

Runs on the Lambda Python runtime with boto3 and the standard library; the
names come from environment variables components/access_index/indexer.py sets.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from datetime import UTC, datetime

import boto3
from botocore.exceptions import ClientError

TABLE_VARIABLE = "INDEX_TABLE"
BUCKET_VARIABLE = "INDEX_BUCKET"
INDEX_FOLDER_VARIABLE = "INDEX_FOLDER"
TRANSCRIPT_FOLDER_VARIABLE = "TRANSCRIPT_FOLDER"
DEAD_LETTER_QUEUE_VARIABLE = "DEAD_LETTER_QUEUE_URL"
# Folders whose objects are not recordings: the rule already leaves the
# transcripts out, and the index's own documents must never feed it back.
NOT_RECORDINGS_VARIABLE = "NOT_RECORDING_PREFIXES"

CLOUDTRAIL_DETAIL_TYPE = "AWS API Call via CloudTrail"
# Just-in-time node access sessions run with credentials GetAccessToken
# hands out for this role (AWS managed policy reference,
# AWSSystemsManagerJustInTimeAccessTokenPolicy; Quick Setup's JITNA
# execution policy names the role).
JIT_TOKEN_ROLE = "SSM-JustInTimeAccessTokenRole"
# The OpsItem operational data key of an access request, holding its
# approval automation ("Approving and denying just-in-time node access
# requests": "Note the automationExecutionId value in the /aws/accessrequest
# field for the OperationalData").
ACCESS_REQUEST_DATA_KEY = "/aws/accessrequest"
# A connection id is the last part of its ConnectionArn, a UUID
# (Systems Manager CloudTrail docs, "Example 2: StartConnection").
CONNECTION_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
# S3 object tags allow letters, digits, spaces and + - = . _ : / @ (S3 user
# guide, "Categorizing your objects using tags"), values up to 256 characters.
TAG_UNSAFE = re.compile(r"[^\w\s+\-=.:/@]")
CONNECTION_TAG = "central-session-logs:connection-id"
PRINCIPAL_TAG = "central-session-logs:principal"
# The table (components/access_index/table.py): records by KEY; what an
# access still lacks in AWAITING, which a sparse index of the same name
# keys on, ordered by FIRST_SEEN. make verify queries that index.
KEY = "key"
FIRST_SEEN = "first_seen"
AWAITING = AWAITING_INDEX = "awaiting"
AWAITING_RECORDING, AWAITING_ACCESS, AWAITING_TRANSCRIPT = "recording", "access", "transcript"
# Sessions that carry no shell output: port forwarding, which Fleet Manager
# RDP uses ("Fleet Manager uses Session Manager to connect to Windows
# instances using RDP"), and SSH.
NO_TRANSCRIPT_DOCUMENTS = (
    "AWS-StartPortForwarding",
    "AWS-StartSSHSession",
    "AWS-StartNonInteractiveCommand",
)
# Renders that found the record changed under them, before giving up.
RENDER_ATTEMPTS = 5

logger = logging.getLogger()
logger.setLevel(logging.INFO)


class MalformedEvent(ValueError):
    """Not an event the indexer knows: it goes to the dead-letter queue, never into the index."""


def handler(event, context):
    index = Index.from_environment()
    failures = []
    for record in event["Records"]:
        try:
            index.apply(observations(json.loads(record["body"]), index.not_recordings))
        except (MalformedEvent, json.JSONDecodeError) as error:
            logger.warning("message %s to the dead-letter queue: %s", record["messageId"], error)
            index.dead_letter(record["body"], str(error))
        except Exception:  # Retried by the queue, then dead-lettered by its redrive policy.
            logger.exception("message %s failed; the queue will retry it", record["messageId"])
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}


# --- Events into observations ------------------------------------------------


class Observation:
    """What one event says about one record: fields to fill, sets to add to."""

    def __init__(self, key: str, event_id: str, fields: dict, sets: dict | None = None):
        self.key = key
        self.event_id = event_id
        self.fields = {name: value for name, value in fields.items() if value is not None}
        self.sets = sets or {}


def observations(event: dict, not_recordings: tuple[str, ...] = ()) -> list[Observation]:
    if not isinstance(event, dict) or "detail" not in event or "source" not in event:
        raise MalformedEvent("not an EventBridge event")
    if event["source"] == "aws.s3":
        return _recording(event, not_recordings)
    if event.get("detail-type") != CLOUDTRAIL_DETAIL_TYPE:
        raise MalformedEvent(f"unexpected detail-type {event.get('detail-type')!r}")
    detail = event["detail"]
    reader = CLOUDTRAIL_EVENTS.get((detail.get("eventSource"), detail.get("eventName")))
    if reader is None:
        raise MalformedEvent(
            f"unexpected event {detail.get('eventSource')}/{detail.get('eventName')}"
        )
    if detail.get("errorCode"):
        return []  # A refused call opened nothing.
    try:
        return reader(detail)
    except (KeyError, TypeError, AttributeError, IndexError) as error:
        raise MalformedEvent(f"{detail.get('eventName')} without {error}") from None


def _common(detail: dict) -> dict:
    return {
        "account": detail["recipientAccountId"],
        "region": detail["awsRegion"],
        FIRST_SEEN: detail["eventTime"],
    }


def _field(elements: dict | None, name: str):
    """CloudTrail writes SSM's members camelCase and ssm-guiconnect's as the API spells them."""
    elements = elements or {}
    return elements.get(name, elements.get(name[0].lower() + name[1:]))


def _start_session(detail: dict) -> list[Observation]:
    request, response = detail["requestParameters"], detail["responseElements"]
    session_id = _field(response, "SessionId")
    if not session_id:
        raise MalformedEvent("StartSession without a session id")
    identity = detail["userIdentity"]
    key = f"session#{session_id}"
    fields = {
        **_common(detail),
        "kind": "session",
        "id": session_id,
        "principal": principal(identity),
        "source_ip": detail.get("sourceIPAddress"),
        "target": _field(request, "Target"),
        # No document name means the default shell document.
        "document": _field(request, "DocumentName") or "SSM-SessionManagerRunShell",
        "via": identity.get("invokedBy"),
        "reason": _field(request, "Reason"),
        "start": detail["eventTime"],
        "credentials": _jit_credentials(identity),
    }
    return _with_jit_link(Observation(key, detail["eventID"], fields))


def _session_event(end: bool):
    def read(detail: dict) -> list[Observation]:
        session_id = _field(detail["requestParameters"], "SessionId")
        if not session_id:
            raise MalformedEvent(f"{detail['eventName']} without a session id")
        fields = {**_common(detail), "kind": "session", "id": session_id}
        if end:
            fields |= {"end": detail["eventTime"], "ended_by": principal(detail["userIdentity"])}
        return [Observation(f"session#{session_id}", detail["eventID"], fields)]

    return read


def _start_connection(detail: dict) -> list[Observation]:
    request, response = detail["requestParameters"], detail["responseElements"]
    connection_id = _connection_id(_field(response, "ConnectionArn"))
    key = f"rdp#{connection_id}"
    fields = {
        **_common(detail),
        "kind": "rdp",
        "id": connection_id,
        "principal": principal(detail["userIdentity"]),
        "source_ip": detail.get("sourceIPAddress"),
        "target": _field(request, "InstanceId"),
        "protocol": _field(request, "Protocol"),
        "start": detail["eventTime"],
        "credentials": _jit_credentials(detail["userIdentity"]),
    }
    return _with_jit_link(Observation(key, detail["eventID"], fields))


def _cancel_connection(detail: dict) -> list[Observation]:
    request = detail["requestParameters"]
    connection_id = _connection_id(
        _field(request, "ConnectionArn") or _field(request, "ConnectionId")
    )
    fields = {**_common(detail), "kind": "rdp", "id": connection_id, "end": detail["eventTime"]}
    return [Observation(f"rdp#{connection_id}", detail["eventID"], fields)]


def _connection_id(value: str | None) -> str:
    match = CONNECTION_ID.search(value or "")
    if not match:
        raise MalformedEvent(f"no connection id in {value!r}")
    return match[0].lower()


def _jit_credentials(identity: dict) -> str | None:
    """The access key id of a just-in-time session's credentials, which GetAccessToken issued."""
    if _role_name(identity) != JIT_TOKEN_ROLE:
        return None
    return identity.get("accessKeyId")


def _with_jit_link(access: Observation) -> list[Observation]:
    credentials = access.fields.get("credentials")
    if not credentials:
        return [access]
    link = Observation(f"key#{credentials}", access.event_id, {}, {"accesses": {access.key}})
    return [access, link]


def _start_access_request(detail: dict) -> list[Observation]:
    request_id = _field(detail["responseElements"], "AccessRequestId")
    if not request_id:
        raise MalformedEvent("StartAccessRequest without an access request id")
    targets = [
        value
        for target in _field(detail["requestParameters"], "Targets") or []
        for value in _field(target, "Values") or []
    ]
    fields = {
        **_common(detail),
        "requester": principal(detail["userIdentity"]),
        "reason": _field(detail["requestParameters"], "Reason"),
        "requested_at": detail["eventTime"],
        "targets": targets or None,
    }
    return [Observation(f"request#{request_id}", detail["eventID"], fields)]


def _get_access_token(detail: dict) -> list[Observation]:
    """Links the temporary credentials (their access key id only) to the request."""
    request_id = _field(detail["requestParameters"], "AccessRequestId")
    credentials = _field(_field(detail.get("responseElements"), "Credentials"), "AccessKeyId")
    if not request_id or not credentials:
        return []  # Pending or refused: no credentials were issued.
    return [
        Observation(f"key#{credentials}", detail["eventID"], {"request": request_id}),
        Observation(f"request#{request_id}", detail["eventID"], {}, {"credentials": {credentials}}),
    ]


def _ops_item(detail: dict) -> list[Observation]:
    """An access request's OpsItem names its approval automation in its operational data."""
    request, response = detail["requestParameters"], detail.get("responseElements")
    data = (_field(request, "OperationalData") or {}).get(ACCESS_REQUEST_DATA_KEY)
    ops_item = _field(request, "OpsItemId") or _field(response, "OpsItemId")
    if not data or not ops_item:
        return []  # Some other OpsItem.
    value = _field(data, "Value")
    automation = _field(
        json.loads(value) if isinstance(value, str) else value, "AutomationExecutionId"
    )
    if not automation:
        return []
    return [
        Observation(f"automation#{automation}", detail["eventID"], {"request": ops_item}),
        Observation(f"request#{ops_item}", detail["eventID"], {"automation": automation}),
    ]


def _send_automation_signal(detail: dict) -> list[Observation]:
    request = detail["requestParameters"]
    decision = _field(request, "SignalType")
    if decision not in ("Approve", "Reject", "Deny"):
        return []  # Not an approval: StartStep, StopStep, Resume.
    automation = _field(request, "AutomationExecutionId")
    fields = {
        "approver": principal(detail["userIdentity"]),
        "decision": decision,
        "decided_at": detail["eventTime"],
    }
    return [Observation(f"automation#{automation}", detail["eventID"], fields)]


SSM, GUICONNECT = "ssm.amazonaws.com", "ssm-guiconnect.amazonaws.com"
CLOUDTRAIL_EVENTS = {
    (SSM, "StartSession"): _start_session,
    (SSM, "ResumeSession"): _session_event(end=False),
    (SSM, "TerminateSession"): _session_event(end=True),
    (GUICONNECT, "StartConnection"): _start_connection,
    (GUICONNECT, "CancelConnection"): _cancel_connection,
    (SSM, "StartAccessRequest"): _start_access_request,
    (SSM, "GetAccessToken"): _get_access_token,
    (SSM, "CreateOpsItem"): _ops_item,
    (SSM, "UpdateOpsItem"): _ops_item,
    (SSM, "SendAutomationSignal"): _send_automation_signal,
}
# What the member accounts' rule forwards, by event source.
FORWARDED_EVENT_NAMES = {
    source: sorted(name for s, name in CLOUDTRAIL_EVENTS if s == source)
    for source in (SSM, GUICONNECT)
}


def _recording(event: dict, not_recordings: tuple[str, ...]) -> list[Observation]:
    """A new object in the central bucket outside the project's folders: an RDP recording."""
    try:
        key = event["detail"]["object"]["key"]
    except (KeyError, TypeError):
        raise MalformedEvent("S3 event without an object key") from None
    if key.startswith(not_recordings):
        return []
    match = CONNECTION_ID.search(key)
    # The recordings' key layout is not documented; a recording whose key
    # holds no connection id is indexed by its key, as a recording without an access.
    record_id = (
        match[0].lower() if match else f"unmatched-{hashlib.sha256(key.encode()).hexdigest()[:20]}"
    )
    fields = {
        "kind": "rdp",
        "id": record_id,
        "recording_key": key,
        "recorded_at": event["time"],
        FIRST_SEEN: event["time"],
        # Until the connection's own event names them.
        "fallback_region": event["region"],
    }
    return [Observation(f"rdp#{record_id}", event["id"], fields)]


# --- Who: the person behind a CloudTrail userIdentity -------------------------


def principal(identity: dict) -> dict:
    """The caller and, where CloudTrail says it, the person (CloudTrail user guide, "userIdentity element")."""
    person, source = _person(identity)
    return {
        "arn": identity.get("arn"),
        "type": identity.get("type"),
        "account_id": identity.get("accountId"),
        "person": person,
        "person_source": source,
    }


def _person(identity: dict) -> tuple[str | None, str]:
    context = identity.get("sessionContext") or {}
    on_behalf_of = identity.get("onBehalfOf") or {}
    if on_behalf_of.get("userId"):
        # Identity Center trusted identity propagation: the user in the identity store.
        return on_behalf_of["userId"], "identity-center"
    if context.get("sourceIdentity"):
        return context["sourceIdentity"], "source-identity"
    kind = identity.get("type")
    if kind == "IAMUser":
        return identity.get("userName"), "iam-user"
    if kind == "Root":
        return "root", "root"
    if kind == "AWSService":
        return identity.get("invokedBy"), "service"
    session_name = (identity.get("arn") or "").rpartition("/")[2] or None
    if (_role_name(identity) or "").startswith("AWSReservedSSO_"):
        # Identity Center permission set roles take the user's name as the role session name.
        return session_name, "identity-center"
    return session_name, "role-session-name"


def _role_name(identity: dict) -> str | None:
    issuer = (identity.get("sessionContext") or {}).get("sessionIssuer") or {}
    if issuer.get("userName"):
        return issuer["userName"]
    arn = identity.get("arn") or ""
    return arn.split("/")[1] if ":assumed-role/" in arn else None


# --- Merging and rendering ------------------------------------------------------


def awaiting(document: dict) -> str | None:
    """What the access's document still lacks: a recording, its access event, or transcripts."""
    if document["kind"] == "rdp":
        if document["start"] and not document["recording_key"]:
            return AWAITING_RECORDING
        if document["recording_key"] and not document["start"]:
            return AWAITING_ACCESS
        return None
    shell = not (document["document"] or "").startswith(NO_TRANSCRIPT_DOCUMENTS)
    # Whether transcripts arrived only the bucket knows: make verify looks there.
    return AWAITING_TRANSCRIPT if document["start"] and shell and not document["via"] else None


class Index:
    def __init__(
        self,
        *,
        table,
        s3,
        sqs,
        bucket,
        index_folder,
        transcript_folder,
        dead_letter_queue,
        not_recordings,
    ):
        self.table, self.s3, self.sqs = table, s3, sqs
        self.bucket, self.index_folder = bucket, index_folder
        self.transcript_folder = transcript_folder
        self.dead_letter_queue = dead_letter_queue
        self.not_recordings = not_recordings

    @classmethod
    def from_environment(cls) -> Index:
        return cls(
            table=boto3.resource("dynamodb").Table(os.environ[TABLE_VARIABLE]),
            s3=boto3.client("s3"),
            sqs=boto3.client("sqs"),
            bucket=os.environ[BUCKET_VARIABLE],
            index_folder=os.environ[INDEX_FOLDER_VARIABLE],
            transcript_folder=os.environ[TRANSCRIPT_FOLDER_VARIABLE],
            dead_letter_queue=os.environ[DEAD_LETTER_QUEUE_VARIABLE],
            not_recordings=tuple(os.environ[NOT_RECORDINGS_VARIABLE].split(",")),
        )

    def dead_letter(self, body: str, reason: str) -> None:
        self.sqs.send_message(
            QueueUrl=self.dead_letter_queue,
            MessageBody=body,
            MessageAttributes={"reason": {"DataType": "String", "StringValue": reason[:1000]}},
        )

    def apply(self, found: list[Observation]) -> None:
        for observation in found:
            self._merge(observation)
        for access in sorted({a for o in found for a in self._accesses_touched_by(o.key)}):
            self._render(access)

    def _merge(self, observation: Observation) -> None:
        """Fills what the record lacks; a duplicate event changes nothing."""
        names, values, assignments = {"#events": "events", "#version": "version"}, {}, []
        for n, (field, value) in enumerate(sorted(observation.fields.items())):
            names[f"#f{n}"], values[f":f{n}"] = field, value
            assignments.append(f"#f{n} = if_not_exists(#f{n}, :f{n})")
        additions = ["#events :event", "#version :one"]
        for n, (field, members) in enumerate(sorted(observation.sets.items())):
            names[f"#s{n}"], values[f":s{n}"] = field, set(members)
            additions.append(f"#s{n} :s{n}")
        values |= {":event": {observation.event_id}, ":one": 1, ":event_id": observation.event_id}
        expression = (
            ("SET " + ", ".join(assignments) + " " if assignments else "")
            + "ADD "
            + ", ".join(additions)
        )
        try:
            self.table.update_item(
                Key={KEY: observation.key},
                UpdateExpression=expression,
                ConditionExpression="attribute_not_exists(#events) OR NOT contains(#events, :event_id)",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            # Seen before: the record already holds it. Rendering again is harmless.

    def _get(self, key: str) -> dict:
        return self.table.get_item(Key={KEY: key}, ConsistentRead=True).get("Item") or {}

    def _accesses_touched_by(self, key: str) -> set[str]:
        kind = key.partition("#")[0]
        if kind in ("session", "rdp"):
            return {key}
        if kind == "key":
            return set(self._get(key).get("accesses", ()))
        if kind == "request":
            credentials = self._get(key).get("credentials", ())
            return {a for c in credentials for a in self._accesses_touched_by(f"key#{c}")}
        if kind == "automation":
            request = self._get(key).get("request")
            return self._accesses_touched_by(f"request#{request}") if request else set()
        return set()

    def _render(self, key: str) -> None:
        """Writes the access's document; again if the record changed meanwhile (another invocation)."""
        for _ in range(RENDER_ATTEMPTS):
            record = self._get(key)
            document = self.document(record)
            location = self.location(document, record)
            self.s3.put_object(
                Bucket=self.bucket,
                Key=location,
                Body=(json.dumps(document, sort_keys=True, separators=(",", ":")) + "\n").encode(),
                ContentType="application/json",
            )
            self._file(key, record, location=location, awaiting=awaiting(document))
            if document.get("recording_key"):
                self._tag_recording(document)
            if self._get(key).get("version") == record.get("version"):
                return
        raise RuntimeError(f"{key} kept changing while it was rendered")

    def _file(self, key: str, record: dict, *, location: str, awaiting: str | None) -> None:
        """Where the document is, and what the access still lacks, for make verify's index query.

        A record first seen without its start (a recording, an end) moves
        once the start arrives: the document at the old place goes.
        """
        old = record.get("location")
        if old == location and record.get(AWAITING) == awaiting:
            return
        names = {"#location": "location", "#awaiting": AWAITING}
        values = {":location": location}
        expression = "SET #location = :location"
        if awaiting:
            values[":awaiting"] = awaiting
            expression += ", #awaiting = :awaiting"
        else:
            expression += " REMOVE #awaiting"
        self.table.update_item(
            Key={KEY: key},
            UpdateExpression=expression,
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
        )
        if old and old != location:
            self.s3.delete_object(Bucket=self.bucket, Key=old)

    def document(self, record: dict) -> dict:
        jit = self._jit(record.get("credentials"))
        who = record.get("principal")
        if jit and who:
            # The session ran as the token role; the person is whoever asked for it.
            requester = jit["requester"] or {}
            who = {**who, "person": requester.get("person"), "person_source": "jit-requester"}
        account, region = record.get("account"), record.get("region")
        start = record.get("start")
        transcripts = None
        if record["kind"] == "session" and account and start:
            transcripts = (
                f"{self.transcript_folder}/{account}/{region}/{start[:10].replace('-', '/')}/"
            )
        return {
            "kind": record["kind"],
            "id": record["id"],
            "account": account or "unknown",
            "region": region or record.get("fallback_region"),
            "principal": who,
            "source_ip": record.get("source_ip"),
            "target": record.get("target"),
            "document": record.get("document"),
            "via": record.get("via"),
            "reason": record.get("reason"),
            "start": start,
            "end": record.get("end"),
            "ended_by": record.get("ended_by"),
            "jit": jit,
            "transcript_prefix": transcripts,
            "recording_key": record.get("recording_key"),
            "recorded_at": record.get("recorded_at"),
            "events": sorted(record.get("events", ())),
            "updated": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }

    def location(self, document: dict, record: dict) -> str:
        day = (document["start"] or record[FIRST_SEEN])[:10].replace("-", "/")
        return (
            f"{self.index_folder}/{document['kind']}/{document['account']}/{document['region']}/"
            f"{day}/{document['id']}.json"
        )

    def _jit(self, credentials: str | None) -> dict | None:
        if not credentials:
            return None
        request_id = self._get(f"key#{credentials}").get("request")
        request = self._get(f"request#{request_id}") if request_id else {}
        automation = (
            self._get(f"automation#{request['automation']}") if request.get("automation") else {}
        )
        return {
            "request_id": request_id,
            "reason": request.get("reason"),
            "requested_at": request.get("requested_at"),
            "requester": request.get("requester"),
            "approver": automation.get("approver"),
            "decision": automation.get("decision"),
            "decided_at": automation.get("decided_at"),
        }

    def _tag_recording(self, document: dict) -> None:
        key = document["recording_key"]
        try:
            found = self.s3.get_object_tagging(Bucket=self.bucket, Key=key)["TagSet"]
        except ClientError as error:
            if error.response["Error"]["Code"] not in ("NoSuchKey", "404"):
                raise
            # Gone since (expired, or deleted where the lock allows): nothing to tag.
            logger.info("recording %s no longer exists; not tagged", key)
            return
        tags = {t["Key"]: t["Value"] for t in found}
        wanted = {CONNECTION_TAG: document["id"]}
        if document["principal"] and document["principal"].get("arn"):
            wanted[PRINCIPAL_TAG] = TAG_UNSAFE.sub("_", document["principal"]["arn"])[:256]
        if all(tags.get(k) == v for k, v in wanted.items()):
            return
        tags |= wanted
        self.s3.put_object_tagging(
            Bucket=self.bucket,
            Key=key,
            Tagging={"TagSet": [{"Key": k, "Value": v} for k, v in sorted(tags.items())]},
        )
