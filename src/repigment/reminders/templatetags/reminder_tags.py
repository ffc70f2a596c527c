"""``{% reminders_panel user clinics role %}``: the person's open reminders on the dashboard."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils import timezone

from repigment.accounts.models import Clinic, User
from repigment.patients.access import record_listed
from repigment.reminders.engine import is_overdue, open_for, reminder_text

register = template.Library()
#: Reminders on a dashboard panel, the soonest due; the rest are on the reminders page.
SHOWN = 10


@register.inclusion_tag("reminders/_panel.html", takes_context=True)
def reminders_panel(
    context: dict[str, Any], user: User, clinics: Iterable[Clinic], role: str
) -> dict[str, Any]:
    """Reminders naming a patient are reads of that patient's record: the request's entry
    names them all."""
    today = timezone.localdate()
    found = open_for(user, list(clinics), role, today)
    reminders = list(found[:SHOWN])
    named = [reminder.patient for reminder in reminders if reminder.patient is not None]
    record_listed(context["request"], named, "dashboard", role)
    rows = [
        {"reminder": r, "text": reminder_text(r), "late": is_overdue(r, today)} for r in reminders
    ]
    count = found.count() if len(reminders) == SHOWN else len(reminders)
    return {"rows": rows, "count": count, "role": role}
