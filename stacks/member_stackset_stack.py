"""The StackSet admin account: deploys the member template to every target account."""

from __future__ import annotations

from pathlib import Path

from constructs import Construct

from components.member_template.builder import build_member_template
from components.member_template.parameters import LogArchiveOutputs
from components.stack_set.construct import OperationPreferences, OrganizationStackSet, Timeouts
from config.models import SessionLogsConfig
from config.rollout import instance_timeout, template_update_timeout
from stacks.account import work_in_account
from stacks.log_archive_stack import LogArchiveStack
from synth.named_stack import NamedStack


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
        admin = config.stackset_admin
        providers = work_in_account(self, config, admin, outdir)
        template = build_member_template(
            config,
            log_archive=LogArchiveOutputs(
                bucket_name=log_archive.bucket_name,
                account_id=log_archive.bucket_owner,
                key_id=log_archive.key_id,
            ),
        )
        preferences = config.stack_set.operation_preferences
        self.stack_set = OrganizationStackSet(
            self,
            "member-stack-set",
            provider=providers.home,
            name=config.names.stack_set,
            description="Central Session Logs: session logging and RDP recording in member accounts",
            template_body=template.rendered_body,
            parameters=template.parameter_values,
            call_as=admin.call_as,
            organizational_unit_ids=config.target_ou_ids,
            excluded_account_ids=config.exclusions.account_ids,
            regions=config.deployment_regions,
            ready_regions=log_archive.member_ready_regions,
            retain_stacks_on_account_removal=config.stack_set.retain_stacks_on_account_removal,
            operation_preferences=OperationPreferences(
                concurrency_mode=preferences.concurrency_mode,
                region_concurrency_type=preferences.region_concurrency_type,
                region_order=preferences.region_order,
                **preferences.max_concurrent,
                **preferences.failure_tolerance,
            ),
            timeouts=Timeouts(
                instances=instance_timeout(config),
                template_update=template_update_timeout(config),
            ),
        )
