"""Security rules every stack must pass before it is written, checked as a cdktf Aspect.

One rule per module under rules/; README.md beside this file lists them, and
docs/policy-checks.md says how to suppress one. The rules tell resource types
apart by their provider classes, so the fast provider import comes first
(components/__init__.py says why).
"""

from synth.provider_import import import_provider_package

import_provider_package()

from synth.policy_checks.aspect import PolicyChecks, suppress  # noqa: E402

__all__ = ["PolicyChecks", "suppress"]
