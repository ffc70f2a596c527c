"""Reminders that follow a patient's course of ruxolitinib cream: the week-24 reassessment,
the EU label's week-52 check, and, in South Africa, the Section 21 progress reports every
six months from the start of use and the final report within 30 days after stopping.

The course starts with the first ruxolitinib-label prescription (or, without one, the
treatment start recorded on the patient) and has stopped when every such prescription has.
Once a patient's authorisation is approved, the access app keeps the report tasks (counted
from the approval), and the report reminders here stand aside for that patient.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import islice

from django.conf import settings
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from repigment.accounts.models import Role
from repigment.assessments.models import Visit
from repigment.patients.models import Patient
from repigment.reminders.engine import chunk_size, lead_days
from repigment.reminders.registry import Due, Kind, Urgency
from repigment.treatment.models import Jurisdiction, Prescription

REASSESSMENT_WEEK = 24
EMA_CHECK_WEEK = 52
#: A visit this close before a reassessment's due day counts as that reassessment.
VISIT_WINDOW_DAYS = 28
SECTION21_COUNTRY = "ZA"
PROGRESS_REPORT_MONTHS = 6
FINAL_REPORT_DAYS = 30

REASSESSMENT = "course.reassessment_week_24"
EMA_CHECK = "course.ema_check_week_52"
PROGRESS = "section21.progress_report"
FINAL = "section21.final_report"

KINDS = {
    REASSESSMENT: Kind(
        REASSESSMENT,
        _(
            "Week-24 reassessment due %(due)s: review the response (both labels note that a "
            "satisfactory response may take longer than 24 weeks)"
        ),
        ("rxreasoner-eu-smpc", "physiciansweekly-fda-approval-2022"),
        _("Time for your treatment review"),
        _(
            "You have been using the cream for about 24 weeks. Your doctor would like to see "
            "you around %(due)s to look at how your skin is responding. Please contact "
            "%(clinic)s to book a visit."
        ),
        urgency=Urgency.REVIEW,
    ),
    EMA_CHECK: Kind(
        EMA_CHECK,
        _(
            "Week-52 check due %(due)s (EU label): if the treated areas show less than 25 %% "
            "repigmentation, consider stopping"
        ),
        ("rxreasoner-eu-smpc",),
        _("Time for your one-year treatment review"),
        _(
            "You have been using the cream for about a year. Your doctor would like to see you "
            "around %(due)s to decide with you how to go on. Please contact %(clinic)s to "
            "book a visit."
        ),
        urgency=Urgency.REVIEW,
    ),
    PROGRESS: Kind(
        PROGRESS,
        _(
            "Section 21 progress report %(number)s to SAHPRA due %(due)s (every 6 months from "
            "the start of use on %(start)s)"
        ),
        ("acts-regulation-29",),
        urgency=Urgency.REPORT,
    ),
    FINAL: Kind(
        FINAL,
        _(
            "Section 21 final report to SAHPRA due %(due)s (within 30 days after use stopped "
            "on %(stopped)s)"
        ),
        ("acts-regulation-29",),
        urgency=Urgency.REPORT,
    ),
}


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class CourseOfCream:
    patient: Patient
    start: date
    stopped_on: date | None
    jurisdiction: str
    visit_days: list[date]

    def week(self, number: int) -> date:
        return self.start + timedelta(weeks=number)

    def seen_near(self, day: date) -> bool:
        return any(visit >= day - timedelta(days=VISIT_WINDOW_DAYS) for visit in self.visit_days)

    def stopped_before(self, day: date) -> bool:
        return self.stopped_on is not None and self.stopped_on < day


def courses() -> Iterator[CourseOfCream]:
    """Every course of the cream, a chunk of patients at a time: their prescriptions
    prefetched, their visit days read as plain values (no visit objects built)."""
    prescriptions = Prescription.objects.ruxolitinib().order_by("start_date", "pk")
    patients = (
        Patient.objects.filter(
            Q(prescriptions__product__subject_to_ruxolitinib_label=True)
            | Q(treatment_start__isnull=False)
        )
        .distinct()
        .select_related("clinic")
        .prefetch_related(Prefetch("prescriptions", queryset=prescriptions, to_attr="cream"))
    )
    found = patients.iterator(chunk_size=chunk_size())
    while chunk := list(islice(found, chunk_size())):
        days: dict[int, list[date]] = defaultdict(list)
        seen = Visit.objects.filter(patient_id__in=[patient.pk for patient in chunk])
        for patient_id, day in seen.order_by("visit_date").values_list("patient_id", "visit_date"):
            days[patient_id].append(day)
        for patient in chunk:
            yield _course(patient, days[patient.pk])


def _course(patient: Patient, visit_days: list[date]) -> CourseOfCream:
    cream: list[Prescription] = patient.cream  # type: ignore[attr-defined]
    start = cream[0].start_date if cream else patient.treatment_start
    assert start is not None
    stops = [p.stop_date for p in cream]
    stopped = max(stops) if cream and None not in stops else None  # type: ignore[type-var]
    label = (cream[-1].jurisdiction if cream else "") or patient.clinic.label_jurisdiction
    return CourseOfCream(patient, start, stopped, label, visit_days)


def _due(course: CourseOfCream, kind: str, key: str, day: date, **params: str) -> Due:
    return Due(
        key=f"{kind}:{course.patient.pk}:{key}",
        kind=kind,
        due_on=day,
        clinic=course.patient.clinic,
        patient=course.patient,
        responsible_role=Role.PRESCRIBER,
        params=params,
        url=reverse("patients:detail", args=[course.patient.pk]),
        notify_patient=bool(KINDS[kind].patient_subject),
    )


def reviews(course: CourseOfCream) -> Iterator[Due]:
    """The week-24 reassessment and, under the EU label, the week-52 check, until a visit
    near the day records them or the course stops before it."""
    wanted = [(REASSESSMENT, REASSESSMENT_WEEK)]
    if course.jurisdiction == Jurisdiction.EMA:
        wanted.append((EMA_CHECK, EMA_CHECK_WEEK))
    for kind, week in wanted:
        day = course.week(week)
        if not course.stopped_before(day) and not course.seen_near(day):
            yield _due(course, kind, course.start.isoformat(), day)


def section21_reports(course: CourseOfCream, today: date) -> Iterator[Due]:
    """Every six-monthly progress report up to the stop (or today), then the final report."""
    if course.patient.clinic.country != SECTION21_COUNTRY:
        return
    last = course.stopped_on or today + timedelta(days=lead_days())
    start = course.start.isoformat()
    number = 1
    while (day := add_months(course.start, PROGRESS_REPORT_MONTHS * number)) <= last:
        yield _due(course, PROGRESS, f"{start}:{number}", day, number=str(number), start=start)
        number += 1
    if course.stopped_on is not None:
        day = course.stopped_on + timedelta(days=FINAL_REPORT_DAYS)
        stopped = course.stopped_on.isoformat()
        yield _due(course, FINAL, f"{start}:{stopped}", day, stopped=stopped)


def reports_tracked_elsewhere() -> set[int]:
    """Patients whose Section 21 reports another app tracks (``SECTION21_REPORTS_TRACKED_BY``:
    the access app, from their authorisations): this source stands aside for them."""
    path = getattr(settings, "SECTION21_REPORTS_TRACKED_BY", "")
    return set(import_string(path)()) if path else set()


class CourseReminders:
    kinds = KINDS

    def due(self, today: date) -> Iterator[Due]:
        tracked = reports_tracked_elsewhere()
        for course in courses():
            yield from reviews(course)
            if course.patient.pk not in tracked:
                yield from section21_reports(course, today)


SOURCE = CourseReminders()
