"""A local stand-in for ssm-guiconnect, which moto does not emulate.

It serves the three recording-preference operations of the service model
(botocore's ssm-guiconnect 2021-05-01, rest-json): POST
/GetConnectionRecordingPreferences, /UpdateConnectionRecordingPreferences and
/DeleteConnectionRecordingPreferences. Preferences are kept per account and
region, read from the SigV4 credential scope as AWS would: the access key
names the account the way moto maps it, the scope names the region, and a
scope for another service is refused. Errors are rest-json errors: the code
in x-amzn-ErrorType, the message in the body. Update checks the shape's
required members and limits (one bucket, a 12-digit owner) as the service
does, with ValidationException. Tests read and preset an account's
preferences in `preferences`, keyed by (account, region).
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from moto.iam.models import get_account_id_from

CREDENTIAL_SCOPE = re.compile(r"Credential=([^/]+)/\d{8}/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request")


@dataclass
class GuiConnectStandIn:
    url: str
    # (account, region) -> ConnectionRecordingPreferences
    preferences: dict[tuple[str, str], dict] = field(default_factory=dict)
    # (operation, account, region) of every request answered.
    calls: list[tuple[str, str, str]] = field(default_factory=list)
    # Statuses to answer the next requests with, before serving normally.
    planned_failures: list[int] = field(default_factory=list)

    def answer(self, operation: str, authorization: str, body: dict) -> tuple[int, str, dict]:
        """(HTTP status, error code or "", body) for one request."""
        scope = CREDENTIAL_SCOPE.search(authorization or "")
        if not scope or scope[3] != "ssm-guiconnect":
            return 403, "AccessDeniedException", {"message": "not signed for ssm-guiconnect"}
        account, region = get_account_id_from(scope[1]), scope[2]
        self.calls.append((operation, account, region))
        if self.planned_failures:
            return self.planned_failures.pop(0), "ThrottlingException", {"message": "slow down"}
        serve = _OPERATIONS.get(operation)
        if serve is None:
            return 404, "UnknownOperationException", {"message": operation}
        return serve(self.preferences, (account, region), body)


def _get(stored: dict, where: tuple[str, str], body: dict) -> tuple[int, str, dict]:
    if where not in stored:
        return 404, "ResourceNotFoundException", {"message": "no recording preferences"}
    return (
        200,
        "",
        {"ClientToken": _client_token(body), "ConnectionRecordingPreferences": stored[where]},
    )


def _update(stored: dict, where: tuple[str, str], body: dict) -> tuple[int, str, dict]:
    wanted = body.get("ConnectionRecordingPreferences")
    problem = _invalid_preferences(wanted)
    if problem:
        return 400, "ValidationException", {"message": problem}
    stored[where] = wanted
    return 200, "", {"ClientToken": _client_token(body), "ConnectionRecordingPreferences": wanted}


def _invalid_preferences(preferences) -> str:
    """What breaks the model's ConnectionRecordingPreferences shape, or ""."""
    if not isinstance(preferences, dict) or not preferences.get("KMSKeyArn"):
        return "ConnectionRecordingPreferences.KMSKeyArn is required"
    buckets = (preferences.get("RecordingDestinations") or {}).get("S3Buckets")
    if not isinstance(buckets, list) or len(buckets) != 1:
        return "RecordingDestinations.S3Buckets must hold exactly one bucket"
    [bucket] = buckets
    if not bucket.get("BucketName"):
        return "S3Bucket.BucketName is required"
    if not re.fullmatch(r"[0-9]{12}", str(bucket.get("BucketOwner", ""))):
        return "S3Bucket.BucketOwner must be a 12-digit account id"
    return ""


def _delete(stored: dict, where: tuple[str, str], body: dict) -> tuple[int, str, dict]:
    if stored.pop(where, None) is None:
        return 404, "ResourceNotFoundException", {"message": "no recording preferences"}
    return 200, "", {"ClientToken": _client_token(body)}


def _client_token(body: dict) -> str:
    # The caller's idempotency token, or one the service makes up.
    return body.get("ClientToken") or str(uuid.uuid4())


_OPERATIONS = {
    "GetConnectionRecordingPreferences": _get,
    "UpdateConnectionRecordingPreferences": _update,
    "DeleteConnectionRecordingPreferences": _delete,
}


@contextmanager
def guiconnect_stand_in() -> Iterator[GuiConnectStandIn]:
    """The stand-in, listening on this machine until the block ends."""
    stand_in = GuiConnectStandIn(url="")

    class Endpoint(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            status, code, answer = stand_in.answer(
                self.path.strip("/"), self.headers.get("Authorization"), body
            )
            payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            if code:
                self.send_header("x-amzn-ErrorType", code)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Endpoint)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    stand_in.url = f"http://127.0.0.1:{server.server_port}"
    try:
        yield stand_in
    finally:
        server.shutdown()
        server.server_close()
