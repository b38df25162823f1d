"""Custom resource: attaches the instance policy to the listed IAM roles that exist.

Roles such as the Default Host Management Configuration role exist in some
accounts only; a missing role is skipped, not an error. Update detaches the
policy from roles no longer listed; Delete detaches it from all of them.
The physical id is the policy ARN, so a new policy makes CloudFormation send a
Delete for the old one, which detaches it.
"""

import logging

import boto3

from .custom_resource import respond  # inlined by the template builder

logger = logging.getLogger()


def handler(event, context):
    respond(event, attach_policy)


def attach_policy(event):
    iam = boto3.client("iam")
    policy_arn = event["ResourceProperties"]["PolicyArn"]
    listed = set(event["ResourceProperties"].get("RoleNames", []))
    if event["RequestType"] == "Delete":
        for role in listed:
            detach(iam, role, policy_arn)
        return policy_arn
    old = event.get("OldResourceProperties", {})
    if old.get("PolicyArn") == policy_arn:
        for role in set(old.get("RoleNames", [])) - listed:
            detach(iam, role, policy_arn)
    for role in sorted(listed):
        try:
            iam.attach_role_policy(RoleName=without_path(role), PolicyArn=policy_arn)
        except iam.exceptions.NoSuchEntityException:
            logger.info("role %s does not exist in this account: skipped", role)
    return policy_arn


def detach(iam, role, policy_arn):
    try:
        iam.detach_role_policy(RoleName=without_path(role), PolicyArn=policy_arn)
    except iam.exceptions.NoSuchEntityException:
        logger.info("role %s is gone or does not have the policy", role)


def without_path(role):
    """IAM API calls take the role name; the configured name may carry its path."""
    return role.rsplit("/", 1)[-1]
