"""Custom resource: writes SSM-SessionManagerRunShell whether or not it already exists.

The Systems Manager console creates the document the first time anyone saves
Session Manager preferences, so a plain AWS::SSM::Document fails in those
accounts. Create and Update write the template's preferences (creating the
document or adding a default version). Delete gives the account back what it
had: the document versions stay, so Create records the default version it
found in the physical id ("<document>@<version>") and Delete makes that
version the default again; a document Create made itself is deleted, which
leaves Session Manager on its built-in defaults.
"""

import contextlib
import json
import logging

import boto3

from .custom_resource import respond  # inlined by the template builder

logger = logging.getLogger()

# CloudFormation passes custom resource properties as strings ("true").
BOOLEAN_INPUTS = (
    "s3EncryptionEnabled",
    "cloudWatchEncryptionEnabled",
    "cloudWatchStreamingEnabled",
    "runAsEnabled",
)
# Between a document name and the version Create found as its default.
VERSION_SEPARATOR = "@"


def handler(event, context):
    respond(event, write_preferences)


def write_preferences(event):
    properties = event["ResourceProperties"]
    name = properties["DocumentName"]
    ssm = boto3.client("ssm")
    if event["RequestType"] == "Create":
        return put_document(ssm, name, typed(properties["Content"]))
    if event["RequestType"] == "Update":
        put_document(ssm, name, typed(properties["Content"]))
    else:
        give_back(ssm, name, event.get("PhysicalResourceId", ""))
    # The same id whatever Update found: a new one would make CloudFormation
    # send a Delete for this one, which would undo the update.
    return event["PhysicalResourceId"]


def typed(content):
    inputs = dict(content["inputs"])
    for key in BOOLEAN_INPUTS:
        if key in inputs:
            inputs[key] = str(inputs[key]).lower() == "true"
    return {**content, "inputs": inputs}


def put_document(ssm, name, content):
    """Writes the content as the default version; returns the physical id that remembers what was there."""
    text = json.dumps(content, sort_keys=True)
    try:
        ssm.create_document(Name=name, Content=text, DocumentType="Session", DocumentFormat="JSON")
        return name
    except ssm.exceptions.DocumentAlreadyExists:
        previous = ssm.describe_document(Name=name)["Document"]["DefaultVersion"]
        make_default(ssm, name, text)
        return f"{name}{VERSION_SEPARATOR}{previous}"


def make_default(ssm, name, text):
    try:
        version = ssm.update_document(
            Name=name, Content=text, DocumentVersion="$LATEST", DocumentFormat="JSON"
        )["DocumentDescription"]["DocumentVersion"]
    except ssm.exceptions.DuplicateDocumentContent:
        version = ssm.describe_document(Name=name)["Document"]["LatestVersion"]
    ssm.update_document_default_version(Name=name, DocumentVersion=version)


def give_back(ssm, name, physical_id):
    document, _, previous = physical_id.partition(VERSION_SEPARATOR)
    if document != name:
        return  # Create failed: it wrote nothing.
    # InvalidDocument: someone deleted it, so there is nothing to give back.
    with contextlib.suppress(ssm.exceptions.InvalidDocument):
        if not previous:
            ssm.delete_document(Name=name)
            return
        try:
            ssm.update_document_default_version(Name=name, DocumentVersion=previous)
        except ssm.exceptions.InvalidDocumentVersion:
            logger.warning("%s has no version %s any more: keeping the default", name, previous)
