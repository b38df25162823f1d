"""docs/configuration.md is what config/reference.py renders from the models, word for word."""

from __future__ import annotations

import pytest
from pydantic import Field

from config import reference
from config.models import DeliveryConfig, StrictModel


def test_the_committed_reference_matches_the_models():
    committed = reference.REFERENCE.read_text(encoding="utf-8")
    assert committed == reference.render(), "docs/configuration.md is out of date: run `make docs`"


def test_every_setting_of_the_models_has_a_row():
    text = reference.render()
    for model, _ in reference._models_in_reading_order(reference.SessionLogsConfig):
        for name in model.model_fields:
            assert f"| `{name}` |" in text


def test_a_changed_description_makes_the_check_fail(monkeypatch, tmp_path):
    field = DeliveryConfig.model_fields["buffering_size_mib"]
    monkeypatch.setattr(field, "description", "a description the file does not have")
    monkeypatch.setattr(reference, "REFERENCE", tmp_path / "configuration.md")
    reference.REFERENCE.write_text(
        (reference.PROJECT_ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    )
    assert reference.main(["--check"]) == 1


def test_a_setting_without_a_description_is_refused():
    class Undocumented(StrictModel):
        documented: int = Field(1, description="has one")
        undocumented: int = 2

    with pytest.raises(ValueError, match=r"Undocumented\.undocumented has no description"):
        reference._section(Undocumented, ["undocumented_section"])
