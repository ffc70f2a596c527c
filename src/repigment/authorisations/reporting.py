"""The regulator's reporting duties for an authorised course, as tasks with due dates.

Regulation 29: a progress report every six months counted from when use started, and a
final report within 30 days after use ends or is stopped. A course is the chain of an
application and its re-authorisations; use starts on the first approval (or the
prescription's start, if later) and ends when the prescription stops, the authorisation is
withdrawn, or it expires with no re-authorisation under way.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from repigment.accounts.models import Clinic
from repigment.authorisations.models import (
    ApplicationEvent,
    AuthorisationApplication,
    ReportKind,
    ReportTask,
    State,
)
from repigment.core.rows import STALE_AFTER, refresh_statistics
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


#: The day each withdrawn application was withdrawn (None: no withdrawal recorded).
Withdrawals = Mapping[int, date | None]


def _end(
    applications: list[AuthorisationApplication],
    last: AuthorisationApplication,
    withdrawals: Withdrawals | None = None,
) -> date | None:
    stopped = last.prescription.stop_date
    if stopped is not None:
        return stopped
    if any(a.state in UNDER_WAY for a in applications if a.created >= last.created):
        return None
    if last.state == State.WITHDRAWN:
        if withdrawals is not None:
            return withdrawals.get(last.pk)
        event = last.events.filter(to_state=State.WITHDRAWN).order_by("-at").first()
        return event.on if event else None
    if last.state == State.EXPIRED:
        return last.valid_until
    return None


def course_of(application: AuthorisationApplication) -> Course | None:
    return _course(family(application))


def _course(
    applications: list[AuthorisationApplication], withdrawals: Withdrawals | None = None
) -> Course | None:
    approved = sorted(
        (a for a in applications if a.state in WAS_APPROVED and a.approved_on),
        key=lambda a: (a.approved_on, a.pk),
    )
    if not approved:
        return None
    first = approved[0]
    assert first.approved_on is not None
    start = max(first.approved_on, first.prescription.start_date)
    return Course(applications, approved, start, _end(applications, approved[-1], withdrawals))


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


TASK_FIELDS = ["application", "period_start", "period_end", "due_on"]
#: Rows per statement when report tasks are read or written for many courses.
BATCH = 500


@dataclass
class Changes:
    """What bringing report tasks up to date writes: new tasks, changed ones, unsent ones no
    longer owed."""

    new: list[ReportTask] = field(default_factory=list)
    changed: list[ReportTask] = field(default_factory=list)
    dropped: list[int] = field(default_factory=list)

    def write(self, batch: int = BATCH) -> None:
        ReportTask.objects.bulk_create(self.new, batch_size=batch)
        ReportTask.objects.bulk_update(self.changed, TASK_FIELDS, batch_size=batch)
        for start in range(0, len(self.dropped), batch):
            ReportTask.objects.filter(pk__in=self.dropped[start : start + batch]).delete()


def _changes(course: Course, today: date, stored: list[ReportTask], changes: Changes) -> None:
    """Add to ``changes`` what makes ``stored`` (the course's tasks) what the course owes:
    each task owed once (a sent one keeps its sending, its period follows the course), unsent
    progress reports after the end and an unsent final report before it dropped."""
    first = course.approved[0]
    by_number = {(task.kind, task.number): task for task in stored}
    owed = [
        (ReportKind.PROGRESS, number, start, due, due)
        for number, start, due in _progress_due(course, today)
    ]
    if course.end is not None:
        end = course.end
        owed.append((ReportKind.FINAL, 1, course.start, end, end + timedelta(days=FINAL_DAYS)))
    for kind, number, start, period_end, due in owed:
        application = course.in_force_on(due)
        task = by_number.get((kind, number))
        if task is None:
            changes.new.append(
                ReportTask(
                    first_application=first, kind=kind, number=number, application=application,
                    period_start=start, period_end=period_end, due_on=due,
                )
            )  # fmt: skip
        elif (task.application_id, task.period_start, task.period_end, task.due_on) != (
            application.pk, start, period_end, due,
        ):  # fmt: skip
            task.application, task.period_start = application, start
            task.period_end, task.due_on = period_end, due
            changes.changed.append(task)
    for task in stored:
        if task.submitted_on is not None:
            continue
        if (
            course.end is not None and task.kind == ReportKind.PROGRESS and task.due_on > course.end
        ) or (course.end is None and task.kind == ReportKind.FINAL):
            changes.dropped.append(task.pk)


def sync_tasks_for(application: AuthorisationApplication, today: date) -> list[ReportTask]:
    """Create the report tasks the course owes (each once); drop unsent ones it no longer owes."""
    course = course_of(application)
    if course is None:
        return []
    first = course.approved[0]
    with transaction.atomic():
        changes = Changes()
        stored = list(ReportTask.objects.filter(first_application=first))
        _changes(course, today, stored, changes)
        changes.write()
    return list(ReportTask.objects.filter(first_application=first))


def sync_all(today: date, batch: int = BATCH) -> None:
    """Report tasks for every course with an approval (the remind command runs this).

    A chunk of courses at a time, in a few queries per chunk whatever its size: the chains
    level by level, the withdrawal days, the stored tasks; then one write of what changed.
    """
    roots = (
        AuthorisationApplication.objects.filter(renews__isnull=True, state__in=list(WAS_APPROVED))
        .select_related("prescription")
        .order_by("pk")
    )
    last, written = 0, 0
    while chunk := list(roots.filter(pk__gt=last)[:batch]):
        last = chunk[-1].pk
        families = _families(chunk, batch)
        withdrawn = [a for f in families for a in f if a.state == State.WITHDRAWN]
        withdrawals = _withdrawals(withdrawn, batch)
        courses = [c for c in (_course(f, withdrawals) for f in families) if c is not None]
        stored: dict[int, list[ReportTask]] = {c.approved[0].pk: [] for c in courses}
        for task in ReportTask.objects.filter(first_application_id__in=list(stored)):
            stored[task.first_application_id].append(task)
        changes = Changes()
        for course in courses:
            _changes(course, today, stored[course.approved[0].pk], changes)
        with transaction.atomic():
            changes.write(batch)
        written += len(changes.new) + len(changes.changed) + len(changes.dropped)
    if written > STALE_AFTER:  # the pipeline and the dashboards plan on these statistics
        refresh_statistics(ReportTask)


def _families(
    roots: list[AuthorisationApplication], batch: int
) -> list[list[AuthorisationApplication]]:
    """Each root's chain as ``family`` reads it (breadth first, renewals in the order they
    were made), a level of renewals at a time."""
    families = [[root] for root in roots]
    level = [(index, root) for index, root in enumerate(roots)]
    while level:
        children: dict[int, list[AuthorisationApplication]] = {}
        for start in range(0, len(level), batch):
            ids = [application.pk for _, application in level[start : start + batch]]
            renewals = AuthorisationApplication.objects.filter(renews_id__in=ids)
            for renewal in renewals.select_related("prescription").order_by("created", "pk"):
                assert renewal.renews_id is not None
                children.setdefault(renewal.renews_id, []).append(renewal)
        level = [
            (index, child)
            for index, application in level
            for child in children.get(application.pk, [])
        ]
        for index, child in level:
            families[index].append(child)
    return families


def _withdrawals(withdrawn: list[AuthorisationApplication], batch: int) -> dict[int, date | None]:
    """The day of each application's latest withdrawal (one query per batch)."""
    days: dict[int, date | None] = dict.fromkeys((a.pk for a in withdrawn), None)
    for start in range(0, len(withdrawn), batch):
        events = ApplicationEvent.objects.filter(
            application_id__in=[a.pk for a in withdrawn[start : start + batch]],
            to_state=State.WITHDRAWN,
        ).order_by("application_id", "at")
        for application_id, on in events.values_list("application_id", "on"):
            days[application_id] = on  # the latest last
    return days


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
