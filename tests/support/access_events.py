"""Events as the access indexer receives them, shaped like AWS's documented examples.

Each is an EventBridge event ("AWS API Call via CloudTrail", EventBridge user
guide, "Events from AWS services") whose detail is a CloudTrail record:
- StartConnection follows the Systems Manager CloudTrail docs' "Example 2:
  StartConnection" field for field, ConnectionKey and ClientToken included,
  so a test can show they never reach the index;
- StartSession, ResumeSession and TerminateSession carry the API reference's
  members as CloudTrail writes SSM's (camelCase), with the token CloudTrail
  hides ("Value hidden due to security reasons.");
- the just-in-time ones use the API reference's StartAccessRequest and
  GetAccessToken members, the approval page's SendAutomationSignal
  (Approve) and the OpsItem's `/aws/accessrequest` operational data;
- the recording is an S3 "Object Created" event (S3 user guide, "Using
  EventBridge").

One story, used by the unit, end-to-end and `make audit` tests: alice opens a
shell session from Identity Center; bob asks for just-in-time access to a
Windows instance, carol approves, and bob's RDP connection is recorded.
"""

from __future__ import annotations

import itertools
import json

MEMBER = "111111111111"
REGION = "eu-west-1"
SESSION_ID = "alice@example.com-0a1b2c3d4e5f60718"
JIT_SESSION_ID = "bob-jit-0f1e2d3c4b5a69788"
CONNECTION_ID = "fcb810cd-241f-4aae-9ee4-02d59e1a2b3c"
CONNECTION_ARN = f"arn:aws:ssm-guiconnect:{REGION}:{MEMBER}:connection/{CONNECTION_ID}"
CONNECTION_KEY = "71f9629f-0f9a-4b35-92f2-2d253e5f6a7b"
ACCESS_REQUEST_ID = "oi-0123456789ab"
AUTOMATION_ID = "9231944f-12ab-34cd-56ef-7890abcdef12"
JIT_ACCESS_KEY = "ASIAJITEXAMPLE000001"
INSTANCE = "i-0123456789abcdef0"
WINDOWS_INSTANCE = "i-0fedcba9876543210"
RECORDING_KEY = f"{MEMBER}/{REGION}/{CONNECTION_ID}.mp4"
HIDDEN = "Value hidden due to security reasons."

_ids = itertools.count(1)


def identity_center_user(name: str, permission_set: str = "Operator") -> dict:
    role = f"AWSReservedSSO_{permission_set}_0123456789abcdef"
    return {
        "type": "AssumedRole",
        "principalId": f"AROAEXAMPLEID:{name}",
        "arn": f"arn:aws:sts::{MEMBER}:assumed-role/{role}/{name}",
        "accountId": MEMBER,
        "accessKeyId": "ASIAEXAMPLEUSER00001",
        "sessionContext": {
            "sessionIssuer": {
                "type": "Role",
                "principalId": "AROAEXAMPLEID",
                "arn": f"arn:aws:iam::{MEMBER}:role/aws-reserved/sso.amazonaws.com/{role}",
                "accountId": MEMBER,
                "userName": role,
            },
            "webIdFederationData": {},
            "attributes": {"creationDate": "2026-12-01T08:00:00Z", "mfaAuthenticated": "false"},
        },
    }


def jit_token_role() -> dict:
    role = "SSM-JustInTimeAccessTokenRole"
    return {
        "type": "AssumedRole",
        "principalId": "AROAJITROLEID:bob",
        "arn": f"arn:aws:sts::{MEMBER}:assumed-role/{role}/bob",
        "accountId": MEMBER,
        "accessKeyId": JIT_ACCESS_KEY,
        "sessionContext": {
            "sessionIssuer": {
                "type": "Role",
                "principalId": "AROAJITROLEID",
                "arn": f"arn:aws:iam::{MEMBER}:role/{role}",
                "accountId": MEMBER,
                "userName": role,
            },
            "attributes": {"creationDate": "2026-12-01T09:05:00Z", "mfaAuthenticated": "false"},
        },
    }


def cloudtrail(
    source: str, name: str, time: str, identity: dict, request: dict, response: dict | None
) -> dict:
    service = source.removeprefix("aws.")
    detail = {
        "eventVersion": "1.08",
        "userIdentity": identity,
        "eventTime": time,
        "eventSource": f"{service}.amazonaws.com",
        "eventName": name,
        "awsRegion": REGION,
        "sourceIPAddress": "198.51.100.7",
        "userAgent": "example-user-agent-string",
        "requestParameters": request,
        "responseElements": response,
        "requestID": f"req-{next(_ids):08d}",
        "eventID": f"ct-{name}-{next(_ids):08d}",
        "readOnly": False,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": MEMBER,
        "eventCategory": "Management",
    }
    return {
        "version": "0",
        "id": f"eb-{next(_ids):08d}",
        "detail-type": "AWS API Call via CloudTrail",
        "source": source,
        "account": MEMBER,
        "time": time,
        "region": REGION,
        "resources": [],
        "detail": detail,
    }


def plain_session() -> list[dict]:
    alice = identity_center_user("alice@example.com")
    return [
        cloudtrail(
            "aws.ssm",
            "StartSession",
            "2026-12-01T10:00:00Z",
            alice,
            {"target": INSTANCE},
            {
                "sessionId": SESSION_ID,
                "tokenValue": HIDDEN,
                "streamUrl": f"wss://ssmmessages.{REGION}.amazonaws.com/v1/data-channel/{SESSION_ID}?role=publish_subscribe",
            },
        ),
        cloudtrail(
            "aws.ssm",
            "ResumeSession",
            "2026-12-01T10:20:00Z",
            alice,
            {"sessionId": SESSION_ID},
            {"sessionId": SESSION_ID, "tokenValue": HIDDEN, "streamUrl": "wss://example"},
        ),
        cloudtrail(
            "aws.ssm",
            "TerminateSession",
            "2026-12-01T10:30:00Z",
            alice,
            {"sessionId": SESSION_ID},
            {"sessionId": SESSION_ID},
        ),
    ]


def jit_request() -> list[dict]:
    """bob asks, the OpsItem names its approval automation, carol approves, bob takes the token."""
    bob = identity_center_user("bob@example.com")
    carol = identity_center_user("carol@example.com", permission_set="Approver")
    return [
        cloudtrail(
            "aws.ssm",
            "StartAccessRequest",
            "2026-12-01T09:00:00Z",
            bob,
            {
                "reason": "Patch the print spooler",
                "targets": [{"key": "InstanceIds", "values": [WINDOWS_INSTANCE]}],
            },
            {"accessRequestId": ACCESS_REQUEST_ID},
        ),
        cloudtrail(
            "aws.ssm",
            "UpdateOpsItem",
            "2026-12-01T09:00:02Z",
            {"type": "AWSService", "invokedBy": "ssm.amazonaws.com"},
            {
                "opsItemId": ACCESS_REQUEST_ID,
                "operationalData": {
                    "/aws/accessrequest": {
                        "type": "SearchableString",
                        "value": '{"automationExecutionId":"' + AUTOMATION_ID + '"}',
                    }
                },
            },
            None,
        ),
        cloudtrail(
            "aws.ssm",
            "SendAutomationSignal",
            "2026-12-01T09:04:00Z",
            carol,
            {"automationExecutionId": AUTOMATION_ID, "signalType": "Approve"},
            None,
        ),
        cloudtrail(
            "aws.ssm",
            "GetAccessToken",
            "2026-12-01T09:05:00Z",
            bob,
            {"accessRequestId": ACCESS_REQUEST_ID},
            {
                "accessRequestStatus": "Approved",
                "credentials": {
                    "accessKeyId": JIT_ACCESS_KEY,
                    "secretAccessKey": "HIDDEN_DUE_TO_SECURITY_REASONS",
                    "sessionToken": "HIDDEN_DUE_TO_SECURITY_REASONS",
                    "expirationTime": "Dec 1, 2026, 10:05:00 AM",
                },
            },
        ),
    ]


def jit_rdp_connection() -> list[dict]:
    """bob's RDP connection with the token, the session under it, and its end."""
    token = jit_token_role()
    return [
        cloudtrail(
            "aws.ssm-guiconnect",
            "StartConnection",
            "2026-12-01T09:06:00Z",
            token,
            {
                "AuthType": "Credentials",
                "Protocol": "RDP",
                "ConnectionType": "SessionManager",
                "InstanceId": WINDOWS_INSTANCE,
            },
            {
                "ConnectionArn": CONNECTION_ARN,
                "ConnectionKey": CONNECTION_KEY,
                "ClientToken": "49af0f92-d637-4d47-9c54-ea51a0b1c2d3",
                "requestId": "d466710f-2adf-4e87-9464-055b20c1d2e3",
            },
        ),
        cloudtrail(
            "aws.ssm",
            "StartSession",
            "2026-12-01T09:06:01Z",
            {**token, "invokedBy": "ssm-guiconnect.amazonaws.com"},
            {
                "target": WINDOWS_INSTANCE,
                "documentName": "AWS-StartPortForwardingSession",
                "parameters": {"portNumber": ["3389"]},
            },
            {"sessionId": JIT_SESSION_ID, "tokenValue": HIDDEN, "streamUrl": "wss://example"},
        ),
        cloudtrail(
            "aws.ssm-guiconnect",
            "CancelConnection",
            "2026-12-01T09:40:00Z",
            token,
            {"ConnectionArn": CONNECTION_ARN},
            None,
        ),
    ]


def recording_created(bucket: str, key: str = RECORDING_KEY, home_region: str = REGION) -> dict:
    return {
        "version": "0",
        "id": f"s3-{next(_ids):08d}",
        "detail-type": "Object Created",
        "source": "aws.s3",
        "account": "333333333333",
        "time": "2026-12-01T09:45:00Z",
        "region": home_region,
        "resources": [f"arn:aws:s3:::{bucket}"],
        "detail": {
            "version": "0",
            "bucket": {"name": bucket},
            "object": {"key": key, "size": 1048576, "etag": "d41d8cd98f00b204e9800998ecf8427e"},
            "request-id": "57H08PA84AB1JZW0",
            "requester": "ssm-guiconnect.amazonaws.com",
            "reason": "PutObject",
        },
    }


def whole_story(bucket: str) -> list[dict]:
    return plain_session() + jit_request() + jit_rdp_connection() + [recording_created(bucket)]


def told_in(events: list[dict], *, account: str, region: str) -> list[dict]:
    """The story's events as they happen in another account and region."""
    text = json.dumps(events).replace(MEMBER, account).replace(REGION, region)
    return json.loads(text)
