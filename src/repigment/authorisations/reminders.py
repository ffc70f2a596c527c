"""The authorisations' reminders (listed in ``settings.REMINDER_SOURCES``).

- An authorisation expires: reminded 30 days ahead, and again 7 days ahead (each once).
- A re-authorisation is needed before the supply runs out, by validity or by quantity,
  whichever comes first, while none has been started.
- A report to the regulator is due (the course's report tasks).
- The regulator's query waits for an answer.

Each run first records the expiry of authorisations whose validity has ended and brings the
report tasks up to date, so what it reminds of matches the record.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

from repigment.accounts.models import Role
from repigment.authorisations import reporting, services
from repigment.authorisations.models import ApplicationEvent, AuthorisationApplication, State
from repigment.authorisations.quantity import supply_runs_out_on
from repigment.reminders.engine import chunk_size, lead_days
from repigment.reminders.registry import Due, Kind, Urgency, url_with_pk

#: Reminder keys keep the "access." prefix they had before this app left access: reminders
#: already sent are stored under them, and each is sent once.
EXPIRY_30 = "access.expiry_30_days"
EXPIRY_7 = "access.expiry_7_days"
REAUTHORISE = "access.reauthorisation_needed"
REPORT = reporting.REPORT_REMINDER
QUERY = "access.query_waiting"

EXPIRY_NOTICES = ((EXPIRY_30, 30), (EXPIRY_7, 7))
#: A re-authorisation is reminded this long before the supply runs out (SAHPRA states 3
#: working days to decide, longer when it queries; this leaves time for queries and import).
REAUTHORISE_DAYS_AHEAD = 30

KINDS = {
    EXPIRY_30: Kind(
        EXPIRY_30,
        _("Authorisation %(number)s expires on %(expires)s: renew it or plan the end of use"),
        ("sahpra-faqs",),
        deadline_param="expires",
    ),
    EXPIRY_7: Kind(
        EXPIRY_7,
        _(
            "Authorisation %(number)s expires on %(expires)s, within a week: renew it or plan "
            "the end of use"
        ),
        ("sahpra-faqs",),
        deadline_param="expires",
    ),
    REAUTHORISE: Kind(
        REAUTHORISE,
        _(
            "Start the re-authorisation of %(number)s: the supply runs out on %(runs_out)s "
            "(%(why)s)"
        ),
        ("sahpra-portal-reauthorisation",),
        deadline_param="runs_out",
    ),
    REPORT: Kind(
        REPORT,
        _("%(report)s to the regulator due %(due)s for authorisation %(number)s"),
        ("acts-regulation-29",),
        urgency=Urgency.REPORT,
    ),
    QUERY: Kind(
        QUERY,
        _("The regulator queried application %(reference)s on %(queried)s: answer the query"),
        ("sahpra-s21-faq",),
        urgency=Urgency.SAFETY,
    ),
}


def _due(
    application: AuthorisationApplication, kind: str, key: str, day: date, **params: str
) -> Due:
    return Due(
        key=f"{kind}:{application.pk}:{key}",
        kind=kind,
        due_on=day,
        clinic=application.patient.clinic,
        patient=application.patient,
        responsible_role=Role.PRESCRIBER,
        params=params,
        url=url_with_pk("authorisations:detail", application.pk),
    )


def _approved() -> Iterator[list[AuthorisationApplication]]:
    """The approved applications, a chunk at a time (the next ids after the last chunk's)."""
    approved = (
        AuthorisationApplication.objects.filter(state=State.APPROVED)
        .select_related("patient__clinic", "prescription")
        .order_by("pk")
    )
    last = 0
    while chunk := list(approved.filter(pk__gt=last)[: chunk_size()]):
        last = chunk[-1].pk
        yield chunk


def _renewed(chunk: list[AuthorisationApplication]) -> tuple[set[int], set[int]]:
    """Of these applications, those with an approved renewal, and those with a renewal under
    way or approved (``services.current_renewal``): one query for the chunk."""
    renewals = AuthorisationApplication.objects.filter(renews_id__in=[a.pk for a in chunk]).exclude(
        state__in=[State.REJECTED, State.WITHDRAWN]
    )
    approved, current = set(), set()
    for renews, state in renewals.values_list("renews_id", "state"):
        current.add(renews)
        if state == State.APPROVED:
            approved.add(renews)
    return approved, current


def expiry(
    application: AuthorisationApplication, today: date, renewed: bool | None = None
) -> Iterator[Due]:
    """The latest expiry notice whose day has come (the earlier one is then resolved).
    ``renewed``: whether an approved renewal exists, if already known."""
    valid_until = application.valid_until
    assert valid_until is not None
    if renewed is None:
        renewed = application.renewals.filter(state=State.APPROVED).exists()
    if renewed:
        return  # renewed in time: the new authorisation takes over
    reached = [
        (kind, days) for kind, days in EXPIRY_NOTICES if today >= valid_until - timedelta(days=days)
    ]
    if reached:
        kind, days = reached[-1]
        yield _due(
            application,
            kind,
            valid_until.isoformat(),
            valid_until - timedelta(days=days),
            number=application.authorisation_number,
            expires=valid_until.isoformat(),
        )


def reauthorisation(
    application: AuthorisationApplication, under_way: bool | None = None
) -> Iterator[Due]:
    """``under_way``: whether a renewal is under way or approved, if already known."""
    runs_out = supply_runs_out_on(application)
    if runs_out is None:
        return
    if under_way is None:
        under_way = services.current_renewal(application) is not None
    if under_way:
        return
    why = (
        _("validity ends")
        if runs_out == application.valid_until
        else _("authorised quantity used up")
    )
    yield _due(
        application,
        REAUTHORISE,
        runs_out.isoformat(),
        runs_out - timedelta(days=REAUTHORISE_DAYS_AHEAD),
        number=application.authorisation_number,
        runs_out=runs_out.isoformat(),
        why=str(why),
    )


def reports(today: date) -> Iterator[Due]:
    """One reminder per report owed (``reporting.owed``, the pipeline's list too)."""
    for task in reporting.owed(today + timedelta(days=lead_days())).iterator(chunk_size=500):
        label = f"{task.get_kind_display()}" + (
            f" {task.number}" if task.kind == "progress" else ""
        )
        yield _due(
            task.application,
            REPORT,
            f"{task.kind}:{task.number}:{task.pk}",
            task.due_on,
            report=label,
            number=task.application.authorisation_number,
        )


def queries() -> Iterator[Due]:
    """A chunk of queried applications at a time, with their latest query in one query."""
    waiting = (
        AuthorisationApplication.objects.filter(state=State.QUERIED)
        .select_related("patient__clinic")
        .order_by("pk")
    )
    last = 0
    while chunk := list(waiting.filter(pk__gt=last)[: chunk_size()]):
        last = chunk[-1].pk
        latest: dict[int, ApplicationEvent] = {}
        events = ApplicationEvent.objects.filter(
            application_id__in=[a.pk for a in chunk], to_state=State.QUERIED
        ).order_by("application_id", "at", "pk")
        for event in events:
            latest[event.application_id] = event  # the latest last
        for application in chunk:
            event = latest.get(application.pk)
            if event is None:
                continue
            yield _due(
                application,
                QUERY,
                str(event.pk),
                event.on,
                reference=application.reference_number or str(application.pk),
                queried=event.on.isoformat(),
            )


class AuthorisationReminders:
    kinds = KINDS

    def due(self, today: date) -> Iterator[Due]:
        services.expire_lapsed(today)
        reporting.sync_all(today, chunk_size())
        for chunk in _approved():
            renewed, under_way = _renewed(chunk)
            for application in chunk:
                yield from expiry(application, today, application.pk in renewed)
                yield from reauthorisation(application, application.pk in under_way)
        yield from reports(today)
        yield from queries()


SOURCE = AuthorisationReminders()
