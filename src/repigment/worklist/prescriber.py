"""The prescriber's work queue (issue 18): safety first (serious adverse events with no report
sent, the regulator's queries, patients' reports of side effects to review, suspected falsified
packs at the pharmacies supplying their clinics), then reviews due, then the reports owed to the
regulator, then every other reminder.

Each source asks a fixed number of queries over all the person's clinics at once (issue 13):
one that counts per clinic (for the links to each clinic's full list) and one for its first
few. Safety items and reports owed are read from the record itself, so they leave the queue the
moment the work is recorded; the reminders of those same things are left out, not shown twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from repigment.accounts.models import Clinic, Role, User
from repigment.authorisations import reminders as authorisation_reminders
from repigment.authorisations import reporting, states
from repigment.authorisations.models import ApplicationEvent, AuthorisationApplication, State
from repigment.core.templatetags.dates import day_text
from repigment.core.worklist import SHOWN, Group, Item, Link, counted
from repigment.reminders import course
from repigment.reminders.engine import (
    is_overdue,
    lead_days,
    open_for,
    reminder_text,
)
from repigment.reminders.models import Reminder
from repigment.reminders.registry import URGENCY_LABELS, Urgency, kinds
from repigment.safety import reminders as safety_reminders
from repigment.safety.models import AdverseEvent
from repigment.supply.models import Incident

ROLE = Role.PRESCRIBER
#: The reminders page's ``?urgency=`` of each group.
URGENCY_CODES = frozenset(urgency.name.lower() for urgency in Urgency)
#: Reminder kinds whose work the queue reads from the record itself (queries, reports to review).
FROM_THE_RECORD = (authorisation_reminders.QUERY, safety_reminders.REVIEW)
#: Reminders done by recording a visit: their step is the visit form.
VISIT_KINDS = frozenset({course.REASSESSMENT, course.EMA_CHECK})
#: What an item's day is when it says how long the work has waited.
SINCE = gettext_lazy("waiting since")


def per_clinic(found: QuerySet[Any], path: str) -> dict[int, int]:
    """{clinic id: how many of ``found``}, in one grouped query; ``path`` leads to the clinic."""
    rows = found.order_by().values_list(path).annotate(n=Count("pk", distinct=True))
    return dict(rows)


def _clinic_links(
    counts: dict[int, int], clinics: dict[int, Clinic], text: Callable[[Clinic, int], str], url: str
) -> list[Link]:
    return [
        Link(text(clinics[pk], n), reverse(url, args=[pk]))
        for pk, n in sorted(counts.items(), key=lambda item: clinics[item[0]].name)
        if n
    ]


# --- Safety ------------------------------------------------------------------------------------


def serious_events(group: Group, clinics: dict[int, Clinic]) -> None:
    events = AdverseEvent.objects.filter(patient__clinic__in=list(clinics))
    needing = events.needing_report()
    to_review = events.awaiting_review().exclude(pk__in=needing.values("pk"))
    report_counts = per_clinic(needing, "patient__clinic")
    review_counts = per_clinic(to_review, "patient__clinic")
    reporting_items = [
        _event_item(event, 0, gettext_lazy("Serious adverse event, no report sent"))
        for event in needing.select_related("patient__clinic").order_by("reported_at", "pk")[:SHOWN]
    ]
    review_items = [
        _event_item(event, 2, gettext_lazy("Side effect reported by the patient, to review"))
        for event in to_review.select_related("patient__clinic").order_by("reported_at", "pk")[
            :SHOWN
        ]
    ]
    group.add(sum(report_counts.values()), reporting_items)
    group.add(sum(review_counts.values()), review_items)
    both = {pk: report_counts.get(pk, 0) + review_counts.get(pk, 0) for pk in clinics}
    group.more_links += _clinic_links(
        both,
        clinics,
        lambda clinic, n: (
            _("Adverse events to act on at %(clinic)s: %(n)s") % {"clinic": clinic.name, "n": n}
        ),
        "safety:clinic_events",
    )


def _event_item(event: AdverseEvent, rank: int, label: Any) -> Item:
    if event.is_unconfirmed:
        action, url = (
            gettext_lazy("Review and confirm"),
            reverse("safety:event_edit", args=[event.pk]),
        )
    else:
        action, url = (
            gettext_lazy("Record the report as sent"),
            reverse("safety:report_sent", args=[event.pk]),
        )
    day = timezone.localdate(event.reported_at)
    return Item(
        label=label,
        text=event.term_text,
        url=reverse("safety:event_detail", args=[event.pk]),
        clinic_name=event.patient.clinic.name,
        patient=event.patient,
        when=day,
        when_label=SINCE,
        action=action,
        action_url=url,
        rank=(rank, day.toordinal(), event.pk),
    )


def queries(group: Group, clinics: dict[int, Clinic]) -> None:
    """Applications the regulator queried, the longest waiting first."""
    waiting = AuthorisationApplication.objects.filter(
        patient__clinic__in=list(clinics), state=State.QUERIED
    )
    counts = per_clinic(waiting, "patient__clinic")
    queried_on = ApplicationEvent.objects.filter(
        application=OuterRef("pk"), to_state=State.QUERIED
    ).order_by("-at", "-pk")
    first = (
        waiting.annotate(queried_on=Subquery(queried_on.values("on")[:1]))
        .select_related("patient__clinic")
        .order_by("queried_on", "pk")[:SHOWN]
    )
    group.add(sum(counts.values()), [_query_item(application) for application in first])
    group.more_links += _clinic_links(
        counts,
        clinics,
        lambda clinic, n: (
            _("Queries to answer at %(clinic)s: %(n)s") % {"clinic": clinic.name, "n": n}
        ),
        "authorisations:pipeline",
    )


def _query_item(application: AuthorisationApplication) -> Item:
    day: date | None = application.queried_on  # type: ignore[attr-defined]
    return Item(
        label=gettext_lazy("The regulator's query waits for your answer"),
        text=_("Application %(reference)s")
        % {"reference": application.reference_number or application.pk},
        url=reverse("authorisations:detail", args=[application.pk]),
        clinic_name=application.patient.clinic.name,
        patient=application.patient,
        when=day,
        when_label=SINCE,
        action=gettext_lazy("Answer the query"),
        action_url=reverse("authorisations:step", args=[application.pk, states.ANSWER]),
        rank=(1, day.toordinal() if day else 0, application.pk),
    )


def falsified_packs(group: Group, clinics: dict[int, Clinic]) -> None:
    """Suspected falsified packs found at the pharmacies supplying the clinics, newest first."""
    supplying = Clinic.objects.filter(served_clinics__in=list(clinics))
    found = Incident.objects.filter(
        pharmacy__in=supplying, kind=Incident.Kind.SUSPECTED_FALSIFIED
    ).order_by("-found_at", "-pk")
    items = [
        Item(
            label=gettext_lazy("Suspected falsified pack"),
            text=_("%(product)s, lot %(lot)s, serial %(serial)s, found at %(pharmacy)s")
            % {
                "product": incident.product,
                "lot": incident.lot_number,
                "serial": incident.serial,
                "pharmacy": incident.pharmacy.name,
            },
            url=reverse("supply:incident_report", args=[incident.pk]),
            clinic_name=incident.pharmacy.name,
            when=timezone.localdate(incident.found_at),
            when_label=gettext_lazy("found"),
            rank=(4, -incident.found_at.toordinal(), -incident.pk),
        )
        for incident in found.select_related("pharmacy")[:SHOWN]
    ]
    count, capped = counted(found)
    group.add(count, items, capped)


# --- Reminders ---------------------------------------------------------------------------------


def other_safety_kinds() -> list[str]:
    """Safety reminder kinds whose work the queue does not read from the record."""
    return [
        code
        for code, kind in kinds().items()
        if kind.urgency == Urgency.SAFETY and code not in FROM_THE_RECORD
    ]


def reminder_items(reminders: QuerySet[Reminder], today: date, rank: int) -> list[Item]:
    return [_reminder_item(reminder, today, rank) for reminder in reminders[:SHOWN]]


def _reminder_item(reminder: Reminder, today: date, rank: int) -> Item:
    visit = reminder.kind in VISIT_KINDS and reminder.patient_id is not None
    return Item(
        label="",
        text=reminder_text(reminder),
        url=reminder.url,
        clinic_name=reminder.clinic.name,
        patient=reminder.patient,
        late=is_overdue(reminder, today),
        action=gettext_lazy("Record the visit") if visit else "",
        action_url=reverse("assessments:visit_new", args=[reminder.patient_id]) if visit else "",
        done_url=reverse("reminders:done", args=[reminder.pk]),
        done_label=gettext_lazy("Done"),
        rank=(rank, reminder.due_on.toordinal(), reminder.pk),
    )


def reminders_group(group: Group, reminders: QuerySet[Reminder], today: date, rank: int) -> None:
    """Add ``reminders`` (one urgency's, most urgent first) to ``group``: a capped count, the
    first few, and the reminders page filtered to the urgency when there are more."""
    count, capped = counted(reminders)
    group.add(count, reminder_items(reminders, today, rank), capped)
    if count > SHOWN:
        text = (
            _("All of them on the reminders page (more than %(n)s)")
            if capped
            else _("All %(n)s on the reminders page")
        ) % {"n": count}
        urgency = group.key if group.key in URGENCY_CODES else "other"
        group.more_links.append(
            Link(text, f"{reverse('reminders:list')}?role={ROLE}&urgency={urgency}")
        )


# --- Reports owed --------------------------------------------------------------------------------


def reports_owed(group: Group, clinics: dict[int, Clinic], today: date) -> None:
    """``reporting.owed``: the same list the clinic's authorisation pipeline shows."""
    owed = reporting.owed(today + timedelta(days=lead_days()), list(clinics))
    counts = per_clinic(owed, "application__patient__clinic")
    items = [
        Item(
            label="",
            text=str(authorisation_reminders.KINDS[authorisation_reminders.REPORT].title)
            % {
                "report": f"{task.get_kind_display()}"
                + (f" {task.number}" if task.kind == "progress" else ""),
                "due": day_text(task.due_on),
                "number": task.application.authorisation_number,
            },
            url=reverse("authorisations:detail", args=[task.application_id]),
            clinic_name=task.application.patient.clinic.name,
            patient=task.application.patient,
            late=task.due_on < today,
            action=gettext_lazy("report (PDF)"),
            action_url=reverse("authorisations:report_pdf", args=[task.pk]),
            done_url=reverse("authorisations:report_submitted", args=[task.pk]),
            done_label=gettext_lazy("Record as sent"),
            rank=(0, task.due_on.toordinal(), task.pk),
        )
        for task in owed[:SHOWN]
    ]
    group.add(sum(counts.values()), items)
    group.more_links += _clinic_links(
        counts,
        clinics,
        lambda clinic, n: _("Reports owed at %(clinic)s: %(n)s") % {"clinic": clinic.name, "n": n},
        "authorisations:pipeline",
    )


# --- The queue ------------------------------------------------------------------------------------


def prescriber_queue(user: User, clinics: list[Clinic], today: date) -> list[Group]:
    """The four groups in their order, each counted, with its first few items."""
    by_pk = {clinic.pk: clinic for clinic in clinics}
    safety, reviews, reports, rest = (
        Group(urgency.name.lower(), URGENCY_LABELS[urgency], safety=urgency == Urgency.SAFETY)
        for urgency in Urgency
    )
    serious_events(safety, by_pk)
    queries(safety, by_pk)
    if other_safety_kinds():  # none today: no query for them
        mine = open_for(user, clinics, ROLE, today, Urgency.SAFETY)
        reminders_group(safety, mine.exclude(kind__in=FROM_THE_RECORD), today, 3)
    falsified_packs(safety, by_pk)
    for group, urgency in ((reviews, Urgency.REVIEW), (rest, Urgency.OTHER)):
        reminders_group(group, open_for(user, clinics, ROLE, today, urgency), today, 0)
    reports_owed(reports, by_pk, today)
    return [safety, reviews, reports, rest]
