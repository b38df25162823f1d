"""The management account or Organizations' delegated administrator for policies: the SCPs.

A stack of its own, with its own provider, role and state: the account that
may write service control policies need not be the StackSet administrator
(a CloudFormation delegated administrator cannot write SCPs unless it is
also registered for Organizations policies).
"""

from __future__ import annotations

from pathlib import Path

from constructs import Construct

from components.guardrails.construct import OrganizationGuardrails, ServiceControlPolicy
from components.guardrails.policies import (
    exempt_principals,
    logged_sessions_only_document,
    session_logging_protection_document,
)
from config.models import SessionLogsConfig
from stacks.account import work_in_account
from synth.named_stack import NamedStack


class GuardrailsStack(NamedStack):
    def __init__(self, scope: Construct, id: str, config: SessionLogsConfig, outdir: Path) -> None:
        super().__init__(scope, id)
        admin = config.guardrails_admin
        providers = work_in_account(self, config, admin, outdir)
        OrganizationGuardrails(
            self,
            "guardrails",
            provider=providers.home,
            policies=service_control_policies(config) if config.guardrails.enabled else [],
            target_ids=config.target_ou_ids,
        )


def service_control_policies(config: SessionLogsConfig) -> list[ServiceControlPolicy]:
    names, guardrails = config.names, config.guardrails
    exempt = exempt_principals(names, guardrails.exempt_role_arn_patterns)
    policies = [
        ServiceControlPolicy(
            name=names.session_logging_protection_policy,
            description="Central Session Logs: member accounts cannot switch session logging off",
            document=session_logging_protection_document(names=names, exempt=exempt),
        )
    ]
    if guardrails.block_unlogged_sessions:
        policies.append(
            ServiceControlPolicy(
                name=names.logged_sessions_only_policy,
                description="Central Session Logs: no sessions with documents that are not logged",
                document=logged_sessions_only_document(
                    allowed_documents=guardrails.allowed_session_documents,
                    names=names,
                    exempt=exempt,
                ),
            )
        )
    return policies
