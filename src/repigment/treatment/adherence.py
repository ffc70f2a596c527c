"""Adherence by treatment week, from the patient's diary: applications recorded / expected.

Week 1 is the first seven days from the course start (the patient's treatment start, else
the first ruxolitinib prescription's start), so week numbers line up with the visit weeks
of the course chart. A day counts as expected (two applications) while a ruxolitinib
prescription runs on it and it is over (today counts once the patient has recorded it); a
day without a diary entry counts as expected and not recorded, and the number of days
recorded is shown beside the percentage.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from repigment.patients.models import Patient
from repigment.treatment.models import Prescription
from repigment.treatment.services import today

APPLICATIONS_PER_DAY = 2


@dataclass(frozen=True)
class AdherenceWeek:
    week: int
    first_day: date
    last_day: date
    expected_days: int
    recorded_days: int
    applications: int
    skipped_days: int
    tube_changes: int

    @property
    def expected_applications(self) -> int:
        return self.expected_days * APPLICATIONS_PER_DAY

    @property
    def percent(self) -> int | None:
        """Applications recorded as a whole percentage of those expected (None: none expected)."""
        if not self.expected_applications:
            return None
        return round(100 * self.applications / self.expected_applications)


def course_origin(patient: Patient) -> date | None:
    if patient.treatment_start is not None:
        return patient.treatment_start
    return (
        Prescription.objects.ruxolitinib()
        .filter(patient=patient)
        .order_by("start_date")
        .values_list("start_date", flat=True)
        .first()
    )


def _treated_days(patient: Patient, last: date) -> set[date]:
    days: set[date] = set()
    for start, stop in (
        Prescription.objects.ruxolitinib()
        .filter(patient=patient, start_date__lte=last)
        .values_list("start_date", "stop_date")
    ):
        end = min(stop or last, last)
        days.update(start + timedelta(days=n) for n in range((end - start).days + 1))
    return days


def weekly_adherence(patient: Patient, until: date | None = None) -> list[AdherenceWeek]:
    """One row per treatment week from the course start to ``until`` (today by default)."""
    origin = course_origin(patient)
    last = until or today()
    if origin is None or origin > last:
        return []
    treated = _treated_days(patient, last)
    entries = {e.day: e for e in patient.diary_entries.filter(day__gte=origin, day__lte=last)}
    weeks = []
    for index in range((last - origin).days // 7 + 1):
        first = origin + timedelta(weeks=index)
        days = [first + timedelta(days=n) for n in range(7) if first + timedelta(days=n) <= last]
        # The day is not over yet: today counts only once the patient has recorded it.
        expected = [d for d in days if d in treated and (d < last or d in entries)]
        recorded = [entries[d] for d in days if d in entries]
        weeks.append(
            AdherenceWeek(
                week=index + 1,
                first_day=first,
                last_day=days[-1],
                expected_days=len(expected),
                recorded_days=len(recorded),
                applications=sum(entries[d].applications for d in expected if d in entries),
                skipped_days=sum(1 for e in recorded if e.skipped),
                tube_changes=sum(1 for e in recorded if e.tube_changed),
            )
        )
    return weeks


def overall_percent(weeks: list[AdherenceWeek]) -> int | None:
    expected = sum(w.expected_applications for w in weeks)
    return round(100 * sum(w.applications for w in weeks) / expected) if expected else None
