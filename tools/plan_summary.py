"""Turns `terraform show -json <plan>` into a Markdown summary for a pull request comment.

    python -m tools.plan_summary STACK_DIR PLAN_JSON [--expected-accounts N] > summary.md

STACK_DIR is the synthesized stack the plan was made from; its cdk.tf.json
says which resources have prevent_destroy, which the plan JSON does not carry.
N (the config's stack_set.expected_accounts) counts the accounts a deleted
stack instance touches when the plan's state does not list them.
The summary is deterministic: the same plan always gives the same text.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# The resources that hold audit data or the keys to read it (as in the
# CSL-DATA-1 policy check); losing one of them loses the archive.
DATA_RESOURCE_TYPES = {"aws_s3_bucket", "aws_kms_key", "aws_kms_replica_key"}

# One per deployment region (for_each); deleting one deletes the member
# stacks of every target account in that region.
STACK_INSTANCE_TYPE = "aws_cloudformation_stack_set_instance"
# What keeps the archive: how long, and how immutably.
LIFECYCLE_TYPE = "aws_s3_bucket_lifecycle_configuration"
OBJECT_LOCK_TYPE = "aws_s3_bucket_object_lock_configuration"
REPLICATION_TYPE = "aws_s3_bucket_replication_configuration"

# Per resource type, the arguments a security review looks at.
SECURITY_ATTRIBUTES = {
    "aws_s3_bucket": ("bucket", "force_destroy", "object_lock_enabled"),
    "aws_s3_bucket_policy": ("policy",),
    "aws_s3_bucket_server_side_encryption_configuration": ("rule",),
    "aws_s3_bucket_public_access_block": (
        "block_public_acls",
        "block_public_policy",
        "ignore_public_acls",
        "restrict_public_buckets",
    ),
    "aws_s3_bucket_versioning": ("versioning_configuration",),
    "aws_s3_bucket_ownership_controls": ("rule",),
    "aws_kms_key": (
        "policy",
        "enable_key_rotation",
        "deletion_window_in_days",
        "multi_region",
        "is_enabled",
    ),
    "aws_kms_replica_key": ("policy", "deletion_window_in_days", "enabled", "primary_key_arn"),
    "aws_cloudformation_stack_set": (
        "permission_model",
        "call_as",
        "capabilities",
        "auto_deployment",
        "parameters",
        "template_body",
    ),
    "aws_cloudformation_stack_set_instance": ("region", "deployment_targets"),
    "aws_iam_role": ("assume_role_policy",),
    "aws_iam_role_policy": ("policy",),
    "aws_cloudwatch_log_destination_policy": ("access_policy",),
    "aws_s3_bucket_lifecycle_configuration": ("rule",),
    "aws_s3_bucket_object_lock_configuration": ("rule",),
    "aws_s3_bucket_replication_configuration": ("role", "rule"),
    "aws_s3_bucket_logging": ("target_bucket", "target_prefix"),
    "aws_organizations_policy": ("name", "type", "content"),
    "aws_organizations_policy_attachment": ("policy_id", "target_id"),
}
# String arguments that hold a JSON document, shown pretty-printed or as a diff.
JSON_DOCUMENTS = {"policy", "assume_role_policy", "access_policy", "template_body", "content"}

UNKNOWN = "(known after apply)"
SENSITIVE = "(sensitive)"


@dataclass(frozen=True)
class Change:
    address: str
    resource_type: str
    action: str
    before: dict
    after: dict
    unknown: dict
    sensitive: dict
    replaced_by: tuple[str, ...]

    @property
    def destroys(self) -> bool:
        return self.action in ("delete", "replace")


def summarize(
    stack: str, plan: dict, stack_config: dict, *, expected_accounts: int | None = None
) -> str:
    changes = sorted(_changes(plan), key=lambda c: c.address)
    protected = _prevent_destroy_addresses(stack_config)
    lines = [f"### `{stack}`: {_counts(changes)}", ""]
    lines += _caution(changes, protected, expected_accounts)
    lines += _action_table(changes)
    lines += _security_details(changes, protected)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).rstrip() + "\n"


def _changes(plan: dict) -> Iterator[Change]:
    for resource in plan.get("resource_changes", []):
        change = resource["change"]
        yield Change(
            address=resource["address"],
            resource_type=resource["type"],
            action=_action(change["actions"]),
            before=change.get("before") or {},
            after=change.get("after") or {},
            unknown=change.get("after_unknown") or {},
            sensitive=change.get("after_sensitive") or {},
            replaced_by=tuple(".".join(map(str, p)) for p in resource.get("replace_paths", [])),
        )


def _action(actions: list[str]) -> str:
    if sorted(actions) == ["create", "delete"]:
        return "replace"
    return {"no-op": "no change"}.get(actions[0], actions[0])


def _counts(changes: list[Change]) -> str:
    counted = Counter(c.action for c in changes)
    add = counted["create"] + counted["replace"]
    destroy = counted["delete"] + counted["replace"]
    return f"{add} to add, {counted['update']} to change, {destroy} to destroy"


def _prevent_destroy_addresses(stack_config: dict) -> set[str]:
    return {
        f"{resource_type}.{name}"
        for resource_type, resources in stack_config.get("resource", {}).items()
        for name, resource in resources.items()
        if resource.get("lifecycle", {}).get("prevent_destroy")
    }


def _caution(
    changes: list[Change], protected: set[str], expected_accounts: int | None
) -> list[str]:
    lines = (
        _data_loss_lines(changes, protected)
        + _stack_instance_loss_lines(changes, expected_accounts)
        + _weakened_archive_lines(changes)
    )
    return ["> [!CAUTION]", *lines, ""] if lines else []


def _weakened_archive_lines(changes: list[Change]) -> list[str]:
    """Retention that ends sooner, or an Object Lock or replication that protects less."""
    found = [
        f"> - `{c.address}`: {reason}"
        for c in changes
        if c.action != "create"
        for reason in _weakenings(c)
    ]
    if not found:
        return []
    return ["> This plan shortens how long the archive keeps objects, or weakens its lock:", *found]


def _weakenings(change: Change) -> list[str]:
    if change.resource_type == LIFECYCLE_TYPE:
        return _shorter_lifecycle(change)
    if change.resource_type == OBJECT_LOCK_TYPE:
        return _weaker_lock(change)
    if change.resource_type == REPLICATION_TYPE and change.destroys:
        return [f"**{change.action}**: new objects stop reaching the locked replica"]
    return []


def _shorter_lifecycle(change: Change) -> list[str]:
    before, after = _lifecycle_days(change.before), _lifecycle_days(change.after)
    return [
        f"rule `{rule}` {setting}: {_days(before.get((rule, setting)))} → {_days(days)}"
        for (rule, setting), days in sorted(after.items())
        if days is not None and _sooner(days, before.get((rule, setting)))
    ]


def _lifecycle_days(resource: dict) -> dict[tuple[str, str], int | None]:
    days = {}
    for rule in resource.get("rule") or []:
        for setting, block, key in (
            ("expiration", "expiration", "days"),
            ("noncurrent versions", "noncurrent_version_expiration", "noncurrent_days"),
        ):
            values = [b.get(key) for b in rule.get(block) or [] if b.get(key)]
            if values:
                days[rule.get("id"), setting] = values[0]
    return days


def _weaker_lock(change: Change) -> list[str]:
    before, after = _retention(change.before), _retention(change.after)
    if change.destroys or not after:
        return [f"**{change.action}**: the default retention of new objects ends"]
    reasons = []
    if before.get("mode") == "COMPLIANCE" and after.get("mode") != "COMPLIANCE":
        reasons.append(f"mode `{before['mode']}` → `{after.get('mode')}`")
    if _sooner(after.get("days"), before.get("days")):
        reasons.append(f"days {before.get('days')} → {after.get('days')}")
    return reasons


def _retention(resource: dict) -> dict:
    for rule in resource.get("rule") or []:
        for retention in rule.get("default_retention") or []:
            return retention
    return {}


def _sooner(days: int | None, before: int | None) -> bool:
    """None is forever: any number of days is sooner than that."""
    return days is not None and (before is None or days < before)


def _days(days: int | None) -> str:
    return "never" if days is None else f"{days} days"


def _data_loss_lines(changes: list[Change], protected: set[str]) -> list[str]:
    losses = [c for c in changes if c.resource_type in DATA_RESOURCE_TYPES and c.destroys]
    if not losses:
        return []
    lines = ["> This plan deletes or replaces the audit log bucket or its keys:"]
    for change in losses:
        guard = ", stopped by prevent_destroy" if change.address in protected else ""
        lines.append(f"> - `{change.address}`: **{change.action}**{_forced_by(change)}{guard}")
    return lines


def _stack_instance_loss_lines(changes: list[Change], expected_accounts: int | None) -> list[str]:
    losses = [c for c in changes if c.resource_type == STACK_INSTANCE_TYPE and c.destroys]
    if not losses:
        return []
    lines = [
        "> This plan deletes or replaces stack set instances: CloudFormation deletes the "
        f"member stacks of {_accounts_times_regions(losses, expected_accounts)}, and a "
        "replacement creates them again only afterwards:"
    ]
    return lines + [f"> - `{c.address}`: **{c.action}**{_forced_by(c)}" for c in losses]


def _accounts_times_regions(losses: list[Change], expected_accounts: int | None) -> str:
    """How many member stacks the deleted stack set instances hold.

    Accounts: those the state lists under stack_instance_summaries, else the
    config's expected_accounts; regions: those of the instances (a region
    has one instance per batch of OUs).
    """
    listed = {
        summary["account_id"]
        for change in losses
        for summary in change.before.get("stack_instance_summaries") or []
    }
    regions = len({(c.before or c.after or {}).get("region") for c in losses})
    if listed:
        accounts, source = len(listed), "accounts listed in the state"
    elif expected_accounts:
        accounts, source = expected_accounts, "accounts: the config's `stack_set.expected_accounts`"
    else:
        return f"every target account in {regions} regions"
    return f"{accounts:,} accounts x {regions} regions = {accounts * regions:,} stacks ({source})"


def _forced_by(change: Change) -> str:
    return f" (forced by {', '.join(change.replaced_by)})" if change.replaced_by else ""


def _action_table(changes: list[Change]) -> list[str]:
    changed = [c for c in changes if c.action != "no change"]
    unchanged = [c for c in changes if c.action == "no change"]
    lines = ["| action | resource |", "|---|---|"]
    lines += [f"| {c.action} | `{c.address}` |" for c in changed]
    if not changed:
        lines = ["No resource changes."]
    if unchanged:
        lines += ["", f"<details><summary>{len(unchanged)} unchanged</summary>", ""]
        lines += [f"- `{c.address}`" for c in unchanged]
        lines += ["", "</details>"]
    return [*lines, ""]


def _security_details(changes: list[Change], protected: set[str]) -> list[str]:
    sections = []
    for change in changes:
        if change.action in ("create", "update", "replace"):
            body = _security_lines(change, protected)
            if body:
                sections += [f"##### `{change.address}` ({change.action})", "", *body, ""]
    if not sections:
        return []
    return ["#### Security-relevant settings", "", *sections]


def _security_lines(change: Change, protected: set[str]) -> list[str]:
    bullets, documents = [], []
    if change.resource_type in DATA_RESOURCE_TYPES:
        state = "on" if change.address in protected else "**off**"
        bullets.append(f"- deletion protection (`prevent_destroy`): {state}")
    for attribute in SECURITY_ATTRIBUTES.get(change.resource_type, ()):
        before, after = change.before.get(attribute), change.after.get(attribute)
        if change.action == "update" and before == after:
            continue
        if attribute in JSON_DOCUMENTS and _is_known(change, attribute):
            documents += _document_lines(change, attribute, before, after)
        else:
            bullets += _attribute_lines(change, attribute, before, after)
    return [*bullets, *([""] if bullets and documents else []), *documents]


def _is_known(change: Change, attribute: str) -> bool:
    return change.sensitive.get(attribute) is not True and change.unknown.get(attribute) is not True


def _attribute_lines(change: Change, attribute: str, before, after) -> list[str]:
    if change.sensitive.get(attribute) is True:
        return [f"- {attribute}: {SENSITIVE}"]
    if change.unknown.get(attribute) is True:
        return [f"- {attribute}: {UNKNOWN}"]
    if change.action == "update":
        return [f"- {attribute}: {_inline(before)} → {_inline(after)}"]
    return [f"- {path}: {value}" for path, value in _flattened(attribute, after)]


def _document_lines(change: Change, attribute: str, before, after) -> list[str]:
    """Each policy in the document as a table of statements; the rest folded away."""
    lines = [f"**{attribute}**" + (" (changed)" if change.action == "update" else ""), ""]
    policies = _policies(after)
    for resource, statements in policies:
        if resource:
            lines += [f"Policy of template resource `{resource}`:", ""]
        lines += [*_statement_table(statements), ""]
    if change.action == "update" and before:
        diff = difflib.unified_diff(
            _pretty(before).splitlines(), _pretty(after).splitlines(), lineterm="", n=2
        )
        lines += _folded("diff", ["```diff", *list(diff)[2:], "```"])
    elif not _is_one_policy(policies):  # a policy's table already shows all of it
        lines += _folded("document", ["```json", *_pretty(after).splitlines(), "```"])
    return lines


def _folded(summary: str, body: list[str]) -> list[str]:
    return [f"<details><summary>{summary}</summary>", "", *body, "", "</details>", ""]


def _policies(document: str | None) -> list[tuple[str | None, list[dict]]]:
    """The statements of a policy document, or of each policy in a CloudFormation template."""
    try:
        parsed = json.loads(document or "")
    except ValueError:
        return []
    if not isinstance(parsed, dict):
        return []
    if "Statement" in parsed:
        return [(None, _as_list(parsed["Statement"]))]
    return [
        (name, _as_list(resource["Properties"]["PolicyDocument"].get("Statement")))
        for name, resource in sorted(parsed.get("Resources", {}).items())
        if isinstance(resource.get("Properties", {}).get("PolicyDocument"), dict)
    ]


def _is_one_policy(policies: list[tuple[str | None, list[dict]]]) -> bool:
    return len(policies) == 1 and policies[0][0] is None


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def _statement_table(statements: list[dict]) -> list[str]:
    rows = [
        "| Sid | Effect | Principal | Action | Resource | Condition |",
        "|---|---|---|---|---|---|",
    ]
    for statement in statements:
        cells = [
            statement.get("Sid", ""),
            statement.get("Effect", ""),
            _negatable(statement, "Principal", _principal),
            _negatable(statement, "Action", _listed),
            _negatable(statement, "Resource", _listed),
            _conditions(statement.get("Condition", {})),
        ]
        rows.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return rows


def _negatable(statement: dict, element: str, render) -> str:
    """Principal, Action or Resource; their Not form reads "all but", never like the positive one."""
    if f"Not{element}" in statement:
        return "all but " + render(statement[f"Not{element}"])
    return render(statement.get(element))


def _principal(principal) -> str:
    if principal is None or isinstance(principal, str):
        return _listed(principal)
    return "<br>".join(f"{kind}: {_listed(value)}" for kind, value in sorted(principal.items()))


def _listed(value) -> str:
    values = value if isinstance(value, list) else [] if value is None else [value]
    return "<br>".join(f"`{_text(v)}`" for v in values)


def _text(value) -> str:
    """Strings as they are; anything else (a CloudFormation function) as compact JSON."""
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def _conditions(conditions: dict) -> str:
    return "<br>".join(
        f"{operator} `{key}`: {_listed(value)}"
        for operator, tests in sorted(conditions.items())
        for key, value in sorted(tests.items())
    )


def _pretty(document: str | None) -> str:
    if not document:
        return ""
    try:
        return json.dumps(json.loads(document), indent=2, sort_keys=True)
    except ValueError:
        return document


def _flattened(path: str, value) -> Iterator[tuple[str, str]]:
    """Nested blocks as dotted paths; one-element block lists need no index."""
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict):
        value = value[0]
    if isinstance(value, dict) and value:
        for key in sorted(value):
            if value[key] is not None:
                yield from _flattened(f"{path}.{key}", value[key])
    else:
        yield path, _inline(value)


def _inline(value) -> str:
    return "(none)" if value is None else f"`{_text(value)}`"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stack_dir", type=Path, help="synthesized stack folder (has cdk.tf.json)")
    parser.add_argument("plan_json", type=Path, help="output of `terraform show -json <plan>`")
    parser.add_argument(
        "--expected-accounts", type=int, help="the config's stack_set.expected_accounts"
    )
    args = parser.parse_args(argv)
    stack_config = json.loads((args.stack_dir / "cdk.tf.json").read_text())
    plan = json.loads(args.plan_json.read_text())
    summary = summarize(
        args.stack_dir.name, plan, stack_config, expected_accounts=args.expected_accounts
    )
    sys.stdout.write(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
