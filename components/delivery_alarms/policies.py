"""The alarm topic's policy: CloudWatch alarms of the log archive account may publish to it."""

from __future__ import annotations

from components.iam_policy import PolicyDocument, policy_document

CLOUDWATCH_SERVICE = "cloudwatch.amazonaws.com"


def alarm_topic_policy_document(*, topic_arn: str, account_id: str) -> PolicyDocument:
    return policy_document(
        _account_administers_topic(topic_arn, account_id), _alarms_publish(topic_arn, account_id)
    )


def _account_administers_topic(topic_arn: str, account_id: str) -> dict:
    # What SNS's default topic policy gives the owner; a policy of our own
    # replaces the default, so it keeps this part (SNS developer guide,
    # "Example cases for Amazon SNS access control").
    return {
        "Sid": "AccountAdministersTopic",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
        "Action": [
            "SNS:GetTopicAttributes",
            "SNS:SetTopicAttributes",
            "SNS:Subscribe",
            "SNS:ListSubscriptionsByTopic",
            "SNS:Publish",
        ],
        "Resource": topic_arn,
    }


def _alarms_publish(topic_arn: str, account_id: str) -> dict:
    # The alarms' own account only (CloudWatch user guide, "Using Amazon
    # CloudWatch alarms", SNS topic policy with aws:SourceAccount).
    return {
        "Sid": "CloudWatchAlarmsPublish",
        "Effect": "Allow",
        "Principal": {"Service": CLOUDWATCH_SERVICE},
        "Action": "SNS:Publish",
        "Resource": topic_arn,
        "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
    }
