"""Every API call the emulator answers while a stack is applied, as IAM action names.

The docs' minimum-permissions table (docs/ci-and-permissions.md) is checked
against these calls (tests/e2e/test_permissions_documented.py). Each call is
named as IAM names the action it needs: the signing name of the request's
SigV4 credential scope and the operation moto dispatches it to, which is how
moto's own IAM check names it (moto/iam/access_control.py, IAMRequest).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from moto.core.authorization import ActionAuthenticatorMixin

_CREDENTIAL_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/([a-z0-9-]+)/aws4_request")


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
        scope = _CREDENTIAL_SCOPE.search(response.headers.get("Authorization", ""))
        if scope:
            action = response._get_action()
            self.calls.add((self._stack, response.current_account, f"{scope[1]}:{action}"))

    def actions(self, stack: str, account: str) -> set[str]:
        return {action for s, a, action in self.calls if (s, a) == (stack, account)}


def record_calls(patches: pytest.MonkeyPatch, recorded: RecordedCalls) -> None:
    authorize = ActionAuthenticatorMixin._authenticate_and_authorize_action

    def recording(self, iam_request_cls, resource="*"):
        recorded.record(self)
        return authorize(self, iam_request_cls, resource)

    patches.setattr(ActionAuthenticatorMixin, "_authenticate_and_authorize_action", recording)
