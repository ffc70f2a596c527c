"""The demo: most treated patients get a prescription through the real checks, a few outside
the label with a justification, co-medications and diaries; running it again changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from repigment.accounts import demo as accounts_demo
from repigment.patients import demo as patients_demo
from repigment.patients.models import Patient
from repigment.treatment import demo, pricing
from repigment.treatment.adherence import overall_percent, weekly_adherence
from repigment.treatment.models import CoMedication, DiaryEntry, Prescription, TubePrice

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, int, int]:
    return Prescription.objects.count(), CoMedication.objects.count(), DiaryEntry.objects.count()


def test_the_demo_prescribes_and_keeps_diaries_and_is_idempotent() -> None:
    for builder in (accounts_demo.build, patients_demo.build, demo.build):
        builder(lambda _: None)
    treated = Patient.objects.filter(treatment_start__isnull=False)
    assert Prescription.objects.filter(patient__in=treated).values(
        "patient"
    ).distinct().count() >= (treated.count() - 2)
    outside = Prescription.objects.filter(label_overall="outside_label")
    assert 2 <= outside.count() <= 5
    assert all(len(p.justification) > 20 for p in outside)
    cautions = Prescription.objects.filter(label_overall="caution")
    assert all(
        set(p.acknowledged) == {f["key"] for f in p.label_findings if f["level"] == "caution"}
        for p in cautions
    )
    assert Prescription.objects.exclude(product__subject_to_ruxolitinib_label=True).exists()
    walkthrough = Patient.objects.get(record_number="JHB-0101")
    assert walkthrough.age == 15 and not walkthrough.prescriptions.exists()
    number, weeks = patients_demo.REASSESSMENT_DUE  # the week-24 reassessment walk-through
    due = Prescription.objects.ruxolitinib().get(patient__record_number=number)
    assert (timezone.localdate() - due.start_date).days == 7 * weeks
    nomvula = Patient.objects.get(record_number="JHB-0001")
    assert 50 <= overall_percent(weekly_adherence(nomvula)) <= 100  # type: ignore[operator]
    # A 100 g demo prescription gets a cost estimate at the one verified public price.
    hundred = Prescription.objects.ruxolitinib().filter(tube_grams=100, tubes__gt=0).first()
    assert hundred is not None
    cost = pricing.cost_of(hundred)
    assert cost is not None and cost.price.url == demo.REFERENCE_PRICE["source_url"]
    assert cost.total == Decimal("1237.80") * hundred.tubes  # type: ignore[operator]
    before = counts(), TubePrice.objects.count()
    demo.build(lambda _: None)
    assert (counts(), TubePrice.objects.count()) == before
