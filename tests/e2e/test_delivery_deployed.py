"""What `terraform apply` left of the session log delivery in the log archive account."""

from __future__ import annotations

import json

import pytest

from tests.e2e.support import HOME_REGION, MEMBER_REGIONS


def archive_client(deployment, service: str, region: str = HOME_REGION):
    return deployment.client(
        service, account=deployment.organization.log_archive_account, region=region
    )


def stream(deployment, region: str, shard: int = 0) -> dict:
    firehose = archive_client(deployment, "firehose")
    name = deployment.config.names.delivery_stream(region, shard)
    described = firehose.describe_delivery_stream(DeliveryStreamName=name)
    return described["DeliveryStreamDescription"]


@pytest.mark.parametrize("region", MEMBER_REGIONS)
def test_every_destination_in_the_region_points_at_its_stream_in_the_home_region(
    deployment, region
):
    logs = archive_client(deployment, "logs", region)
    names = deployment.config.names
    destinations = logs.describe_destinations(DestinationNamePrefix=names.log_destination)[
        "destinations"
    ]
    shards = range(deployment.config.delivery_streams_per_region)
    assert sorted(d["destinationName"] for d in destinations) == sorted(
        names.log_destination_name(shard) for shard in shards
    )
    for shard in shards:
        [destination] = [
            d for d in destinations if d["destinationName"] == names.log_destination_name(shard)
        ]
        check_destination(deployment, region, shard, destination)


def check_destination(deployment, region: str, shard: int, destination: dict) -> None:
    names = deployment.config.names
    assert destination["arn"].startswith(f"arn:aws:logs:{region}:")
    assert destination["targetArn"] == stream(deployment, region, shard)["DeliveryStreamARN"]
    assert f":firehose:{HOME_REGION}:" in destination["targetArn"]
    iam = archive_client(deployment, "iam")
    role = iam.get_role(RoleName=names.destination_role(region))["Role"]
    assert destination["roleArn"] == role["Arn"]
    policy = json.loads(destination["accessPolicy"])
    [statement] = policy["Statement"]
    assert statement["Resource"] == destination["arn"]
    assert statement["Action"] == "logs:PutSubscriptionFilter"
    assert statement["Condition"] == {
        "StringEquals": {"aws:PrincipalOrgID": deployment.organization.id}
    }


@pytest.mark.parametrize("region", MEMBER_REGIONS)
def test_stream_writes_encrypted_partitioned_objects_to_the_central_bucket(deployment, region):
    [destination] = stream(deployment, region)["Destinations"]
    s3 = destination["ExtendedS3DestinationDescription"]
    kms = archive_client(deployment, "kms")
    key_arn = kms.describe_key(KeyId=deployment.config.names.key_alias)["KeyMetadata"]["Arn"]
    assert s3["BucketARN"] == f"arn:aws:s3:::{deployment.config.names.bucket}"
    assert s3["EncryptionConfiguration"] == {"KMSEncryptionConfig": {"AWSKMSKeyARN": key_arn}}
    assert f"/{region}/" in s3["Prefix"]
    assert "!{partitionKeyFromLambda:" in s3["Prefix"]
    assert "!{firehose:error-output-type}" in s3["ErrorOutputPrefix"]
    [processor] = s3["ProcessingConfiguration"]["Processors"]
    assert processor["Type"] == "Lambda"
