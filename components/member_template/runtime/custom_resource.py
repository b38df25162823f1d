"""Answering CloudFormation, shared by the member template's custom resource handlers.

CloudFormation waits for a custom resource's handler to PUT its result to the
request's pre-signed ResponseURL, and without an answer the stack waits for
an hour. The template builder inlines this module ahead of each handler, so
the functions need no cfnresponse module.
"""

import json
import logging
import urllib.request

logger = logging.getLogger()
logger.setLevel(logging.INFO)


def respond(event, handle):
    """Runs handle(event), which returns the physical id, and reports the outcome."""
    status, reason = "SUCCESS", "done"
    physical_id = event.get("PhysicalResourceId")
    try:
        physical_id = handle(event)
    except Exception as error:  # every failure has to reach CloudFormation
        logger.exception("%s failed", event["RequestType"])
        status, reason = "FAILED", f"{type(error).__name__}: {error}"[:1000]
    body = {
        "Status": status,
        "Reason": reason,
        "PhysicalResourceId": physical_id or event["LogicalResourceId"],
        "StackId": event["StackId"],
        "RequestId": event["RequestId"],
        "LogicalResourceId": event["LogicalResourceId"],
    }
    request = urllib.request.Request(
        event["ResponseURL"],
        data=json.dumps(body).encode(),
        method="PUT",
        headers={"Content-Type": ""},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        logger.info("%s %s answered: HTTP %s", event["RequestType"], status, response.status)
