"""The StackSet admin account: deploys the member template to every target account."""

from __future__ import annotations

from pathlib import Path

from constructs import Construct

from config.schema import SessionLogsConfig
from modules.aws_providers import AccountProviders
from modules.member_template import builder as member
from modules.named_stack import NamedStack
from modules.organization_stack_set import OrganizationStackSet, terraform_literal
from modules.state_backend import add_state_backend
from stacks.log_archive_stack import LogArchiveStack


class MemberStackSetStack(NamedStack):
    """Reads the bucket and key from the log archive stack's state (cdktf cross-stack reference)."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        config: SessionLogsConfig,
        outdir: Path,
        log_archive: LogArchiveStack,
    ) -> None:
        super().__init__(scope, id)
        add_state_backend(self, config.stackset_admin.backend, outdir, config.emulator_endpoint)
        providers = AccountProviders(
            self,
            "providers",
            account=config.stackset_admin,
            home_region=config.home_region,
            regions=[],
            tags=config.tags,
            emulator_endpoint=config.emulator_endpoint,
        )
        # Config values such as shell profiles may contain ${...}, which must
        # reach CloudFormation as written.
        config_values = {
            name: terraform_literal(value)
            for name, value in member.config_parameter_values(config).items()
        }
        self.stack_set = OrganizationStackSet(
            self,
            "member-stack-set",
            provider=providers.home,
            name=config.names.stack_set,
            description="Central Session Logs: session logging and RDP recording in member accounts",
            template_body=member.render_template(member.build_member_template(config)),
            parameters={
                member.LOG_ARCHIVE_BUCKET_NAME: log_archive.bucket_name,
                member.LOG_ARCHIVE_ACCOUNT_ID: log_archive.bucket_owner,
                member.LOG_ARCHIVE_KEY_ID: log_archive.key_id,
                **config_values,
            },
            call_as=config.stackset_admin.call_as,
            organizational_unit_ids=config.target_ou_ids,
            excluded_account_ids=config.exclusions.account_ids,
            regions=config.deployment_regions,
            retain_stacks_on_account_removal=config.stack_set.retain_stacks_on_account_removal,
            operation_preferences=config.stack_set.operation_preferences,
        )
