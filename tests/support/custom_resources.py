"""A harness for the member template's custom resource handlers: a local CloudFormation stand-in.

Each handler test runs twice: with the handler imported as a module, and with
the inlined code the template gives Lambda, so the inlining cannot break a
handler. The AWS the handlers call is moto (the `cloudformation` fixture in
tests/conftest.py switches it on).
"""

from __future__ import annotations

import importlib
import json
import threading
import types
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer

# How a handler is loaded: as the module in runtime/, or as the code Lambda runs.
HANDLER_FORMS = ("module", "inlined")
# Credentials moto accepts, in the region the stand-in's stack is in.
MOTO_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def load_handler(name: str, how: str) -> types.ModuleType:
    """The handler runtime/<name>.py, imported or as its inlined code (`how`, see HANDLER_FORMS)."""
    # Imported here: tests/conftest.py loads this module before the provider bindings.
    from components.member_template.lambda_functions import RUNTIME_DIR, inline_code

    if how == "module":
        return importlib.import_module(f"components.member_template.runtime.{name}")
    module = types.ModuleType(f"inlined_{name}")
    code = inline_code(RUNTIME_DIR / f"{name}.py")
    exec(compile(code, "index.py", "exec"), module.__dict__)
    return module


class CloudFormationStandIn:
    """Receives a handler's answers as CloudFormation's pre-signed ResponseURL would."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.answers: list[dict] = []

    def invoke(
        self, handler: types.ModuleType, request_type: str, properties: dict, **extra
    ) -> dict:
        """Sends the handler one request and returns the answer it sent back."""
        event = {
            "RequestType": request_type,
            "ResponseURL": self.url,
            "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/member/guid",
            "RequestId": f"request-{len(self.answers)}",
            "LogicalResourceId": "Resource",
            "ResourceType": "Custom::Test",
            "ResourceProperties": {"ServiceToken": "arn:aws:lambda:...", **properties},
            **extra,
        }
        handler.handler(event, None)
        answer = self.answers[-1]
        assert (answer["RequestId"], answer["StackId"], answer["LogicalResourceId"]) == (
            event["RequestId"],
            event["StackId"],
            "Resource",
        )
        return answer


@contextmanager
def cloudformation_stand_in() -> Iterator[CloudFormationStandIn]:
    """A stand-in listening on this machine until the block ends."""
    answers: list[dict] = []

    class ResponseUrl(BaseHTTPRequestHandler):
        def do_PUT(self) -> None:
            length = int(self.headers["Content-Length"])
            answers.append(json.loads(self.rfile.read(length)))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), ResponseUrl)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stand_in = CloudFormationStandIn(f"http://127.0.0.1:{server.server_port}/response")
    stand_in.answers = answers
    try:
        yield stand_in
    finally:
        server.shutdown()
        server.server_close()
