"""Where each stack keeps its state."""

from __future__ import annotations

from stacks.registry import STACKS_IN_DEPLOY_ORDER


def test_local_state_is_a_path_relative_to_the_stack_folder(default_synth):
    for stack in STACKS_IN_DEPLOY_ORDER:
        backend = default_synth.stack(stack)["terraform"]["backend"]
        assert backend == {"local": {"path": f"../../../terraform.{stack}.tfstate"}}


def test_s3_state_uses_the_configured_bucket_key_role_and_lockfile(three_region_synth):
    backend = three_region_synth.stack("log-archive")["terraform"]["backend"]
    assert backend == {
        "s3": {
            "bucket": "test-terraform-state",
            "key": "central-session-logs/log-archive.tfstate",
            "region": "eu-west-1",
            "encrypt": True,
            "use_lockfile": True,
            "assume_role": {"role_arn": "arn:aws:iam::444444444444:role/terraform-state"},
        }
    }


def test_s3_state_may_add_a_dynamodb_lock_table(three_region_synth):
    backend = three_region_synth.stack("member-stackset")["terraform"]["backend"]["s3"]
    assert backend["dynamodb_table"] == "terraform-locks"
    assert backend["key"] == "central-session-logs/member-stackset.tfstate"
    assert "assume_role" not in backend
