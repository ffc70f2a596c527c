"""Builders for treatment tests: a patient ready to prescribe for, and a prescription form."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from repigment.patients.models import Activity, ConsentPurpose, Diagnosis, Patient
from repigment.treatment.models import (
    LatentTbTreatment,
    Product,
    ProductFact,
    TbResult,
    TbScreening,
    TbTest,
)
from repigment.treatment.products import ensure_starting_products
from tests.conftest import World
from tests.patients.helpers import TODAY, consent


def ruxolitinib() -> Product:
    """The cream (re-created if a transactional test flushed the migration's rows)."""
    ensure_starting_products(Product, ProductFact)
    return Product.objects.get(subject_to_ruxolitinib_label=True)


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def ready(
    world: World,
    *,
    age: int = 15,
    vitiligo_type: str = "non_segmental",
    face: bool = True,
    consents: tuple[str, ...] = (ConsentPurpose.TREATMENT,),
    tb_screened: bool = True,
) -> Patient:
    """The world's patient, aged ``age`` today, with a consent, a diagnosis and (unless told
    otherwise) a negative TB screening, so that the US label's TB caution stays out of the way."""
    ruxolitinib()
    patient = world.patient
    today = TODAY()
    patient.date_of_birth = years_before(today, age) - timedelta(days=30)
    patient.save()
    assert patient.age_on(today) == age
    if consents:
        consent(patient, *consents)
    Diagnosis.objects.create(
        patient=patient,
        vitiligo_type=vitiligo_type,
        onset_year=today.year - 2,
        activity=Activity.STABLE,
        facial_involvement=face,
    )
    if tb_screened:
        TbScreening.objects.create(
            patient=patient,
            test=TbTest.IGRA,
            tested_on=today - timedelta(days=7),
            result=TbResult.NEGATIVE,
            latent_treatment=LatentTbTreatment.NOT_NEEDED,
        )
    return patient


def form(**changes: Any) -> dict[str, Any]:
    """A prescription form of 8 % BSA (2 % face, 6 % trunk), 24 weeks, 100 g tubes, EMA."""
    data = {
        "product": ruxolitinib().pk,
        "area_face": "2",
        "area_trunk": "6",
        "frequency": "twice_daily",
        "start_date": TODAY().isoformat(),
        "planned_weeks": "24",
        "tube_grams": "100",
        "jurisdiction": "EMA",
        "pregnant": "no",
        "breastfeeding": "no",
        "active_serious_infection": "no",
        "warnings_reviewed": "on",
        "action": "save",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}
