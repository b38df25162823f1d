"""Every rule, in the order findings are listed. Each rule is `check(resource) -> findings`."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from cdktf import TerraformResource

from synth.policy_checks.finding import Finding
from synth.policy_checks.rules import (
    data_kept_from_destroy,
    key_deletion_window,
    key_rotation,
    open_principals,
    wildcard_actions,
)

RULES: list[Callable[[TerraformResource], Iterator[Finding]]] = [
    data_kept_from_destroy.check,
    key_rotation.check,
    key_deletion_window.check,
    wildcard_actions.check,
    open_principals.check,
]
