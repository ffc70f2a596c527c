"""Reminders that follow a patient's course of ruxolitinib cream: the week-24 reassessment
and the EU label's week-52 check.

The course starts with the first ruxolitinib-label prescription (or, without one, the
treatment start recorded on the patient) and has stopped when every such prescription has.

Reports owed to the regulator (Section 21 progress and final reports) are NOT worked out
here: they follow the authorised use, and the authorisations app keeps them as report tasks
(``repigment.authorisations.reporting.owed``, the one rule), which its reminder source turns
into reminders. This source used to count them from the first prescription for every South
African patient, which listed reports for courses never authorised and disagreed with the
pipeline; its two kinds stay registered only so that reminders stored under them close.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import islice

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from repigment.accounts.models import Role
from repigment.assessments.models import Visit
from repigment.patients.models import Patient
from repigment.reminders.engine import chunk_size
from repigment.reminders.registry import Due, Kind, Urgency, url_with_pk
from repigment.treatment.models import Jurisdiction, Prescription

REASSESSMENT_WEEK = 24
EMA_CHECK_WEEK = 52
#: A visit this close before a reassessment's due day counts as that reassessment.
VISIT_WINDOW_DAYS = 28

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
    # Retired (see the module's docstring): kept so open reminders of these kinds are closed.
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


#: A cream prescription as a course reads it: start, stop and label (no model instance).
Cream = tuple[date, date | None, str]
CREAM_COLUMNS = ("start_date", "stop_date", "jurisdiction")


def courses(visits: bool = True) -> Iterator[CourseOfCream]:
    """Every course of the cream, a chunk of patients at a time (in id order): their cream
    prescriptions and visit days read as plain values, one query each per chunk. Without
    ``visits``, the visit days are left empty and not read (for a walk that needs none)."""
    cream = Prescription.objects.ruxolitinib().order_by("start_date", "pk")
    patients = (
        Patient.objects.filter(
            Q(Exists(cream.filter(patient=OuterRef("pk")))) | Q(treatment_start__isnull=False)
        )
        .select_related("clinic")
        .only("clinic", "treatment_start")  # all a course reads (and a reminder stores)
        .order_by("pk")
    )
    found = patients.iterator(chunk_size=chunk_size())
    while chunk := list(islice(found, chunk_size())):
        ids = [patient.pk for patient in chunk]
        prescribed: dict[int, list[Cream]] = defaultdict(list)
        for patient_id, *row in cream.filter(patient_id__in=ids).values_list(
            "patient_id", *CREAM_COLUMNS
        ):
            prescribed[patient_id].append(tuple(row))  # type: ignore[arg-type]
        days: dict[int, list[date]] = defaultdict(list)
        seen = Visit.objects.filter(patient_id__in=ids) if visits else Visit.objects.none()
        for patient_id, day in seen.order_by("visit_date").values_list("patient_id", "visit_date"):
            days[patient_id].append(day)
        for patient in chunk:
            yield _course(patient, prescribed[patient.pk], days[patient.pk])


def course_of(patient: Patient) -> CourseOfCream | None:
    """One patient's course of the cream, read as ``courses`` reads every course; None
    before any cream is prescribed or a treatment start recorded."""
    prescribed = list(
        Prescription.objects.ruxolitinib()
        .filter(patient=patient)
        .order_by("start_date", "pk")
        .values_list(*CREAM_COLUMNS)
    )
    if not prescribed and patient.treatment_start is None:
        return None
    days = list(patient.visits.order_by("visit_date").values_list("visit_date", flat=True))
    return _course(patient, prescribed, days)


def next_review(patient: Patient) -> date | None:
    """The day of the patient's next follow-up the course asks for (the week-24
    reassessment, under the EU label the week-52 check), by the same rule as the
    prescriber's reminders; None when none is owed. It may lie in the past when missed."""
    course = course_of(patient)
    if course is None:
        return None
    return min((due.due_on for due in reviews(course)), default=None)


def _course(patient: Patient, cream: list[Cream], visit_days: list[date]) -> CourseOfCream:
    start = cream[0][0] if cream else patient.treatment_start
    assert start is not None
    stops = [stop for _, stop, _ in cream]
    stopped = max(stops) if cream and None not in stops else None  # type: ignore[type-var]
    label = (cream[-1][2] if cream else "") or patient.clinic.label_jurisdiction
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
        url=url_with_pk("patients:detail", course.patient.pk),
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


class CourseReminders:
    kinds = KINDS

    def due(self, today: date) -> Iterator[Due]:
        for course in courses():
            yield from reviews(course)


SOURCE = CourseReminders()
