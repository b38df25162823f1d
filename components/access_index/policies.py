"""Policies of the access index: the central bus, the queue, the indexer.

docs/attribution.md gives the AWS documentation behind each statement.
"""

from __future__ import annotations

from components.iam_policy import PolicyDocument, policy_document

EVENTS_SERVICE = "events.amazonaws.com"


def access_event_bus_policy_document(*, bus_arn: str, organization_id: str) -> PolicyDocument:
    # EventBridge user guide, "Permissions for event buses": the organization
    # example, Principal "*" with aws:PrincipalOrgID. The senders are the
    # member accounts' forwarder roles, which must be in the organization.
    return policy_document(
        {
            "Sid": "OrganizationForwardsAccessEvents",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "events:PutEvents",
            "Resource": bus_arn,
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": organization_id}},
        }
    )


def access_queue_policy_document(*, queue_arn: str, rule_arns: list[str]) -> PolicyDocument:
    # EventBridge user guide, "Amazon SQS permissions": the queue's policy lets
    # events.amazonaws.com send for the rules named in aws:SourceArn.
    return policy_document(
        {
            "Sid": "AccessEventRulesSend",
            "Effect": "Allow",
            "Principal": {"Service": EVENTS_SERVICE},
            "Action": "sqs:SendMessage",
            "Resource": queue_arn,
            "Condition": {"ArnEquals": {"aws:SourceArn": rule_arns}},
        }
    )


def indexer_permissions_document(
    *,
    queue_arn: str,
    dead_letter_queue_arn: str,
    table_arn: str,
    bucket_name: str,
    index_folder: str,
    key_arn: str,
) -> PolicyDocument:
    return policy_document(
        _consume_queue_statement(queue_arn),
        _dead_letter_malformed_events_statement(dead_letter_queue_arn),
        _merge_access_records_statement(table_arn),
        _write_index_documents_statement(bucket_name, index_folder),
        _tag_recordings_statement(bucket_name),
        _encrypt_index_documents_statement(key_arn),
    )


def _consume_queue_statement(queue_arn: str) -> dict:
    # Lambda developer guide, "Using Lambda with Amazon SQS": the execution
    # role's permissions for an SQS event source mapping.
    return {
        "Sid": "ConsumeTheAccessEventQueue",
        "Effect": "Allow",
        "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
        "Resource": queue_arn,
    }


def _dead_letter_malformed_events_statement(dead_letter_queue_arn: str) -> dict:
    return {
        "Sid": "DeadLetterMalformedEvents",
        "Effect": "Allow",
        "Action": "sqs:SendMessage",
        "Resource": dead_letter_queue_arn,
    }


def _merge_access_records_statement(table_arn: str) -> dict:
    return {
        "Sid": "MergeAccessRecords",
        "Effect": "Allow",
        "Action": ["dynamodb:GetItem", "dynamodb:UpdateItem"],
        "Resource": table_arn,
    }


def _write_index_documents_statement(bucket_name: str, index_folder: str) -> dict:
    return {
        "Sid": "WriteIndexDocuments",
        "Effect": "Allow",
        "Action": ["s3:PutObject", "s3:DeleteObject"],
        "Resource": f"arn:aws:s3:::{bucket_name}/{index_folder}/*",
    }


def _tag_recordings_statement(bucket_name: str) -> dict:
    # Recordings have no documented key layout, so the whole bucket; tagging
    # needs no key (S3 user guide, "Categorizing your objects using tags").
    return {
        "Sid": "TagRecordings",
        "Effect": "Allow",
        "Action": ["s3:GetObjectTagging", "s3:PutObjectTagging"],
        "Resource": f"arn:aws:s3:::{bucket_name}/*",
    }


def _encrypt_index_documents_statement(key_arn: str) -> dict:
    # The bucket's default encryption is SSE-KMS with the central key: a
    # PutObject needs kms:GenerateDataKey on it (S3 user guide, "Using
    # server-side encryption with AWS KMS keys", permissions).
    return {
        "Sid": "EncryptIndexDocuments",
        "Effect": "Allow",
        "Action": "kms:GenerateDataKey",
        "Resource": key_arn,
    }
