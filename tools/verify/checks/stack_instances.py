"""Stack instance: exists, CURRENT and SUCCEEDED, from the stack set's latest operation.

One ListStackInstances listing of the whole stack set and one
ListStackSetOperations, whatever the number of pairs (CloudFormation API
reference: StackInstanceSummary's Status, StatusReason,
StackInstanceStatus.DetailedStatus and LastOperationId).
"""

from __future__ import annotations

from collections.abc import Sequence

from tools.verify.result import FAIL, OK, CheckResult, Pair

NAME = "stack_instance"


def check(
    cloudformation, *, stack_set: str, call_as: str, pairs: Sequence[Pair]
) -> dict[Pair, CheckResult]:
    instances = _instances(cloudformation, stack_set, call_as)
    latest = _latest_operation(cloudformation, stack_set, call_as)
    return {pair: _judge(instances.get(pair), latest) for pair in pairs}


def _instances(cloudformation, stack_set: str, call_as: str) -> dict[Pair, dict]:
    pages = cloudformation.get_paginator("list_stack_instances").paginate(
        StackSetName=stack_set, CallAs=call_as
    )
    return {(s["Account"], s["Region"]): s for page in pages for s in page["Summaries"]}


def _latest_operation(cloudformation, stack_set: str, call_as: str) -> str | None:
    pages = cloudformation.get_paginator("list_stack_set_operations").paginate(
        StackSetName=stack_set, CallAs=call_as
    )
    operations = [o for page in pages for o in page["Summaries"] if o.get("Status") == "SUCCEEDED"]
    if not operations:
        return None
    return max(operations, key=lambda o: o["CreationTimestamp"])["OperationId"]


def _judge(summary: dict | None, latest: str | None) -> CheckResult:
    if summary is None:
        return CheckResult(FAIL, "missing: no stack instance for this account and region")
    status = summary.get("Status")
    detailed = summary.get("StackInstanceStatus", {}).get("DetailedStatus")
    reason = summary.get("StatusReason") or ""
    if status == "INOPERABLE" or detailed in ("FAILED", "CANCELLED", "FAILED_IMPORT"):
        return CheckResult(FAIL, f"failed: {detailed or status}{_because(reason)}")
    if status == "OUTDATED" or (latest and summary.get("LastOperationId", latest) != latest):
        return CheckResult(FAIL, f"outdated: {detailed or status}{_because(reason)}")
    return CheckResult(OK, f"{status} {detailed}")


def _because(reason: str) -> str:
    return f" ({reason})" if reason else ""
