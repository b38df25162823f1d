"""Every resource name that follows from the configured ids, in one place.

`SessionLogsConfig.names` builds it once per config; every stack, component
and template reads names from that instance, so no name is typed twice.
"""

from __future__ import annotations


class Names:
    """Names of the project's resources; fixed ones are the same for every config."""

    prefix = "central-session-logs"
    # The original article's member log group name; the key policy matches it by this prefix.
    member_log_group_prefix = "session-manager-log-"
    member_instance_policy_prefix = "session-manager-log-access-"
    member_session_user_policy_prefix = "session-manager-session-encryption-"
    session_preferences_document = "SSM-SessionManagerRunShell"
    # Not the name earlier versions gave their AWS::Logs::SubscriptionFilter:
    # CloudFormation deletes that one after the update that replaces it.
    member_subscription_filter = f"{prefix}-to-log-archive"
    # Log groups of the project's own functions and streams, in every account;
    # the key policy lets CloudWatch Logs encrypt them by this prefix.
    operations_log_group_prefix = f"/{prefix}/"
    # Destinations and streams per region, each in its region: the same names
    # everywhere, so a member template builds the ARN from the region it runs
    # in. Stream n of a region (counting from 1) is the first one's name with
    # "-<n>" appended, from n = 2: shard_suffix says how, and the member's
    # runtime/session_log_group.py picks the destination by the same rule.
    log_destination = prefix
    # The guardrails' service control policies.
    session_logging_protection_policy = f"{prefix}-protect-session-logging"
    logged_sessions_only_policy = f"{prefix}-logged-sessions-only"
    # Top-level folders of the central bucket that Firehose writes to.
    session_log_folder = "session-manager"
    session_log_error_folder = "session-manager-errors"
    # Whatever arrives from a log group other than the sender's own session log group.
    session_log_quarantine_folder = "session-manager-quarantine"
    # `make verify --canary` writes into log streams named with this prefix,
    # and the processor files them here, apart from real sessions.
    canary_stream_prefix = f"{prefix}-canary/"
    session_log_canary_folder = "session-manager-canary"
    # The access index (one document per session or RDP connection) that the
    # indexer writes under access-index/<kind>/<account>/<region>/yyyy/MM/dd/.
    access_index_folder = "access-index"
    # The audit queries: a Glue database (its name may not contain "-"), its
    # tables, and the Athena workgroup their named queries live in.
    audit_database = prefix.replace("-", "_")
    transcripts_table = "transcripts"
    access_index_table = "access_index"
    audit_workgroup = prefix
    # Every folder Firehose writes to: the transcripts' lifecycle covers them.
    transcript_folders = (
        session_log_folder,
        session_log_error_folder,
        session_log_quarantine_folder,
        session_log_canary_folder,
    )

    def __init__(
        self, *, log_archive_account_id: str, home_region: str, bucket: str | None
    ) -> None:
        self.bucket = bucket or f"central-logs-{log_archive_account_id}"
        # The Object Lock replica and the server access logs of the bucket.
        self.locked_bucket = f"{self.bucket}-locked"
        self.access_log_bucket = f"{self.bucket}-access-logs"
        # Outside the central bucket, so no table's location can ever read results as data.
        self.query_results_bucket = f"{self.bucket}-query-results"
        self.replication_role = f"{self.prefix}-replication"
        self.alarm_topic = f"{self.prefix}-alarms"
        self.key_alias = f"alias/{self.prefix}"
        self.stack_set = f"{self.prefix}-member"
        self.session_log_processor = f"{self.prefix}-firehose-processor"
        self.session_log_processor_log_group = (
            f"{self.operations_log_group_prefix}firehose-processor"
        )
        self.delivery_error_log_group = f"{self.operations_log_group_prefix}firehose-delivery"
        # Attribution (docs/attribution.md): the bus the member accounts
        # forward access events to, the queue and table behind the indexer.
        self.access_event_bus = f"{self.prefix}-access-events"
        self.access_indexer = f"{self.prefix}-access-indexer"
        self.access_indexer_log_group = f"{self.operations_log_group_prefix}access-indexer"
        self.access_index_queue = f"{self.prefix}-access-index"
        self.access_index_dead_letter_queue = f"{self.prefix}-access-index-dead-letters"
        self.access_records_table = f"{self.prefix}-access-records"
        self._log_archive_account = log_archive_account_id
        self._home_region = home_region

    @staticmethod
    def shard_suffix(shard: int) -> str:
        """What the names of the stream and destination with index `shard` (from 0) end in."""
        return "" if shard == 0 else f"-{shard + 1}"

    def verifier_role(self, account_wide_region: str) -> str:
        """The member role `make verify --canary` assumes (verify.canary_role).

        Named after the region whose stack instance holds it, like every named
        IAM resource of the member template, so a new account-wide region's
        copy never collides with the old one.
        """
        return f"{self.prefix}-verifier-{account_wide_region}"

    def access_event_forwarder_role(self, region: str) -> str:
        """The member role each region's rule sends access events to the central bus with."""
        return f"{self.prefix}-access-events-{region}"

    def delivery_stream(self, region: str, shard: int = 0) -> str:
        """A Firehose stream (in the home region) for the session logs of one region."""
        return f"{self.prefix}-{region}{self.shard_suffix(shard)}"

    def log_destination_name(self, shard: int = 0) -> str:
        return f"{self.log_destination}{self.shard_suffix(shard)}"

    def destination_role(self, region: str) -> str:
        """IAM is global: each region's destination role carries the region in its name."""
        return f"{self.prefix}-destination-{region}"

    # ARNs of what the log archive stack names itself, in the formats of the
    # Service Authorization Reference: a plan shows them before the resources
    # exist, where a reference would read "known after apply".
    def delivery_stream_arn(self, region: str, shard: int = 0) -> str:
        return (
            f"arn:aws:firehose:{self._home_region}:{self._log_archive_account}:"
            f"deliverystream/{self.delivery_stream(region, shard)}"
        )

    def destination_role_arn(self, region: str) -> str:
        return f"arn:aws:iam::{self._log_archive_account}:role/{self.destination_role(region)}"

    def log_destination_arn(self, region: str, shard: int = 0) -> str:
        return (
            f"arn:aws:logs:{region}:{self._log_archive_account}:destination:"
            f"{self.log_destination_name(shard)}"
        )

    def access_event_bus_arn(self) -> str:
        return (
            f"arn:aws:events:{self._home_region}:{self._log_archive_account}:"
            f"event-bus/{self.access_event_bus}"
        )

    def local_state_file(self, stack: str) -> str:
        return f"terraform.{stack}.tfstate"
