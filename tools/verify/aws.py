"""boto3 clients working in the accounts the stacks work in, as the config says."""

from __future__ import annotations

import boto3
from botocore.config import Config

from config.models import AccountConfig, SessionLogsConfig

# Standard retries back off on throttling; adaptive also slows the client
# down when AWS throttles it (boto3 guide, "Retries").
CLIENT_CONFIG = Config(retries={"mode": "adaptive", "max_attempts": 10}, max_pool_connections=32)


class Clients:
    """One session per account role; clients per service and region."""

    def __init__(self, config: SessionLogsConfig) -> None:
        self._config = config
        self._sessions: dict[str, boto3.Session] = {}

    def client(self, service: str, account: AccountConfig, region: str | None = None):
        return self._session(account).client(
            service,
            region_name=region or self._config.home_region,
            endpoint_url=self._config.emulator_endpoint,
            config=CLIENT_CONFIG,
        )

    def member_client(
        self, service: str, *, account_id: str, role_name: str, via: AccountConfig, region: str
    ):
        """A client in a member account, through its role, assumed with `via`'s credentials."""
        session = self.member_session(account_id=account_id, role_name=role_name, via=via)
        return session.client(
            service,
            region_name=region,
            endpoint_url=self._config.emulator_endpoint,
            config=CLIENT_CONFIG,
        )

    def member_session(self, *, account_id: str, role_name: str, via: AccountConfig):
        """The member account's role, assumed once with `via`'s credentials."""
        key = f"{account_id}/{role_name}"
        if key not in self._sessions:
            role_arn = f"arn:aws:iam::{account_id}:role/{role_name}"
            self._sessions[key] = self._assumed_with(self.client("sts", via), role_arn)
        return self._sessions[key]

    def _session(self, account: AccountConfig) -> boto3.Session:
        if account.account_id not in self._sessions:
            self._sessions[account.account_id] = self._assumed(account)
        return self._sessions[account.account_id]

    def _assumed(self, account: AccountConfig) -> boto3.Session:
        if not account.role_arn:
            return boto3.Session(region_name=self._config.home_region)
        sts = boto3.client(
            "sts",
            region_name=self._config.home_region,
            endpoint_url=self._config.emulator_endpoint,
            config=CLIENT_CONFIG,
        )
        return self._assumed_with(sts, account.role_arn)

    def _assumed_with(self, sts, role_arn: str) -> boto3.Session:
        credentials = sts.assume_role(
            RoleArn=role_arn, RoleSessionName="central-session-logs-verify"
        )["Credentials"]
        return boto3.Session(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
            region_name=self._config.home_region,
        )
