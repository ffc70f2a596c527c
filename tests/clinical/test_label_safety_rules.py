"""The label rules of issue 16: occlusion, other topicals on the same skin, the EU
contraindications and cautions, and tuberculosis screening under the US label."""

from __future__ import annotations

import pytest

from repigment.clinical.errors import ClinicalInputError
from repigment.clinical.label import EXCIPIENTS, LabelInput, Level, check_label
from tests.clinical.test_label import plan


def levels(jurisdiction: str, rule: str, **changes: object) -> list[Level]:
    result = check_label(plan(jurisdiction, **changes))
    return [finding.level for finding in result.findings if finding.rule == rule]


def reasons(jurisdiction: str, rule: str, **changes: object) -> list[str]:
    result = check_label(plan(jurisdiction, **changes))
    return [finding.reason for finding in result.findings if finding.rule == rule]


@pytest.mark.parametrize(
    ("jurisdiction", "level"), [("FDA", Level.OUTSIDE_LABEL), ("EMA", Level.CAUTION)]
)
def test_an_occlusive_dressing_is_against_the_us_label_and_a_caution_under_the_eu_one(
    jurisdiction: str, level: Level
) -> None:
    rule = f"{jurisdiction.lower()}.occlusion"
    assert levels(jurisdiction, rule, occlusive_dressing=True) == [level]
    assert levels(jurisdiction, rule) == [Level.OK]
    assert "occlusive" in reasons(jurisdiction, rule, occlusive_dressing=True)[0]


def test_topical_tacrolimus_under_the_eu_label_asks_where_it_is_applied() -> None:
    meds = ("Protopic",)
    assert levels("EMA", "ema.other_topicals", co_medications=meds) == [Level.CAUTION]
    assert "where it is applied" in reasons("EMA", "ema.other_topicals", co_medications=meds)[0]
    same = {"co_medications": meds, "co_medication_sites": {"protopic": "same_skin"}}
    assert levels("EMA", "ema.other_topicals", **same) == [Level.CAUTION]
    assert "does not recommend" in reasons("EMA", "ema.other_topicals", **same)[0]
    elsewhere = {"co_medications": meds, "co_medication_sites": {"Protopic": "other_skin"}}
    assert levels("EMA", "ema.other_topicals", **elsewhere) == [Level.OK]
    assert check_label(plan("EMA", **elsewhere)).overall is Level.OK


def test_topical_tacrolimus_is_not_in_the_us_limitation_of_use() -> None:
    result = check_label(plan("FDA", co_medications=("topical tacrolimus",)))
    assert result.overall is Level.OK
    assert not [f for f in result.findings if f.rule.startswith("ema.")]


def test_the_eu_check_always_gives_the_two_hour_advice_and_the_us_check_does_not() -> None:
    (advice,) = reasons("EMA", "ema.two_hours")
    assert "at least 2 hours after the cream" in advice
    assert levels("EMA", "ema.two_hours") == [Level.OK]
    assert levels("FDA", "ema.two_hours") == []


def test_a_systemic_medicine_is_not_asked_where_it_is_applied() -> None:
    assert levels("EMA", "ema.other_topicals", co_medications=("Rinvoq",)) == []


def test_hypersensitivity_is_an_eu_contraindication_naming_the_excipients() -> None:
    assert levels("EMA", "ema.hypersensitivity", hypersensitivity=True) == [Level.OUTSIDE_LABEL]
    (reason,) = reasons("EMA", "ema.hypersensitivity", hypersensitivity=True)
    assert all(excipient in reason for excipient in EXCIPIENTS)
    assert "propylene glycol" in reason
    assert levels("EMA", "ema.hypersensitivity") == [Level.OK]


def test_end_stage_renal_disease_is_outside_the_eu_label() -> None:
    assert levels("EMA", "ema.renal", end_stage_renal_disease=True) == [Level.OUTSIDE_LABEL]
    assert levels("EMA", "ema.renal") == [Level.OK]


def test_a_woman_who_could_become_pregnant_gets_the_four_week_contraception_caution() -> None:
    assert levels("EMA", "ema.contraception", childbearing_potential=True) == [Level.CAUTION]
    (reason,) = reasons("EMA", "ema.contraception", childbearing_potential=True)
    assert "4 weeks" in reason
    assert levels("EMA", "ema.contraception") == []


def test_without_a_tb_screening_the_us_label_gives_a_caution() -> None:
    assert levels("FDA", "fda.tb_screening", tb_screening_recorded=False) == [Level.CAUTION]
    (reason,) = reasons("FDA", "fda.tb_screening", tb_screening_recorded=False)
    assert "latent and active tuberculosis" in reason
    assert levels("FDA", "fda.tb_screening", tb_screening_recorded=True) == [Level.OK]
    assert levels("FDA", "fda.tb_screening") == []  # not known to the caller: no finding
    assert levels("EMA", "fda.tb_screening", tb_screening_recorded=False) == []


def test_the_new_fields_are_optional_and_checked_in_json_input() -> None:
    base = {
        "jurisdiction": "EMA",
        "age_years": 30,
        "vitiligo_type": "non-segmental",
        "facial_involvement": True,
        "treated_bsa_percent": "5",
        "pregnant": False,
        "breastfeeding": False,
        "active_serious_infection": False,
        "co_medications": ["Elidel"],
    }
    assert LabelInput.from_mapping(base).co_medication_sites == {}
    given = LabelInput.from_mapping(
        {**base, "co_medication_sites": {"Elidel": "other_skin"}, "hypersensitivity": True}
    )
    assert given.hypersensitivity is True
    with pytest.raises(ClinicalInputError) as error:
        LabelInput.from_mapping({**base, "co_medication_sites": {"Elidel": "arm"}})
    assert error.value.field == "co_medication_sites"
    with pytest.raises(ClinicalInputError):
        LabelInput.from_mapping({**base, "end_stage_renal_disease": "maybe"})
