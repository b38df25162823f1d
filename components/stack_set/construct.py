"""A service-managed StackSet that deploys one template to OUs in several regions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cdktf import Fn, Precondition, TerraformIterator, TerraformResourceLifecycle, Token
from cdktf_cdktf_provider_aws.cloudformation_stack_set import (
    CloudformationStackSet,
    CloudformationStackSetAutoDeployment,
    CloudformationStackSetManagedExecution,
    CloudformationStackSetOperationPreferences,
    CloudformationStackSetTimeouts,
)
from cdktf_cdktf_provider_aws.cloudformation_stack_set_instance import (
    CloudformationStackSetInstance,
    CloudformationStackSetInstanceDeploymentTargets,
    CloudformationStackSetInstanceOperationPreferences,
    CloudformationStackSetInstanceTimeouts,
)
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from synth.named_stack import DEFAULT_CHILD


@dataclass(frozen=True)
class OperationPreferences:
    """How CloudFormation rolls the stack instances out across accounts and regions.

    Of each pair, count or percentage, exactly one is set: the provider
    refuses both.
    """

    concurrency_mode: str
    region_concurrency_type: str
    region_order: Sequence[str]
    max_concurrent_count: int | None = None
    max_concurrent_percentage: int | None = None
    failure_tolerance_count: int | None = None
    failure_tolerance_percentage: int | None = None


@dataclass(frozen=True)
class Timeouts:
    """How long Terraform waits for a stack set operation, as Terraform durations ("90m").

    The provider's default is 30 minutes; when it runs out, the instance is
    recorded as tainted and the next plan replaces it (config/rollout.py sizes
    these instead).
    """

    instances: str
    template_update: str


class OrganizationStackSet(Construct):
    """The stack set and its stack set instances, one per region (for_each over the regions).

    One for_each resource lists the OUs once, where a resource per region would
    repeat all of them in every region: with hundreds of OUs that is most of
    the synthesized Terraform and of the synth time.

    Auto-deployment gives accounts that join a target OU the stacks without a
    new apply; managed execution lets StackSets queue the per-region
    operations Terraform starts in parallel instead of failing them with
    OperationInProgressException.

    `ready_regions` are the regions the template can deliver from (a
    reference into another stack's state): an instance in any other region
    fails its precondition at plan time.

    The template body and every parameter value reach CloudFormation as
    written: the construct escapes what Terraform would read as its own
    interpolation, and leaves cdktf tokens (references to other resources or
    stacks) for Terraform to resolve.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        provider: AwsProvider,
        name: str,
        description: str,
        template_body: str,
        parameters: Mapping[str, str],
        call_as: str,
        organizational_unit_ids: Sequence[str],
        excluded_account_ids: Sequence[str],
        regions: Sequence[str],
        ready_regions: Sequence[str],
        retain_stacks_on_account_removal: bool,
        operation_preferences: OperationPreferences,
        timeouts: Timeouts,
    ) -> None:
        super().__init__(scope, id)
        self.stack_set = CloudformationStackSet(
            self,
            DEFAULT_CHILD,
            provider=provider,
            name=name,
            description=description,
            permission_model="SERVICE_MANAGED",
            call_as=call_as,
            auto_deployment=CloudformationStackSetAutoDeployment(
                enabled=True,
                retain_stacks_on_account_removal=retain_stacks_on_account_removal,
            ),
            managed_execution=CloudformationStackSetManagedExecution(active=True),
            capabilities=["CAPABILITY_NAMED_IAM"],
            template_body=_terraform_literal(template_body),
            parameters={name: _literal_unless_token(v) for name, v in parameters.items()},
            operation_preferences=_stack_set_preferences(operation_preferences),
            timeouts=CloudformationStackSetTimeouts(update=timeouts.template_update),
            # With SERVICE_MANAGED the API reports an administration role that
            # was never set, so every plan would otherwise try to remove it.
            lifecycle=TerraformResourceLifecycle(ignore_changes=["administration_role_arn"]),
        )
        each_region = TerraformIterator.from_list(list(regions))
        self.instances = CloudformationStackSetInstance(
            self,
            "instances",
            provider=provider,
            for_each=each_region,
            stack_set_name=self.stack_set.name,
            call_as=call_as,
            region=Token.as_string(each_region.value),
            deployment_targets=_deployment_targets(organizational_unit_ids, excluded_account_ids),
            operation_preferences=_instance_preferences(operation_preferences),
            timeouts=CloudformationStackSetInstanceTimeouts(
                create=timeouts.instances,
                update=timeouts.instances,
                delete=timeouts.instances,
            ),
            lifecycle=TerraformResourceLifecycle(
                precondition=[_region_is_ready(ready_regions, Token.as_string(each_region.key))]
            ),
        )


def _region_is_ready(ready_regions: Sequence[str], region: str) -> Precondition:
    # Checked at plan time, before CloudFormation creates stacks that would
    # subscribe to a destination or encrypt with a key replica that is not
    # there yet (the log archive stack makes both).
    return Precondition(
        condition=Fn.contains(list(ready_regions), region),
        error_message=(
            "Region ${each.key} has no session log destination and key replica in the "
            "log-archive state yet: apply the log-archive stack first "
            "(make deploy STACKS=log-archive), then plan this stack again."
        ),
    )


def _deployment_targets(
    organizational_unit_ids: Sequence[str], excluded_account_ids: Sequence[str]
) -> CloudformationStackSetInstanceDeploymentTargets:
    """The OUs, minus the excluded accounts (account filter DIFFERENCE)."""
    if not excluded_account_ids:
        return CloudformationStackSetInstanceDeploymentTargets(
            organizational_unit_ids=list(organizational_unit_ids)
        )
    return CloudformationStackSetInstanceDeploymentTargets(
        organizational_unit_ids=list(organizational_unit_ids),
        accounts=list(excluded_account_ids),
        account_filter_type="DIFFERENCE",
    )


def _literal_unless_token(value: str) -> str:
    return value if Token.is_unresolved(value) else _terraform_literal(value)


def _terraform_literal(text: str) -> str:
    """Escapes what Terraform would read as its own interpolation in a JSON string.

    CloudFormation's `${AWS::Region}` would otherwise be parsed as a Terraform
    expression and fail validation.
    """
    return text.replace("${", "$${").replace("%{", "%%{")


def _instance_preferences(
    preferences: OperationPreferences,
) -> CloudformationStackSetInstanceOperationPreferences:
    """Each instance resource's operation covers one region, so no region settings."""
    return CloudformationStackSetInstanceOperationPreferences(
        concurrency_mode=preferences.concurrency_mode,
        max_concurrent_count=preferences.max_concurrent_count,
        max_concurrent_percentage=preferences.max_concurrent_percentage,
        failure_tolerance_count=preferences.failure_tolerance_count,
        failure_tolerance_percentage=preferences.failure_tolerance_percentage,
    )


def _stack_set_preferences(
    preferences: OperationPreferences,
) -> CloudformationStackSetOperationPreferences:
    """For template updates, which cover every region.

    No concurrency mode: the stack set resource of hashicorp/aws 5.100.0 has
    none (hashicorp/terraform-provider-aws#41357), so updates run strict.
    """
    return CloudformationStackSetOperationPreferences(
        region_concurrency_type=preferences.region_concurrency_type,
        region_order=list(preferences.region_order) or None,
        max_concurrent_count=preferences.max_concurrent_count,
        max_concurrent_percentage=preferences.max_concurrent_percentage,
        failure_tolerance_count=preferences.failure_tolerance_count,
        failure_tolerance_percentage=preferences.failure_tolerance_percentage,
    )
