"""The medicine vocabulary: every JAK inhibitor, biologic and immunosuppressant by brand and
generic name, with ATC codes and sources; unknown names stay 'not assessed'."""

from __future__ import annotations

import copy

import pytest

from repigment.clinical.label import Level, check_label
from repigment.clinical.medicines import (
    ATC_PATTERN,
    MedicineClass,
    VocabularyError,
    parse_vocabulary,
    vocabulary,
)
from repigment.clinical.references import REFERENCES
from tests.clinical.test_label import plan

JAK_INHIBITORS_NAMED_BY_THE_ISSUE = [
    "fedratinib",
    "pacritinib",
    "momelotinib",
    "ritlecitinib",
    "abrocitinib",
    "deuruxolitinib",
    "tofacitinib",
    "baricitinib",
    "upadacitinib",
]


@pytest.mark.parametrize("name", JAK_INHIBITORS_NAMED_BY_THE_ISSUE)
def test_every_jak_inhibitor_is_known(name: str) -> None:
    assert vocabulary().class_of(name) is MedicineClass.JAK_INHIBITOR


@pytest.mark.parametrize(
    ("brand", "generic"),
    [
        ("Rinvoq", "upadacitinib"),
        ("XELJANZ", "tofacitinib"),
        ("Inrebic", "fedratinib"),
        ("Vonjo", "pacritinib"),
        ("Ojjaara", "momelotinib"),
        ("Litfulo", "ritlecitinib"),
        ("Cibinqo", "abrocitinib"),
        ("Leqselvi", "deuruxolitinib"),
        ("Jakavi", "ruxolitinib oral"),
        ("Humira", "adalimumab"),
        ("Dupixent", "dupilumab"),
        ("Neoral", "ciclosporin"),
        ("Imuran", "azathioprine"),
        ("Protopic", "tacrolimus topical"),
    ],
)
def test_a_brand_name_finds_its_generic(brand: str, generic: str) -> None:
    medicine = vocabulary().lookup(brand)
    assert medicine is not None and medicine.generic == generic


@pytest.mark.parametrize("brand", ["Rinvoq", "Inrebic", "Humira", "Imuran"])
def test_a_limited_brand_is_outside_the_us_label_and_a_caution_under_the_eu_one(
    brand: str,
) -> None:
    us = check_label(plan("FDA", co_medications=(brand,)))
    assert [f.level for f in us.findings if f.rule == "fda.co_medication"] == [Level.OUTSIDE_LABEL]
    eu = check_label(plan("EMA", co_medications=(brand,)))
    assert [f.level for f in eu.findings if f.rule == "ema.co_medication"] == [Level.CAUTION]


def test_an_unknown_name_stays_not_assessed() -> None:
    result = check_label(plan("FDA", co_medications=("Zzyzxumab",)))
    (finding,) = [f for f in result.findings if f.rule == "fda.co_medication"]
    assert finding.level is Level.CAUTION and "not assessed" in finding.reason


def test_every_code_is_an_atc_code_or_left_open_and_the_sources_exist() -> None:
    words = vocabulary()
    for medicine in words.medicines:
        assert medicine.atc is None or ATC_PATTERN.fullmatch(medicine.atc), medicine
    unconfirmed = [m.generic for m in words.medicines if m.atc is None]
    assert unconfirmed == ["deuruxolitinib"]  # code not confirmed: shown without one
    for ref_ids in words.sources.values():
        assert ref_ids and all(ref_id in REFERENCES for ref_id in ref_ids)
    assert set(words.sources) == {"classes", "atc", "topical"}


def test_two_medicines_cannot_share_a_name() -> None:
    raw = {
        "sources": {},
        "class_words": {},
        "ambiguous": {},
        "medicines": [
            {"generic": "a", "atc": None, "class": "jak_inhibitor", "route": "systemic"},
            {"generic": "b", "atc": None, "class": "jak_inhibitor", "route": "systemic"},
        ],
    }
    parse_vocabulary(raw)
    clash = copy.deepcopy(raw)
    clash["medicines"][1]["brands"] = ["A"]
    with pytest.raises(VocabularyError, match="names both"):
        parse_vocabulary(clash)
    bad_code = copy.deepcopy(raw)
    bad_code["medicines"][0]["atc"] = "L4"
    with pytest.raises(VocabularyError, match="ATC"):
        parse_vocabulary(bad_code)
