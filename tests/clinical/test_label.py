"""Label rules for the US prescribing information (FDA) and the EU SmPC (EMA)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from repigment.clinical.errors import ClinicalInputError
from repigment.clinical.label import RULES, LabelInput, LabelResult, Level, check_label
from repigment.clinical.references import REFERENCES

D = Decimal


def plan(jurisdiction: str = "FDA", **changes: Any) -> LabelInput:
    """A plan that is within both labels; each test changes one thing."""
    base = LabelInput(
        jurisdiction=jurisdiction,
        age_years=34,
        vitiligo_type="non-segmental",
        facial_involvement=True,
        treated_bsa_percent=D("6"),
        pregnant=False,
        breastfeeding=False,
        active_serious_infection=False,
        co_medications=(),
        grams_per_week=D("30"),
    )
    return replace(base, **changes)


def level_of(result: LabelResult, rule: str) -> Level:
    levels = {finding.level for finding in result.findings if finding.rule == rule}
    assert len(levels) == 1, f"expected one level for {rule}, got {levels}"
    return levels.pop()


BOTH = pytest.mark.parametrize("jurisdiction", ["FDA", "EMA"])


@BOTH
def test_a_typical_plan_is_within_the_label(jurisdiction: str) -> None:
    result = check_label(plan(jurisdiction))
    assert result.overall is Level.OK
    assert all(finding.level is Level.OK for finding in result.findings)


@BOTH
def test_age_12_is_within_the_label_and_11_is_not(jurisdiction: str) -> None:
    prefix = jurisdiction.lower()
    assert level_of(check_label(plan(jurisdiction, age_years=12)), f"{prefix}.age") is Level.OK
    result = check_label(plan(jurisdiction, age_years=11))
    assert level_of(result, f"{prefix}.age") is Level.OUTSIDE_LABEL
    assert result.overall is Level.OUTSIDE_LABEL


@BOTH
def test_exactly_10_percent_bsa_is_within_the_label_and_more_is_not(jurisdiction: str) -> None:
    prefix = jurisdiction.lower()
    at_limit = check_label(plan(jurisdiction, treated_bsa_percent=D("10")))
    assert level_of(at_limit, f"{prefix}.bsa") is Level.OK
    over = check_label(plan(jurisdiction, treated_bsa_percent=D("10.01")))
    assert level_of(over, f"{prefix}.bsa") is Level.OUTSIDE_LABEL


@BOTH
@pytest.mark.parametrize("kind", ["segmental", "mixed", "unclassified"])
def test_only_non_segmental_vitiligo_is_the_labelled_indication(
    jurisdiction: str, kind: str
) -> None:
    result = check_label(plan(jurisdiction, vitiligo_type=kind))
    assert level_of(result, f"{jurisdiction.lower()}.indication") is Level.OUTSIDE_LABEL


def test_the_eu_label_requires_facial_involvement_and_the_us_label_does_not() -> None:
    eu = check_label(plan("EMA", facial_involvement=False))
    assert level_of(eu, "ema.facial_involvement") is Level.OUTSIDE_LABEL
    assert eu.overall is Level.OUTSIDE_LABEL
    assert check_label(plan("FDA", facial_involvement=False)).overall is Level.OK


def test_pregnancy_is_a_caution_in_the_us_and_a_contraindication_in_the_eu() -> None:
    assert level_of(check_label(plan("FDA", pregnant=True)), "fda.pregnancy") is Level.CAUTION
    eu = check_label(plan("EMA", pregnant=True))
    assert level_of(eu, "ema.pregnancy") is Level.OUTSIDE_LABEL
    assert "contraindicated" in next(f.reason for f in eu.findings if f.rule == "ema.pregnancy")


@BOTH
def test_breastfeeding_is_outside_the_label(jurisdiction: str) -> None:
    result = check_label(plan(jurisdiction, breastfeeding=True))
    assert level_of(result, f"{jurisdiction.lower()}.breastfeeding") is Level.OUTSIDE_LABEL


def test_active_serious_infection_is_outside_the_us_label_and_a_caution_for_the_eu() -> None:
    us = check_label(plan("FDA", active_serious_infection=True))
    assert level_of(us, "fda.infection") is Level.OUTSIDE_LABEL
    eu = check_label(plan("EMA", active_serious_infection=True))
    assert level_of(eu, "ema.infection") is Level.CAUTION


LIMITED = [
    "azathioprine",
    "ciclosporin",
    "cyclosporine",
    "methotrexate",
    "mycophenolate",
    "tacrolimus systemic",
    "tofacitinib",
    "baricitinib",
    "upadacitinib",
    "abrocitinib",
    "ritlecitinib",
    "dupilumab",
    "tralokinumab",
    "adalimumab",
    "infliximab",
    "etanercept",
    "ustekinumab",
    "secukinumab",
]


@pytest.mark.parametrize("name", LIMITED)
def test_each_named_co_medication_is_matched_case_insensitively(name: str) -> None:
    us = check_label(plan("FDA", co_medications=(name.upper(),)))
    assert level_of(us, "fda.co_medication") is Level.OUTSIDE_LABEL
    eu = check_label(plan("EMA", co_medications=(name.title(),)))
    assert level_of(eu, "ema.co_medication") is Level.CAUTION


@pytest.mark.parametrize(
    ("name", "level"),
    [
        ("Tacrolimus (systemic)", Level.OUTSIDE_LABEL),
        ("  JAK inhibitor ", Level.OUTSIDE_LABEL),
        ("biologic", Level.OUTSIDE_LABEL),
        ("topical tacrolimus", Level.OK),
        ("tacrolimus", Level.CAUTION),
    ],
)
def test_co_medication_forms_and_classes(name: str, level: Level) -> None:
    assert level_of(check_label(plan("FDA", co_medications=(name,))), "fda.co_medication") is level


def test_an_unknown_co_medication_is_a_caution_saying_it_was_not_assessed() -> None:
    result = check_label(plan("FDA", co_medications=("hydroquinone", "dupilumab")))
    found = [f for f in result.findings if f.rule == "fda.co_medication"]
    reasons = {f.reason.split(":")[0].split(" (")[0]: f for f in found}
    assert reasons["hydroquinone"].level is Level.CAUTION
    assert "not assessed" in reasons["hydroquinone"].reason
    assert reasons["dupilumab"].level is Level.OUTSIDE_LABEL
    assert "therapeutic biologic, ATC D11AH05" in reasons["dupilumab"].reason
    assert result.overall is Level.OUTSIDE_LABEL


@pytest.mark.parametrize(
    ("grams", "tube", "level"),
    [
        # one 100 g tube per 2 weeks = 50 g a week; one 60 g tube a week = 60 g a week
        ("50", None, Level.OK),
        ("50.01", None, Level.CAUTION),  # within the label only as 60 g tubes
        ("60", None, Level.CAUTION),
        ("60.01", None, Level.OUTSIDE_LABEL),
        ("60", 60, Level.OK),
        ("60.01", 60, Level.OUTSIDE_LABEL),
        ("50", 100, Level.OK),
        ("50.01", 100, Level.OUTSIDE_LABEL),
    ],
)
def test_the_us_weekly_quantity_limit(grams: str, tube: int | None, level: Level) -> None:
    result = check_label(plan("FDA", grams_per_week=D(grams), tube_grams=tube))
    assert level_of(result, "fda.quantity") is level


@pytest.mark.parametrize(
    ("grams", "level"),
    [
        # 200 g in a 31-day month: grams a week x 31 <= 1400
        ("45.16", Level.OK),  # 45.16 x 31 = 1399.96
        ("45.17", Level.OUTSIDE_LABEL),  # 45.17 x 31 = 1400.27
    ],
)
def test_the_eu_monthly_quantity_limit(grams: str, level: Level) -> None:
    result = check_label(plan("EMA", grams_per_week=D(grams)))
    assert level_of(result, "ema.quantity") is level


@BOTH
def test_no_planned_quantity_gives_no_quantity_finding(jurisdiction: str) -> None:
    result = check_label(plan(jurisdiction, grams_per_week=None))
    assert not [f for f in result.findings if f.rule.endswith(".quantity")]


def test_the_overall_level_is_the_worst_finding() -> None:
    result = check_label(plan("FDA", pregnant=True, treated_bsa_percent=D("12")))
    assert result.overall is Level.OUTSIDE_LABEL
    caution_only = check_label(plan("FDA", pregnant=True))
    assert caution_only.overall is Level.CAUTION


def test_levels_are_ordered_by_severity() -> None:
    assert Level.OK < Level.CAUTION < Level.OUTSIDE_LABEL
    assert max([Level.CAUTION, Level.OUTSIDE_LABEL, Level.OK]) is Level.OUTSIDE_LABEL
    assert Level.OUTSIDE_LABEL.value == "outside_label"


def test_every_rule_is_reachable_and_every_finding_cites_its_rules_reference() -> None:
    seen: set[str] = set()
    for jurisdiction in ("FDA", "EMA"):
        for changes in (
            {},
            {"age_years": 5, "vitiligo_type": "mixed", "facial_involvement": False},
            {"pregnant": True, "breastfeeding": True, "active_serious_infection": True},
            {"co_medications": ("baricitinib", "unknownumab"), "treated_bsa_percent": D(50)},
            {"co_medications": ("Elidel",), "childbearing_potential": True},
            {"tb_screening_recorded": False, "occlusive_dressing": True},
        ):
            for finding in check_label(plan(jurisdiction, **changes)).findings:
                assert finding.reference == RULES[finding.rule].reference
                assert finding.reference in REFERENCES
                assert finding.reason.strip()
                seen.add(finding.rule)
    assert seen == set(RULES)


# --- input -----------------------------------------------------------------------------------


def example_json(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "jurisdiction": "FDA",
        "age_years": 34,
        "vitiligo_type": "non-segmental",
        "facial_involvement": True,
        "treated_bsa_percent": 6,
        "pregnant": False,
        "breastfeeding": False,
        "active_serious_infection": False,
        "co_medications": [],
        "grams_per_week": 30,
    }
    data.update(changes)
    return data


def test_from_mapping_reads_the_issue_example() -> None:
    assert LabelInput.from_mapping(example_json()) == plan("FDA")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"jurisdiction": "MHRA"}, "jurisdiction"),
        ({"age_years": 34.5}, "age_years"),
        ({"age_years": -1}, "age_years"),
        ({"age_years": True}, "age_years"),
        ({"vitiligo_type": "Non-segmental"}, "vitiligo_type"),
        ({"pregnant": "no"}, "pregnant"),
        ({"breastfeeding": 0}, "breastfeeding"),
        ({"treated_bsa_percent": 0}, "treated_bsa_percent"),
        ({"treated_bsa_percent": "six"}, "treated_bsa_percent"),
        ({"co_medications": "dupilumab"}, "co_medications"),
        ({"co_medications": [""]}, "co_medications"),
        ({"grams_per_week": -5}, "grams_per_week"),
        ({"grams_per_week": "45.16129"}, "grams_per_week"),
        ({"treated_bsa_percent": "9.999"}, "treated_bsa_percent"),
        ({"tube_grams": 30}, "tube_grams"),
        ({"pregant": True}, "pregant"),
    ],
)
def test_from_mapping_names_the_bad_field(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(ClinicalInputError) as caught:
        LabelInput.from_mapping(example_json(**changes))
    assert caught.value.field == field


@pytest.mark.parametrize("missing", ["pregnant", "co_medications", "jurisdiction"])
def test_from_mapping_requires_every_safety_field(missing: str) -> None:
    data = example_json()
    del data[missing]
    with pytest.raises(ClinicalInputError, match="is required") as caught:
        LabelInput.from_mapping(data)
    assert caught.value.field == missing


def test_grams_per_week_may_be_left_out_or_null() -> None:
    data = example_json(grams_per_week=None)
    assert LabelInput.from_mapping(data).grams_per_week is None
    del data["grams_per_week"]
    assert LabelInput.from_mapping(data).grams_per_week is None


def test_whole_number_amounts_may_be_given_as_ints() -> None:
    data = plan("FDA", treated_bsa_percent=6, grams_per_week=30)
    assert data == plan("FDA")
    assert isinstance(data.treated_bsa_percent, Decimal)
