"""The verification's table and JSON, from results made by hand."""

from __future__ import annotations

import json

from tools.verify.report import WARN_LINES, document, table, write_json
from tools.verify.result import FAIL, OK, WARN, CheckResult


def results(warnings: int) -> dict:
    quiet = CheckResult(WARN, "no transcripts")
    fine = CheckResult(OK, "CURRENT SUCCEEDED")
    pairs = {
        (f"{n:012d}", "eu-west-1"): {"stack_instance": fine, "transcripts": quiet}
        for n in range(warnings)
    }
    pairs["999999999999", "us-east-1"] = {
        "stack_instance": CheckResult(FAIL, "missing: no stack instance"),
        "transcripts": quiet,
    }
    return pairs


def test_failures_lead_and_past_the_cap_warnings_are_counted():
    lines = table(results(WARN_LINES + 10)).splitlines()
    assert lines[1].startswith("fail   999999999999 us-east-1        stack_instance")
    assert [line.split()[0] for line in lines[2 : 2 + WARN_LINES]] == ["warn"] * WARN_LINES
    assert lines[-2] == "... and 11 more warnings (--json lists them all)"
    assert (
        lines[-1] == f"{WARN_LINES + 11} account-region pairs: 1 fail, {WARN_LINES + 10} warn, 0 ok"
    )


def test_a_pair_takes_the_status_of_its_worst_check():
    doc = document(results(1))
    assert [p["status"] for p in doc["pairs"]] == ["warn", "fail"]
    assert doc["summary"] == {"pairs": 2, "fail": 1, "warn": 1, "ok": 0}


def test_the_json_replaces_the_file_whole(tmp_path):
    target = tmp_path / "verify.json"
    target.write_text("earlier run")
    write_json(results(1), target)
    assert json.loads(target.read_text())["summary"]["pairs"] == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["verify.json"]
