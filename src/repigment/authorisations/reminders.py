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

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from repigment.accounts.models import Role
from repigment.authorisations import reporting, services
from repigment.authorisations.models import AuthorisationApplication, State
from repigment.authorisations.quantity import supply_runs_out_on
from repigment.reminders.engine import lead_days
from repigment.reminders.registry import Due, Kind, Urgency

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
        url=reverse("authorisations:detail", args=[application.pk]),
    )


def _approved() -> list[AuthorisationApplication]:
    return list(
        AuthorisationApplication.objects.filter(state=State.APPROVED).select_related(
            "patient__clinic", "prescription"
        )
    )


def expiry(application: AuthorisationApplication, today: date) -> Iterator[Due]:
    """The latest expiry notice whose day has come (the earlier one is then resolved)."""
    valid_until = application.valid_until
    assert valid_until is not None
    if application.renewals.filter(state=State.APPROVED).exists():
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


def reauthorisation(application: AuthorisationApplication) -> Iterator[Due]:
    runs_out = supply_runs_out_on(application)
    if runs_out is None or services.current_renewal(application) is not None:
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
    waiting = AuthorisationApplication.objects.filter(state=State.QUERIED).select_related(
        "patient__clinic"
    )
    for application in waiting:
        event = application.events.filter(to_state=State.QUERIED).order_by("-at", "-pk").first()
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
        reporting.sync_all(today)
        for application in _approved():
            yield from expiry(application, today)
            yield from reauthorisation(application)
        yield from reports(today)
        yield from queries()


SOURCE = AuthorisationReminders()
