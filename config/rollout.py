"""How long a stack set operation takes, from the config: the sizes of Terraform's timeouts.

The arithmetic of docs/rollout.md, shared by the member-stackset stack (its
`timeouts` blocks) and tools/rollout_model.py (the table in README). Every
AWS behaviour it rests on is cited there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from config.models import OperationPreferencesConfig, SessionLogsConfig

# An ASSUMPTION, not a measurement of this project: a member stack creates IAM
# roles and policies, Lambda functions and custom resources that call SSM, and
# stacks like it typically take 2-3 minutes; the upper end is used. Only a
# deployment to real AWS accounts can confirm it (the emulator answers at once).
STACK_INSTANCE_MINUTES = 3

# Terraform waits this many times the estimate before it records a failure,
# so a slow region or a throttled wave does not taint an instance that would
# have succeeded.
TIMEOUT_SAFETY_FACTOR = 2

# hashicorp/aws 5.100.0's own default for these timeouts
# (internal/service/cloudformation/stack_set_instance.go); never wait less.
PROVIDER_DEFAULT_TIMEOUT_MINUTES = 30

# The most OUs one CreateStackInstances call accepts (CloudFormation API
# Reference, "CreateStackInstances"); components/stack_set splits the OUs so.
OUS_PER_OPERATION = 50

# StackSets quota: stack instances, across all stack sets, with an operation
# running at the same time, per Region and administrator account
# (CloudFormation User Guide, "Understand CloudFormation quotas").
CONCURRENT_STACK_INSTANCE_OPERATIONS_QUOTA = 10_000


@dataclass(frozen=True)
class Operation:
    """One stack set operation over every deployment region, for a number of accounts."""

    accounts: int
    regions: int
    concurrent_accounts: int
    regions_at_once: int
    # Operations per region, one after another, each over its share of the accounts.
    batches: int = 1

    @property
    def waves_per_region(self) -> int:
        accounts_per_batch = math.ceil(self.accounts / self.batches)
        return self.batches * math.ceil(accounts_per_batch / self.concurrent_accounts)

    @property
    def region_minutes(self) -> int:
        return self.waves_per_region * STACK_INSTANCE_MINUTES

    @property
    def minutes(self) -> int:
        return math.ceil(self.regions / self.regions_at_once) * self.region_minutes

    @property
    def concurrent_stack_instances(self) -> int:
        return self.concurrent_accounts * self.regions_at_once


def concurrent_accounts(
    preferences: OperationPreferencesConfig, accounts: int, *, strict: bool
) -> int:
    """Accounts of one region that CloudFormation works on at the same time.

    Never more than there are accounts. Percentages round down, a
    concurrency of at least 1 (MaxConcurrentPercentage); strict mode starts
    at the lower of that and failure tolerance + 1 (StackSetOperationPreferences,
    ConcurrencyMode, CloudFormation API Reference).
    """
    share = preferences.max_concurrent
    concurrent = min(
        accounts,
        share.get("max_concurrent_count")
        or max(1, accounts * share["max_concurrent_percentage"] // 100),
    )
    if not strict:
        return concurrent
    tolerance = preferences.failure_tolerance
    tolerated = tolerance.get("failure_tolerance_count")
    if tolerated is None:
        tolerated = accounts * tolerance["failure_tolerance_percentage"] // 100
    return min(concurrent, tolerated + 1)


def instance_operation(config: SessionLogsConfig, accounts: int) -> Operation:
    """Creating, changing or deleting the stack instances: one operation per region resource.

    With managed execution, StackSets queues every operation that arrives
    while another one runs (ManagedExecution, CloudFormation API Reference),
    so the per-region operations Terraform starts together run one after
    another, and the last region waits for all the others. A region gets an
    operation per batch of at most 50 OUs (CreateStackInstances), each over
    its share of the accounts (assumed even).
    """
    preferences = config.stack_set.operation_preferences
    strict = preferences.concurrency_mode == "STRICT_FAILURE_TOLERANCE"
    batches = math.ceil(len(config.target_ou_ids) / OUS_PER_OPERATION)
    accounts_per_batch = math.ceil(accounts / batches)
    return Operation(
        accounts=accounts,
        regions=len(config.deployment_regions),
        concurrent_accounts=concurrent_accounts(preferences, accounts_per_batch, strict=strict),
        regions_at_once=1,
        batches=batches,
    )


def template_update(config: SessionLogsConfig, accounts: int) -> Operation:
    """Updating the stack set's template or parameters: one operation over every region.

    hashicorp/aws 5.100.0 sends no concurrency mode with UpdateStackSet, so
    CloudFormation's default, strict, applies whatever concurrency_mode says.
    """
    preferences = config.stack_set.operation_preferences
    regions = len(config.deployment_regions)
    return Operation(
        accounts=accounts,
        regions=regions,
        concurrent_accounts=concurrent_accounts(preferences, accounts, strict=True),
        regions_at_once=regions if preferences.region_concurrency_type == "PARALLEL" else 1,
    )


def timeout(operation: Operation) -> str:
    """A Terraform duration covering the operation, with room to spare."""
    minutes = max(PROVIDER_DEFAULT_TIMEOUT_MINUTES, operation.minutes * TIMEOUT_SAFETY_FACTOR)
    return f"{minutes}m"


def instance_timeout(config: SessionLogsConfig) -> str:
    return timeout(instance_operation(config, config.stack_set.expected_accounts))


def template_update_timeout(config: SessionLogsConfig) -> str:
    return timeout(template_update(config, config.stack_set.expected_accounts))
