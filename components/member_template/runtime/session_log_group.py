"""Custom resource: the session log group, created or adopted, keyed, kept and subscribed.

The group outlives its stack (audit records are retained), so a later create
in the same account and region finds it: an account that leaves and rejoins a
target OU, a region excluded and included again, a stack instance recreated,
or an account that ran the template of the article the project grew from
(same group name). AWS::Logs::LogGroup fails there with "already exists";
this handler adopts the group and brings it to the template's key, retention
and subscription. Delete removes the subscription and keeps the group.

A region of the log archive has DestinationCount destinations, so that no
Firehose stream behind them writes more account partitions than its quota
allows; an account sends to the one its id picks. Destination n (from 1) is
the first one's ARN with "-<n>" appended from n = 2, as config/names.py
(Names.shard_suffix) names them.

CloudWatch Logs checks the subscription's role the moment the filter is put,
seconds after IAM created it, and answers with errors that mean "not yet
visible" (hashicorp/terraform-provider-aws #29737, #43660, #48088). The
provider retries exactly these (internal/service/logs/subscription_filter.go);
CloudFormation's own handler does not, so this one does, for a few minutes.
"""

import logging
import time

import boto3
from botocore.exceptions import ClientError

from .custom_resource import respond  # inlined by the template builder

logger = logging.getLogger()

# (error code, text of its message) that IAM propagation produces.
PROPAGATION_ERRORS = (
    ("InvalidParameterException", "Could not deliver test message to specified"),
    ("OperationAbortedException", "Please try again"),
    (
        "ValidationException",
        "Make sure you have given CloudWatch Logs permission to assume the provided role",
    ),
)
# Well inside the function's timeout (lambda_functions.py gives this handler 300 s).
PROPAGATION_WAIT_SECONDS = 240
FIRST_RETRY_SECONDS = 2
LONGEST_RETRY_SECONDS = 30


def handler(event, context):
    respond(event, write_log_group)


def write_log_group(event):
    properties = event["ResourceProperties"]
    name = properties["LogGroupName"]
    logs = boto3.client("logs")
    if event["RequestType"] == "Delete":
        # Only undo what a successful Create did (not after a failed one).
        if event.get("PhysicalResourceId") == name:
            unsubscribe(logs, name, properties["FilterName"])
        return name
    create_or_adopt(logs, name, properties["KmsKeyId"])
    logs.put_retention_policy(logGroupName=name, retentionInDays=int(properties["RetentionInDays"]))
    subscribe(logs, name, properties)
    return name


def create_or_adopt(logs, name, key_arn):
    try:
        logs.create_log_group(logGroupName=name, kmsKeyId=key_arn)
    except logs.exceptions.ResourceAlreadyExistsException:
        logger.info("%s exists: adopting it", name)
        # New events are encrypted with this key from now on; older ones stay
        # readable with the key they were written with (AssociateKmsKey).
        logs.associate_kms_key(logGroupName=name, kmsKeyId=key_arn)


def subscribe(logs, name, properties):
    deadline = time.monotonic() + PROPAGATION_WAIT_SECONDS
    delay = FIRST_RETRY_SECONDS
    while True:
        try:
            logs.put_subscription_filter(
                logGroupName=name,
                filterName=properties["FilterName"],
                filterPattern="",
                destinationArn=destination_arn(properties),
                roleArn=properties["RoleArn"],
            )
            return
        except ClientError as error:
            if not is_propagation_error(error) or time.monotonic() + delay > deadline:
                raise
            logger.info("subscription role not usable yet, retrying in %s s: %s", delay, error)
        time.sleep(delay)
        delay = min(delay * 2, LONGEST_RETRY_SECONDS)


def destination_arn(properties):
    """The account's destination: its id modulo the number of destinations picks it."""
    shard = int(properties["AccountId"]) % int(properties["DestinationCount"])
    first = properties["DestinationArn"]
    return first if shard == 0 else f"{first}-{shard + 1}"


def is_propagation_error(error):
    code = error.response["Error"].get("Code", "")
    message = error.response["Error"].get("Message", "")
    return any(code == known and text in message for known, text in PROPAGATION_ERRORS)


def unsubscribe(logs, name, filter_name):
    try:
        logs.delete_subscription_filter(logGroupName=name, filterName=filter_name)
    except logs.exceptions.ResourceNotFoundException:
        logger.info("%s has no subscription %s: nothing to remove", name, filter_name)
