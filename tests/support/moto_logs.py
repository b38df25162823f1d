"""Where moto 5.2.5's CloudWatch Logs differs from AWS in what the member template's handlers call.

- A subscription filter may deliver to a destination in another account
  (CloudWatch Logs user guide, "Cross-account cross-Region subscriptions"):
  `arn:aws:logs:<region>:<account>:destination:<name>`. moto takes every
  `logs` ARN for a log group and fails with ResourceNotFoundException; the
  patch accepts a destination that exists, as AWS does.
- moto does not implement AssociateKmsKey (CloudWatch Logs API reference);
  the patch sets the group's key as the API does.
"""

from __future__ import annotations

import pytest
from moto.logs.exceptions import InvalidParameterException
from moto.logs.models import LogsBackend, logs_backends
from moto.logs.responses import LogsResponse
from moto.utilities.arns import parse_arn


def close_logs_gaps(patches: pytest.MonkeyPatch) -> None:
    patches.setattr(
        LogsBackend,
        "put_subscription_filter",
        _accepting_destinations(LogsBackend.put_subscription_filter),
    )
    patches.setattr(LogsResponse, "associate_kms_key", _associate_kms_key, raising=False)


def _accepting_destinations(moto_put):
    def put_subscription_filter(
        self, log_group_name, filter_name, filter_pattern, destination_arn, role_arn
    ):
        if ":destination:" not in destination_arn:
            return moto_put(
                self, log_group_name, filter_name, filter_pattern, destination_arn, role_arn
            )
        arn = parse_arn(destination_arn)
        if destination_arn not in logs_backends[arn.account][arn.region].destinations:
            raise InvalidParameterException(
                "Could not deliver test message to specified destination."
            )
        self._find_log_group(log_group_name=log_group_name).put_subscription_filter(
            filter_name, filter_pattern, destination_arn, role_arn
        )

    return put_subscription_filter


def _associate_kms_key(self: LogsResponse) -> str:
    group = self.logs_backend._find_log_group(log_group_name=self._get_param("logGroupName"))
    group.kms_key_id = self._get_param("kmsKeyId")
    return ""
