"""Custom resource: writes SSM-SessionManagerRunShell whether or not it already exists.

The Systems Manager console creates the document the first time anyone saves
Session Manager preferences, so a plain AWS::SSM::Document fails in those
accounts. Create and Update write the template's preferences (creating the
document or adding a default version); Delete puts the documented default
preferences back.
"""

import contextlib
import json

import boto3

from .custom_resource import respond  # inlined by the template builder

# CloudFormation passes custom resource properties as strings ("true").
BOOLEAN_INPUTS = (
    "s3EncryptionEnabled",
    "cloudWatchEncryptionEnabled",
    "cloudWatchStreamingEnabled",
    "runAsEnabled",
)
# The preferences the Systems Manager guide's command line procedure starts
# from ("Create Session Manager preferences (command line)"), with the
# documented default idle timeout of 20 minutes filled in and without the
# example shell profile commands.
DEFAULT_PREFERENCES = {
    "schemaVersion": "1.0",
    "description": "Document to hold regional settings for Session Manager",
    "sessionType": "Standard_Stream",
    "inputs": {
        "s3BucketName": "",
        "s3KeyPrefix": "",
        "s3EncryptionEnabled": True,
        "cloudWatchLogGroupName": "",
        "cloudWatchEncryptionEnabled": True,
        "cloudWatchStreamingEnabled": False,
        "kmsKeyId": "",
        "runAsEnabled": False,
        "runAsDefaultUser": "",
        "idleSessionTimeout": "20",
        "maxSessionDuration": "",
        "shellProfile": {"windows": "", "linux": ""},
    },
}


def handler(event, context):
    respond(event, write_preferences)


def write_preferences(event):
    name = event["ResourceProperties"]["DocumentName"]
    ssm = boto3.client("ssm")
    if event["RequestType"] != "Delete":
        put_document(ssm, name, typed(event["ResourceProperties"]["Content"]))
    elif event.get("PhysicalResourceId") == name:
        # Only restore what a successful Create wrote (not after a failed one).
        restore_defaults(ssm, name)
    return name


def typed(content):
    inputs = dict(content["inputs"])
    for key in BOOLEAN_INPUTS:
        if key in inputs:
            inputs[key] = str(inputs[key]).lower() == "true"
    return {**content, "inputs": inputs}


def put_document(ssm, name, content):
    text = json.dumps(content, sort_keys=True)
    try:
        ssm.create_document(Name=name, Content=text, DocumentType="Session", DocumentFormat="JSON")
    except ssm.exceptions.DocumentAlreadyExists:
        update_document(ssm, name, text)


def update_document(ssm, name, text):
    try:
        version = ssm.update_document(
            Name=name, Content=text, DocumentVersion="$LATEST", DocumentFormat="JSON"
        )["DocumentDescription"]["DocumentVersion"]
    except ssm.exceptions.DuplicateDocumentContent:
        version = ssm.describe_document(Name=name)["Document"]["LatestVersion"]
    ssm.update_document_default_version(Name=name, DocumentVersion=version)


def restore_defaults(ssm, name):
    # InvalidDocument: someone deleted it, so there is nothing to restore.
    with contextlib.suppress(ssm.exceptions.InvalidDocument):
        update_document(ssm, name, json.dumps(DEFAULT_PREFERENCES, sort_keys=True))
