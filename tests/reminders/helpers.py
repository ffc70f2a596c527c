"""Builders for reminder tests."""

from __future__ import annotations

from datetime import date, timedelta

from repigment.patients.models import Patient
from repigment.treatment.models import (
    LatentTbTreatment,
    SkinExam,
    SkinFinding,
    TbResult,
    TbScreening,
    TbTest,
)


def monitored(patient: Patient, start: date, next_skin_exam: date | None = None) -> None:
    """A negative TB screening before ``start`` and a skin check on it (next one years away)."""
    TbScreening.objects.create(
        patient=patient,
        test=TbTest.IGRA,
        tested_on=start - timedelta(days=7),
        result=TbResult.NEGATIVE,
        latent_treatment=LatentTbTreatment.NOT_NEEDED,
    )
    SkinExam.objects.create(
        patient=patient,
        examined_on=start,
        finding=SkinFinding.NOTHING,
        next_due=next_skin_exam or start + timedelta(weeks=52 * 5),
    )
