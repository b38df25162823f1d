"""Custom resource: the account's RDP recording preferences in this region, written whatever was there.

Recording preferences exist once per account and region (the primary
identifier of AWS::SSMGuiConnect::Preferences is the account id), and
UpdateConnectionRecordingPreferences writes them whether or not they exist.
The resource type is not used because CloudFormation rejects a template that
names a type its region lacks, even under a false Condition, and 16 of the
commercial regions lack it; and because a create over existing preferences
fails under the resource handler contract ("AlreadyExists"). Delete removes
the preferences only while they still name this template's bucket.

The Lambda runtime's boto3 may predate the ssm-guiconnect API, so the handler
signs the rest-json calls itself with botocore's SigV4 signer (service model
ssm-guiconnect 2021-05-01: POST /<Operation>, signing name ssm-guiconnect).
AWS_ENDPOINT_URL_SSM_GUICONNECT overrides the endpoint, as it does for the SDKs.
"""

import json
import logging
import os
import time
import urllib.error
import urllib.request

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest

from .custom_resource import respond  # inlined by the template builder

logger = logging.getLogger()

SERVICE = "ssm-guiconnect"
# Throttling and server errors are worth another try; the rest are not.
RETRIED_STATUSES = (429, 500, 502, 503, 504)
ATTEMPTS = 4


def handler(event, context):
    respond(event, write_preferences)


def write_preferences(event):
    properties = event["ResourceProperties"]
    wanted = properties["ConnectionRecordingPreferences"]
    if event["RequestType"] != "Delete":
        call("UpdateConnectionRecordingPreferences", {"ConnectionRecordingPreferences": wanted})
    elif event.get("PhysicalResourceId") == physical_id() and still_ours(wanted):
        call("DeleteConnectionRecordingPreferences", {})
    return physical_id()


def physical_id():
    return f"{SERVICE}-preferences-{os.environ['AWS_REGION']}"


def still_ours(wanted):
    try:
        current = call("GetConnectionRecordingPreferences", {})
    except ServiceError as error:
        if error.code == "ResourceNotFoundException":
            return False
        raise
    buckets = current["ConnectionRecordingPreferences"]["RecordingDestinations"]["S3Buckets"]
    return buckets == wanted["RecordingDestinations"]["S3Buckets"]


class ServiceError(Exception):
    def __init__(self, code, message):
        super().__init__(f"{code}: {message}")
        self.code = code


def call(operation, body):
    region = os.environ["AWS_REGION"]
    endpoint = os.environ.get("AWS_ENDPOINT_URL_SSM_GUICONNECT") or (
        f"https://{SERVICE}.{region}.amazonaws.com"
    )
    attempt = 1
    while True:
        request = signed_request(f"{endpoint.rstrip('/')}/{operation}", body, region)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            failure = service_error(error)
            if error.code not in RETRIED_STATUSES or attempt == ATTEMPTS:
                raise failure from None
            logger.info("%s: %s, attempt %s of %s", operation, failure, attempt, ATTEMPTS)
        time.sleep(2**attempt)
        attempt += 1


def signed_request(url, body, region):
    credentials = boto3.Session().get_credentials().get_frozen_credentials()
    request = AWSRequest(
        method="POST",
        url=url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    SigV4Auth(credentials, SERVICE, region).add_auth(request)
    prepared = request.prepare()
    return urllib.request.Request(
        prepared.url, data=prepared.body, headers=dict(prepared.headers), method="POST"
    )


def service_error(error):
    """The rest-json error: its code in x-amzn-ErrorType ("Code:..." at most), its message in the body."""
    code = (error.headers.get("x-amzn-ErrorType") or f"HTTP{error.code}").split(":")[0]
    try:
        message = json.loads(error.read() or b"{}").get("message", "")
    except ValueError:
        message = ""
    return ServiceError(code, message or error.reason)
