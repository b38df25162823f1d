"""The regions the project deploys to, and where RDP recording exists.

Both lists come from the CloudFormation resource specifications that cfn-lint
ships per region (cfnlint/data/schemas/providers/<region>.json, cfn-lint
1.58): a region is accepted when cfn-lint has a specification for it, so every
template can be linted for every region the config accepts, and RDP
recording is configured where that specification has
`AWS::SSMGuiConnect::Preferences`. tests/test_regions.py fails when a cfn-lint
upgrade changes either list, so the change is reviewed here rather than found
in a failed stack instance.

Only the `aws` partition: every ARN and service principal the project writes
is a commercial one. me-south-1 is a commercial region, but cfn-lint ships no
specification for it, so nothing here can check a template against it.
"""

from __future__ import annotations

COMMERCIAL_REGIONS = (
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
)

# Where CloudFormation has AWS::SSMGuiConnect::Preferences, so where the
# member template configures RDP recording.
RDP_RECORDING_REGIONS = (
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ca-central-1",
    "eu-central-1",
    "eu-north-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
)

# Region prefixes of the partitions other than `aws`, for a clearer refusal.
OTHER_PARTITIONS = {
    "cn-": "aws-cn (China)",
    "us-gov-": "aws-us-gov (GovCloud)",
    "us-iso-": "aws-iso",
    "us-isob-": "aws-iso-b",
    "us-isof-": "aws-iso-f",
    "eu-isoe-": "aws-iso-e",
    "eusc-": "aws-eusc (European Sovereign Cloud)",
}


def region_problem(region: str) -> str | None:
    """Why the project cannot deploy to `region`, or None when it can."""
    if region in COMMERCIAL_REGIONS:
        return None
    for prefix, partition in OTHER_PARTITIONS.items():
        if region.startswith(prefix):
            return (
                f"{region} is in the {partition} partition; only commercial (aws) "
                "regions are supported"
            )
    return (
        f"{region} is not a commercial region this project can lint templates for; "
        "docs/configuration.md#regions lists them"
    )
