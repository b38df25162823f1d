"""A service-managed StackSet that deploys one template to OUs in several regions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cdktf import (
    Fn,
    Precondition,
    TerraformIterator,
    TerraformLocal,
    TerraformResourceLifecycle,
    Token,
)
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

from config.rollout import OUS_PER_OPERATION
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
    """The stack set and its stack set instances: one per region and batch of at most 50 OUs.

    CreateStackInstances and DeleteStackInstances take at most 50 OUs a call
    (CloudFormation API Reference, "CreateStackInstances"), so the OUs are
    split into batches and each batch is an instance resource of its own in
    every region. The first batch of a region is keyed by the region alone,
    the others "<region>/<n>", so a growing OU list adds instances and never
    replaces the existing ones. One for_each resource lists the OUs once, in
    a local, where a resource per region would repeat them in every region:
    with hundreds of OUs that is most of the synthesized Terraform and of the
    synth time.

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
        batches = ou_batches(organizational_unit_ids)
        batch_ous = TerraformLocal(self, "ou-batches", batches)
        each = TerraformIterator.from_map(_instance_keys(regions, len(batches)))
        region = each.get_string("region")
        self.instances = CloudformationStackSetInstance(
            self,
            "instances",
            provider=provider,
            for_each=each,
            stack_set_name=self.stack_set.name,
            call_as=call_as,
            region=region,
            deployment_targets=_deployment_targets(
                Token.as_list(Fn.element(batch_ous.as_list, each.get_number("batch"))),
                excluded_account_ids,
            ),
            operation_preferences=_instance_preferences(operation_preferences),
            timeouts=CloudformationStackSetInstanceTimeouts(
                create=timeouts.instances,
                update=timeouts.instances,
                delete=timeouts.instances,
            ),
            lifecycle=TerraformResourceLifecycle(
                precondition=[_region_is_ready(ready_regions, region)]
            ),
        )


def ou_batches(organizational_unit_ids: Sequence[str]) -> list[list[str]]:
    """The OUs in lists of at most OUS_PER_OPERATION, in the config's order."""
    ous = list(organizational_unit_ids)
    return [ous[i : i + OUS_PER_OPERATION] for i in range(0, len(ous), OUS_PER_OPERATION)]


def _instance_keys(regions: Sequence[str], batch_count: int) -> dict[str, dict]:
    return {
        (region if batch == 0 else f"{region}/{batch + 1}"): {"region": region, "batch": batch}
        for region in regions
        for batch in range(batch_count)
    }


def _region_is_ready(ready_regions: Sequence[str], region: str) -> Precondition:
    # Checked at plan time, before CloudFormation creates stacks that would
    # subscribe to a destination or encrypt with a key replica that is not
    # there yet (the log archive stack makes both).
    return Precondition(
        condition=Fn.contains(list(ready_regions), region),
        error_message=(
            "Region ${each.value.region} has no session log destination and key replica in the "
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
