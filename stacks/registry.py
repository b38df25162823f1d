"""The stacks of the project by id, and the order they deploy in.

Plain data, so the command-line tools read it without loading cdktf.
"""

from __future__ import annotations

from collections.abc import Iterable

LOG_ARCHIVE_STACK = "log-archive"
MEMBER_STACKSET_STACK = "member-stackset"
GUARDRAILS_STACK = "guardrails"
# member-stackset reads log-archive's state, so log-archive goes first; the
# guardrails protect what the member stacks deploy, so they come last.
STACKS_IN_DEPLOY_ORDER = (LOG_ARCHIVE_STACK, MEMBER_STACKSET_STACK, GUARDRAILS_STACK)


def in_deploy_order(stacks: Iterable[str]) -> list[str]:
    """The named stacks (every stack if none) in deploy order; an unknown name is an error."""
    named = set(stacks)
    unknown = sorted(named - set(STACKS_IN_DEPLOY_ORDER))
    if unknown:
        raise ValueError(
            f"unknown stack {', '.join(unknown)}; the stacks are {', '.join(STACKS_IN_DEPLOY_ORDER)}"
        )
    return [s for s in STACKS_IN_DEPLOY_ORDER if s in named or not named]
