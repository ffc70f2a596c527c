"""The regulator's reporting duties for an authorised course, as tasks with due dates.

Regulation 29: a progress report every six months counted from when use started, and a
final report within 30 days after use ends or is stopped. A course is the chain of an
application and its re-authorisations; use starts on the first approval (or the
prescription's start, if later) and ends when the prescription stops, the authorisation is
withdrawn, or it expires with no re-authorisation under way.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from repigment.accounts.models import Clinic
from repigment.authorisations.models import (
    AuthorisationApplication,
    ReportKind,
    ReportTask,
    State,
)
from repigment.reminders.models import DoneReason, Reminder

PROGRESS_MONTHS = 6
FINAL_DAYS = 30
#: The reminder kind of a report owed (the "access." prefix of reminders already sent).
REPORT_REMINDER = "access.report_due"
UNDER_WAY = frozenset({State.DRAFT, State.READY, State.SUBMITTED, State.QUERIED})
WAS_APPROVED = frozenset({State.APPROVED, State.EXPIRED, State.WITHDRAWN})


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def family(application: AuthorisationApplication) -> list[AuthorisationApplication]:
    """The first application of the chain and every re-authorisation after it, oldest first."""
    root = application.chain()[0]
    found, queue = [], [root]
    while queue:
        current = queue.pop(0)
        found.append(current)
        queue.extend(current.renewals.order_by("created", "pk"))
    return found


@dataclass(frozen=True)
class Course:
    applications: list[AuthorisationApplication]
    approved: list[AuthorisationApplication]
    start: date
    end: date | None

    def in_force_on(self, day: date) -> AuthorisationApplication:
        """The latest approved application approved on or before ``day`` (else the first)."""
        earlier = [a for a in self.approved if a.approved_on and a.approved_on <= day]
        return earlier[-1] if earlier else self.approved[0]


def _end(
    applications: list[AuthorisationApplication], last: AuthorisationApplication
) -> date | None:
    stopped = last.prescription.stop_date
    if stopped is not None:
        return stopped
    if any(a.state in UNDER_WAY for a in applications if a.created >= last.created):
        return None
    if last.state == State.WITHDRAWN:
        event = last.events.filter(to_state=State.WITHDRAWN).order_by("-at").first()
        return event.on if event else None
    if last.state == State.EXPIRED:
        return last.valid_until
    return None


def course_of(application: AuthorisationApplication) -> Course | None:
    applications = family(application)
    approved = sorted(
        (a for a in applications if a.state in WAS_APPROVED and a.approved_on),
        key=lambda a: (a.approved_on, a.pk),
    )
    if not approved:
        return None
    first = approved[0]
    assert first.approved_on is not None
    start = max(first.approved_on, first.prescription.start_date)
    return Course(applications, approved, start, _end(applications, approved[-1]))


def _progress_due(course: Course, today: date) -> list[tuple[int, date, date]]:
    """(number, period start, due day) of each progress report up to the end, or up to and
    including the next one after today."""
    due, number = [], 1
    while True:
        day = add_months(course.start, PROGRESS_MONTHS * number)
        if course.end is not None and day > course.end:
            break
        due.append((number, add_months(course.start, PROGRESS_MONTHS * (number - 1)), day))
        if day > today:
            break
        number += 1
    return due


def sync_tasks_for(application: AuthorisationApplication, today: date) -> list[ReportTask]:
    """Create the report tasks the course owes (each once); drop unsent ones it no longer owes."""
    course = course_of(application)
    if course is None:
        return []
    first = course.approved[0]
    with transaction.atomic():
        for number, start, due in _progress_due(course, today):
            _task(course, first, ReportKind.PROGRESS, number, start, due, due)
        if course.end is not None:
            end = course.end
            _task(
                course,
                first,
                ReportKind.FINAL,
                1,
                course.start,
                end,
                end + timedelta(days=FINAL_DAYS),
            )
            ReportTask.objects.filter(
                first_application=first,
                kind=ReportKind.PROGRESS,
                due_on__gt=end,
                submitted_on__isnull=True,
            ).delete()
        else:
            ReportTask.objects.filter(
                first_application=first, kind=ReportKind.FINAL, submitted_on__isnull=True
            ).delete()
    return list(ReportTask.objects.filter(first_application=first))


def _task(
    course: Course,
    first: AuthorisationApplication,
    kind: str,
    number: int,
    start: date,
    end: date,
    due: date,
) -> None:
    ReportTask.objects.update_or_create(
        first_application=first,
        kind=kind,
        number=number,
        defaults={
            "application": course.in_force_on(due),
            "period_start": start,
            "period_end": end,
            "due_on": due,
        },
    )


def sync_all(today: date) -> None:
    """Report tasks for every course with an approval (the remind command runs this)."""
    roots = AuthorisationApplication.objects.filter(
        renews__isnull=True, state__in=list(WAS_APPROVED)
    )
    for root in roots.select_related("prescription"):
        sync_tasks_for(root, today)


def owed(horizon: date, clinics: list[Clinic] | None = None) -> QuerySet[ReportTask]:
    """THE reports owed to the regulator: every unsent report task of an authorised course
    due on or before ``horizon`` (today plus the reminder lead time), soonest first.

    The one rule, read by the pipeline page and by the reminders (hence the dashboards):
    Regulation 29 counts the reports from the authorised use, so a course without an
    approved authorisation owes none, and nothing else works out report dates.
    """
    tasks = ReportTask.objects.filter(submitted_on__isnull=True, due_on__lte=horizon)
    if clinics is not None:
        tasks = tasks.filter(application__patient__clinic__in=clinics)
    return tasks.select_related("application__patient__clinic").order_by("due_on", "pk")


def reminder_key(task: ReportTask) -> str:
    """The key of the reminder of a report owed: one per task, however often found."""
    return f"{REPORT_REMINDER}:{task.application_id}:{task.kind}:{task.number}:{task.pk}"


def mark_submitted(task: ReportTask, day: date, user: object) -> ReportTask:
    """Record the report as sent; its reminder closes at once, so the dashboards drop it
    with the pipeline rather than at the next reminder run."""
    with transaction.atomic():
        task.submitted_on = day
        task.submitted_by = user  # type: ignore[assignment]
        task.save(update_fields=["submitted_on", "submitted_by"])
        Reminder.objects.open().filter(key=reminder_key(task)).update(
            done_at=timezone.now(), done_reason=DoneReason.RESOLVED
        )
    return task
