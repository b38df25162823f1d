"""The rollout arithmetic (config/rollout.py) and the table tools/rollout_model.py prints."""

from __future__ import annotations

import pytest

from config import load_config
from config.models import OperationPreferencesConfig
from config.rollout import (
    CONCURRENT_STACK_INSTANCE_OPERATIONS_QUOTA,
    Operation,
    concurrent_accounts,
    instance_operation,
    template_update,
    timeout,
)
from tests.support.configs import DEFAULT_CONFIG, THREE_REGIONS_CONFIG
from tools import rollout_model


@pytest.mark.parametrize(
    ("preferences", "accounts", "strict", "expected"),
    [
        ({}, 500, False, 100),
        ({}, 50, False, 50),  # never more than there are accounts
        ({}, 500, True, 11),  # strict: failure tolerance 10 + 1
        ({"failure_tolerance_count": 0}, 500, True, 1),  # the stalled rollout of issue 10
        ({"max_concurrent_percentage": 25}, 50, False, 12),  # 12.5 rounds down
        ({"max_concurrent_percentage": 1}, 50, False, 1),  # 0.5 rounds down, but at least 1
        ({"failure_tolerance_percentage": 10}, 50, True, 6),  # 5 tolerated + 1
    ],
)
def test_accounts_at_a_time_follow_the_concurrency_mode(preferences, accounts, strict, expected):
    settings = OperationPreferencesConfig(**preferences)
    assert concurrent_accounts(settings, accounts, strict=strict) == expected


def test_a_region_takes_waves_times_the_stack_time():
    operation = Operation(accounts=500, regions=17, concurrent_accounts=100, regions_at_once=1)
    assert operation.waves_per_region == 5
    assert operation.region_minutes == 15
    assert operation.minutes == 17 * 15
    parallel = Operation(accounts=500, regions=17, concurrent_accounts=100, regions_at_once=17)
    assert parallel.minutes == 15
    assert parallel.concurrent_stack_instances == 1_700 < CONCURRENT_STACK_INSTANCE_OPERATIONS_QUOTA


def test_stack_instances_run_region_after_region_and_updates_as_configured():
    config = load_config(THREE_REGIONS_CONFIG)  # 3 regions, SEQUENTIAL, 25 %, 10 % tolerated
    rollout, update = instance_operation(config, 50), template_update(config, 50)
    assert (rollout.concurrent_accounts, rollout.regions_at_once, rollout.minutes) == (12, 1, 45)
    assert (update.concurrent_accounts, update.regions_at_once, update.minutes) == (6, 1, 81)
    parallel = template_update(load_config(DEFAULT_CONFIG), 500)
    assert (parallel.regions_at_once, parallel.minutes) == (2, 46 * 3)


def test_timeouts_are_twice_the_estimate_and_never_below_the_provider_default():
    short = Operation(accounts=5, regions=1, concurrent_accounts=5, regions_at_once=1)
    assert timeout(short) == "30m"
    long = Operation(accounts=500, regions=17, concurrent_accounts=100, regions_at_once=1)
    assert timeout(long) == "510m"


def test_table_covers_50_500_and_5000_accounts(capsys):
    assert rollout_model.main(["--config", str(DEFAULT_CONFIG)]) == 0
    table = capsys.readouterr().out
    assert "| 500 | 1,000 | 30 min (100 at a time, 5 waves per region) " in table
    assert "| 2 h 18 min (11 at a time, 46 waves per region) | 100 |" in table
    assert "| 5,000 | 10,000 | 5 h 00 min " in table
    assert "| 50 | 100 | 6 min (50 at a time, 1 wave per region) " in table
    assert "60m per stack instance, 276m per template update." in table


def test_a_bad_config_exits_2_with_the_message(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("organization_id: nope\n")
    assert rollout_model.main(["--config", str(bad)]) == 2
    assert "organization_id" in capsys.readouterr().err
