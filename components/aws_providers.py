"""The AWS providers a stack uses to work in one account across regions."""

from __future__ import annotations

import keyword
from collections.abc import Iterable, Mapping

from cdktf_cdktf_provider_aws.data_aws_caller_identity import DataAwsCallerIdentity
from cdktf_cdktf_provider_aws.provider import (
    AwsProvider,
    AwsProviderAssumeRole,
    AwsProviderDefaultTags,
    AwsProviderEndpoints,
)
from constructs import Construct


class AccountProviders(Construct):
    """A default provider in the home region and an aliased one per other region.

    `allowed_account_ids` makes Terraform refuse to plan or apply with
    credentials for any other account, so a mixed-up role or profile cannot
    write the log archive into the wrong account.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        account_id: str,
        role_arn: str | None,
        home_region: str,
        regions: Iterable[str],
        tags: Mapping[str, str],
        emulator_endpoint: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        self._account_id = account_id
        self._role_arn = role_arn
        self._tags = dict(tags)
        self._emulator_arguments = (
            _provider_arguments_for_emulator(emulator_endpoint) if emulator_endpoint else {}
        )
        self.home = self._provider(home_region, alias=None)
        self._by_region = {home_region: self.home}
        for region in regions:
            if region not in self._by_region:
                self._by_region[region] = self._provider(region, alias=region)

    def in_region(self, region: str) -> AwsProvider:
        return self._by_region[region]

    def _provider(self, region: str, alias: str | None) -> AwsProvider:
        return AwsProvider(
            self,
            alias or "home",
            region=region,
            alias=alias,
            allowed_account_ids=[self._account_id],
            assume_role=[AwsProviderAssumeRole(role_arn=self._role_arn)]
            if self._role_arn
            else None,
            default_tags=[AwsProviderDefaultTags(tags=self._tags)] if self._tags else None,
            **self._emulator_arguments,
        )


def deploying_account_id(scope: Construct, id: str, *, provider: AwsProvider) -> str:
    """The account the provider's credentials work in, as Terraform reads it at plan time."""
    return DataAwsCallerIdentity(scope, id, provider=provider).account_id


# The services the stacks' resources call, and STS and IAM, which the provider
# asks which account it works in.
EMULATED_SERVICES = (
    "athena", "cloudformation", "cloudwatch", "cloudwatchlogs", "firehose", "glue", "iam", "kms",
    "lambda", "organizations", "s3", "sns", "sts",
)  # fmt: skip


def _argument(service: str) -> str:
    """The Python argument name for a service: `lambda` is a keyword, so the binding uses `lambda_`."""
    return f"{service}_" if keyword.iskeyword(service) else service


def _provider_arguments_for_emulator(url: str) -> dict:
    """Sends every call of the provider to an AWS API emulator (local runs and tests only)."""
    return {
        "endpoints": [AwsProviderEndpoints(**{_argument(s): url for s in EMULATED_SERVICES})],
        # An emulator on one host and port cannot serve virtual-hosted bucket names.
        "s3_use_path_style": True,
        "skip_credentials_validation": True,
        "skip_metadata_api_check": "true",
    }
