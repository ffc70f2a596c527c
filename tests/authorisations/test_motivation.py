"""The drafted motivation's "previous and current treatments" names the other treatments and
never the cream applied for (issue 18)."""

from __future__ import annotations

from datetime import timedelta

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
