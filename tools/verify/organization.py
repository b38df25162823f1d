"""The (account, region) pairs that should have a member stack.

Every account under the target OUs, child OUs included, minus the excluded
accounts and the management account (a service-managed stack set never
deploys there: CloudFormation user guide, "Stack set targets"), times the
deployment regions.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence


def expected_pairs(
    orgs, *, target_ids: Sequence[str], excluded: Sequence[str], regions: Sequence[str]
) -> list[tuple[str, str]]:
    management = orgs.describe_organization()["Organization"]["MasterAccountId"]
    accounts = set(_accounts_under(orgs, target_ids)) - set(excluded) - {management}
    return [(account, region) for account in sorted(accounts) for region in regions]


def _accounts_under(orgs, target_ids: Sequence[str]) -> Iterator[str]:
    """Breadth first through the OUs, one listing of accounts and one of child OUs each."""
    queue, seen = list(target_ids), set()
    while queue:
        parent = queue.pop(0)
        if parent in seen:
            continue
        seen.add(parent)
        for page in orgs.get_paginator("list_accounts_for_parent").paginate(ParentId=parent):
            yield from (a["Id"] for a in page["Accounts"] if _active(a))
        for page in orgs.get_paginator("list_organizational_units_for_parent").paginate(
            ParentId=parent
        ):
            queue.extend(ou["Id"] for ou in page["OrganizationalUnits"])


def _active(account: dict) -> bool:
    # Suspended and closing accounts get no stack instances. Organizations
    # reports State, and the older Status until it is retired.
    return account.get("State", account.get("Status", "ACTIVE")) == "ACTIVE"
