"""The drafted motivation's "previous and current treatments" names the other treatments and
never the cream applied for (issue 18)."""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import translation

from repigment.authorisations import record
from repigment.treatment.models import CoMedication, Product
from tests.authorisations.helpers import cream_prescription, patient_ready
from tests.conftest import World
from tests.patients.helpers import TODAY


def _treatments_line(text: str) -> str:
    return next(line for line in text.splitlines() if line.startswith("Previous and current"))


def test_the_motivation_lists_other_treatments_but_not_the_cream(world: World) -> None:
    patient = patient_ready(world)
    earlier = cream_prescription(patient, TODAY() - timedelta(days=400))
    earlier.stop_date = TODAY() - timedelta(days=200)
    earlier.save()
    tacrolimus = Product.objects.get_or_create(name="Tacrolimus ointment", form="ointment")[0]
    cream_prescription(patient, TODAY() - timedelta(days=800), product=tacrolimus)
    CoMedication.objects.create(patient=patient, name="Opzelura", notes="on the hands")
    CoMedication.objects.create(patient=patient, name="Ruxolitinib 1.5 % cream")
    CoMedication.objects.create(patient=patient, name="Levothyroxine", notes="50 µg daily")
    current = cream_prescription(patient)

    line = _treatments_line(record.draft_motivation(patient, current, "South Africa", 26, 7, 100))

    assert "Tacrolimus ointment" in line and "Levothyroxine (50 µg daily)" in line
    assert "ruxolitinib" not in line.casefold() and "opzelura" not in line.casefold()


def test_with_only_the_cream_nothing_is_recorded(world: World) -> None:
    patient = patient_ready(world)
    current = cream_prescription(patient)
    line = _treatments_line(record.draft_motivation(patient, current, "South Africa", 26, 7, 100))
    assert line == "Previous and current treatments: none recorded in Repigment."


def test_the_cream_typed_in_another_language_is_left_out_but_tablets_are_named(
    world: World,
) -> None:
    patient = patient_ready(world)
    CoMedication.objects.create(patient=patient, name="Ruxolitinib crème 1,5 %")
    CoMedication.objects.create(patient=patient, name="ruxolitinib topical")
    CoMedication.objects.create(patient=patient, name="Ruxolitinib tablets (Jakavi)")
    current = cream_prescription(patient)
    line = _treatments_line(record.draft_motivation(patient, current, "South Africa", 26, 7, 100))
    assert line == "Previous and current treatments: Ruxolitinib tablets (Jakavi)."


def test_the_motivation_writes_days_in_english_words_whatever_the_page_language(
    world: World,
) -> None:
    """It goes to the regulator in English: "4 December 2026", never ISO, never French months."""
    patient = patient_ready(world)
    tacrolimus = Product.objects.get_or_create(name="Tacrolimus ointment", form="ointment")[0]
    started = TODAY() - timedelta(days=800)
    cream_prescription(patient, started, product=tacrolimus)
    current = cream_prescription(patient)
    with translation.override("fr"):
        text = record.draft_motivation(patient, current, "South Africa", 26, 7, 100)
    born = patient.date_of_birth
    assert f"born {born.day} {born:%B} {born.year}," in text
    assert f"from {started.day} {started:%B} {started.year}" in _treatments_line(text)
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)
