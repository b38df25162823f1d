"""Every API call the emulator answers while a stack is applied, as IAM action names.

The docs' minimum-permissions table (docs/ci-and-permissions.md) is checked
against these calls (tests/e2e/test_permissions_documented.py). Each call is
named from the request itself (tests/e2e/iam_actions.py) and tied to the
account moto maps its access key to, at the point where moto would check the
call against IAM (moto/core/authorization.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

import pytest
from moto.core.authorization import ActionAuthenticatorMixin

from tests.e2e.iam_actions import SignedRequest, access_key_and_action

# Permissions a call needs that are not calls themselves. iam:PassRole: the
# operation takes a role ARN for the service to use (IAM User Guide, "Grant a
# user permissions to pass a role to an AWS service"). kms:CreateGrant:
# ssm-guiconnect creates a grant on the preferences' key for the caller
# (Systems Manager User Guide, "Recording RDP connections").
_ALSO_NEEDED = {
    "firehose:CreateDeliveryStream": "iam:PassRole",
    "firehose:UpdateDestination": "iam:PassRole",
    "lambda:CreateFunction": "iam:PassRole",
    "lambda:UpdateFunctionConfiguration": "iam:PassRole",
    "logs:PutDestination": "iam:PassRole",
    "logs:PutSubscriptionFilter": "iam:PassRole",
    "s3:PutReplicationConfiguration": "iam:PassRole",
    "ssm-guiconnect:UpdateConnectionRecordingPreferences": "kms:CreateGrant",
}


@dataclass
class RecordedCalls:
    # (stack being applied, account, "service:Action")
    calls: set[tuple[str, str, str]] = field(default_factory=set)
    _stack: str | None = None

    @contextmanager
    def applying(self, stack: str) -> Iterator[None]:
        self._stack = stack
        try:
            yield
        finally:
            self._stack = None

    def record(self, response) -> None:
        if self._stack is None:
            return
        named = access_key_and_action(signed_request(response))
        if named:
            self.add(self._stack, response.current_account, named[1])

    def add(self, stack: str, account: str, action: str) -> None:
        """One call, with what else it needs; also for calls the emulator does not answer."""
        self.calls.add((stack, account, action))
        if action in _ALSO_NEEDED:
            self.calls.add((stack, account, _ALSO_NEEDED[action]))


def signed_request(response) -> SignedRequest:
    query = urlsplit(response.uri).query
    # werkzeug hands moto a form-encoded body as form data, not as the body.
    form = urlencode(list(response.form_data.items(multi=True))).encode()
    return SignedRequest(
        method=response.method,
        target=response.raw_path + (f"?{query}" if query else ""),
        headers=dict(response.headers),
        body=response.raw_body or form,
    )


def record_calls(patches: pytest.MonkeyPatch, recorded: RecordedCalls) -> None:
    authorize = ActionAuthenticatorMixin._authenticate_and_authorize_action

    def recording(self, iam_request_cls, resource="*"):
        recorded.record(self)
        return authorize(self, iam_request_cls, resource)

    patches.setattr(ActionAuthenticatorMixin, "_authenticate_and_authorize_action", recording)
