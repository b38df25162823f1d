"""The IAM action an AWS API request needs, named from the request alone.

The request's SigV4 credential scope names the service (its signing name);
botocore's model of that service names the operation: from the X-Amz-Target
header (json protocol), the Action parameter (query protocol), or the HTTP
method and path matched against each operation's requestUri (rest-json and
rest-xml). IAM names most actions after the operation; the exceptions below
are those of the operations these stacks call (Service Authorization
Reference, "Actions, resources, and condition keys for Amazon S3": "Actions"
column, and "Amazon S3 API operations mapped to permissions" in the S3 user
guide).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

import botocore.session

CREDENTIAL_SCOPE = re.compile(r"Credential=([^/]+)/\d{8}/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request")
# Operation -> the IAM action it needs, where the two names differ.
_ACTION_OF_OPERATION = {
    "s3": {
        "HeadBucket": "ListBucket",
        "ListObjects": "ListBucket",
        "ListObjectsV2": "ListBucket",
        "ListObjectVersions": "ListBucketVersions",
        "HeadObject": "GetObject",
        "DeleteObjects": "DeleteObject",
        "GetBucketCors": "GetBucketCORS",
        "GetBucketEncryption": "GetEncryptionConfiguration",
        "PutBucketEncryption": "PutEncryptionConfiguration",
        "GetBucketLifecycleConfiguration": "GetLifecycleConfiguration",
        "PutBucketLifecycleConfiguration": "PutLifecycleConfiguration",
        "GetBucketReplication": "GetReplicationConfiguration",
        "GetBucketAccelerateConfiguration": "GetAccelerateConfiguration",
        "GetObjectLockConfiguration": "GetBucketObjectLockConfiguration",
        "PutObjectLockConfiguration": "PutBucketObjectLockConfiguration",
        "PutBucketReplication": "PutReplicationConfiguration",
        "DeleteBucketReplication": "PutReplicationConfiguration",
        "GetBucketNotificationConfiguration": "GetBucketNotification",
        "PutBucketNotificationConfiguration": "PutBucketNotification",
        "GetPublicAccessBlock": "GetBucketPublicAccessBlock",
        "PutPublicAccessBlock": "PutBucketPublicAccessBlock",
        "DeleteBucketLifecycle": "PutLifecycleConfiguration",
        "DeleteBucketEncryption": "PutEncryptionConfiguration",
    },
}
# Signing name -> IAM service prefix, where the two differ.
_PREFIX_OF_SIGNING_NAME = {"monitoring": "cloudwatch", "email": "ses"}


@dataclass(frozen=True)
class SignedRequest:
    method: str
    # Path and query string, as sent.
    target: str
    headers: dict[str, str]
    body: bytes


def access_key_and_action(request: SignedRequest) -> tuple[str, str] | None:
    """(access key id, "prefix:Action"), or None for a request that is not SigV4-signed."""
    scope = CREDENTIAL_SCOPE.search(request.headers.get("Authorization", ""))
    if not scope:
        return None
    access_key, signing_name = scope[1], scope[3]
    operation = operation_name(signing_name, request)
    action = _ACTION_OF_OPERATION.get(signing_name, {}).get(operation, operation)
    return access_key, f"{_PREFIX_OF_SIGNING_NAME.get(signing_name, signing_name)}:{action}"


def operation_name(signing_name: str, request: SignedRequest) -> str:
    model = _service_model(signing_name)
    target = request.headers.get("X-Amz-Target")
    if target:
        return target.rsplit(".", 1)[-1]
    if model["metadata"]["protocol"] in ("query", "ec2"):
        return _action_parameter(request)
    return _rest_operation(model, request)


def _action_parameter(request: SignedRequest) -> str:
    query = urlsplit(request.target).query
    parameters = parse_qs(query) | parse_qs(request.body.decode("utf-8", "replace"))
    return parameters["Action"][0]


def _rest_operation(model: dict, request: SignedRequest) -> str:
    parts = urlsplit(request.target)
    segments = _segments(unquote(parts.path))
    query = parse_qs(parts.query, keep_blank_values=True)
    headers = {name.lower() for name in request.headers}
    # Operations that share a URI differ in the query keys and headers they require.
    scored = [
        ((len(located), *fit), name)
        for name, operation in model["operations"].items()
        if operation["http"]["method"] == request.method and not operation.get("deprecated")
        for fit in [_match(operation["http"]["requestUri"], segments, query)]
        for located in [_required_located_members(model, operation)]
        if fit is not None and located <= set(query) | headers
    ]
    if not scored:
        raise LookupError(f"no operation of {model['metadata']['serviceId']} for {request}")
    return max(scored)[1]


def _required_located_members(model: dict, operation: dict) -> set[str]:
    """Query keys and (lower-case) headers the operation's input requires."""
    if "input" not in operation:
        return set()
    shape = model["shapes"][operation["input"]["shape"]]
    located = set()
    for name in shape.get("required", []):
        member = shape["members"][name]
        if member.get("location") == "querystring":
            located.add(member["locationName"])
        elif member.get("location") == "header":
            located.add(member["locationName"].lower())
    return located


def _match(request_uri: str, segments: list[str], query: dict) -> tuple[int, int, bool] | None:
    """How closely the URI template fits, else None: the most query keys it
    requires, then the most literal segments, then an exact length win."""
    path, _, required_query = request_uri.partition("?")
    template = _segments(path)
    greedy = bool(template) and template[-1].endswith("+}")
    if len(segments) < len(template) or (len(segments) > len(template) and not greedy):
        return None
    literals = 0
    for index, expected in enumerate(template):
        if not expected.startswith("{"):
            if segments[index] != expected:
                return None
            literals += 1
    required = parse_qs(required_query, keep_blank_values=True)
    for key, values in required.items():
        if key not in query or (values != [""] and query[key] != values):
            return None
    return len(required), literals, not greedy


def _segments(path: str) -> list[str]:
    return [segment for segment in path.split("/") if segment]


@functools.cache
def _service_model(signing_name: str) -> dict:
    session = botocore.session.get_session()
    services = session.get_available_services()
    # Most services sign with their own name; the others are searched for.
    likely_first = sorted(services, key=lambda service: service != signing_name)
    for service in likely_first:
        if session.get_service_model(service).signing_name == signing_name:
            return session.get_service_data(service)
    raise LookupError(f"botocore has no service signed as {signing_name}")
