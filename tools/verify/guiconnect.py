"""ssm-guiconnect, called with a member role's credentials: boto3 1.35 has no model for it.

The call is signed here with botocore's SigV4 signer, following the service
model (ssm-guiconnect 2021-05-01, rest-json: POST /<Operation> with a JSON
body, signing name ssm-guiconnect, the error code in x-amzn-ErrorType), as
the member template's custom resource does
(components/member_template/runtime/rdp_recording_preferences.py). That
module is not imported here: it is inlined into the template, so it stays
standard library and boto3 only and takes its region and credentials from
the Lambda's environment, where verify needs one account's role and one
region per call. Both run against the same stand-in, tests/support/guiconnect.py.

AWS_ENDPOINT_URL_SSM_GUICONNECT overrides the endpoint, as it does for the
SDKs ("Service-specific endpoints", AWS SDKs and Tools Reference Guide,
https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html).
"""

from __future__ import annotations

import json
import os
import random
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

SERVICE = "ssm-guiconnect"
ENDPOINT_VARIABLE = "AWS_ENDPOINT_URL_SSM_GUICONNECT"
# Throttling and server errors are worth another try; the rest are not.
RETRIED_STATUSES = (429, 500, 502, 503, 504)
RETRIED_CODES = ("ThrottlingException", "TooManyRequestsException")
ATTEMPTS = 5
TIMEOUT_SECONDS = 30


class ServiceError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code


@dataclass
class GuiConnect:
    """One account and region of ssm-guiconnect."""

    credentials: Credentials
    region: str
    sleep: Callable[[float], None] = time.sleep

    @property
    def endpoint(self) -> str:
        override = os.environ.get(ENDPOINT_VARIABLE)
        return (override or f"https://{SERVICE}.{self.region}.amazonaws.com").rstrip("/")

    def call(self, operation: str, body: dict | None = None) -> dict:
        """The operation's JSON answer; ServiceError when the service refuses, after retries."""
        attempt = 1
        while True:
            try:
                with urllib.request.urlopen(
                    self._signed(operation, body or {}), timeout=TIMEOUT_SECONDS
                ) as response:
                    return json.loads(response.read() or b"{}")
            except urllib.error.HTTPError as error:
                failure = _service_error(error)
                retried = error.code in RETRIED_STATUSES or failure.code in RETRIED_CODES
                if not retried or attempt == ATTEMPTS:
                    raise failure from None
            # Exponential backoff with jitter, so that 16 workers throttled
            # together do not all come back at the same moment.
            self.sleep(2**attempt * random.uniform(0.5, 1.0))
            attempt += 1

    def _signed(self, operation: str, body: dict) -> urllib.request.Request:
        request = AWSRequest(
            method="POST",
            url=f"{self.endpoint}/{operation}",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        SigV4Auth(self.credentials, SERVICE, self.region).add_auth(request)
        prepared = request.prepare()
        return urllib.request.Request(
            prepared.url, data=prepared.body, headers=dict(prepared.headers), method="POST"
        )


def _service_error(error: urllib.error.HTTPError) -> ServiceError:
    """The rest-json error: its code in x-amzn-ErrorType ("Code:..." at most), its message in the body."""
    code = (error.headers.get("x-amzn-ErrorType") or f"HTTP{error.code}").split(":")[0]
    try:
        message = json.loads(error.read() or b"{}").get("message", "")
    except ValueError:
        message = ""
    return ServiceError(code, message or str(error.reason))
