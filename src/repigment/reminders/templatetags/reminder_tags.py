"""``{% reminders_panel user clinics role %}``: the person's open reminders on the dashboard."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils import timezone

from repigment.accounts.models import Clinic, User
from repigment.patients.access import record_read
from repigment.reminders.engine import open_for, reminder_text

register = template.Library()


@register.inclusion_tag("reminders/_panel.html", takes_context=True)
def reminders_panel(
    context: dict[str, Any], user: User, clinics: Iterable[Clinic], role: str
) -> dict[str, Any]:
    """Reminders naming a patient are reads of that patient's record, each audited."""
    today = timezone.localdate()
    reminders = list(open_for(user, list(clinics), role, today))
    request = context.get("request")
    for reminder in reminders:
        if reminder.patient is not None:
            record_read(request, reminder.patient, role, "dashboard_reminder", reminder.pk)  # type: ignore[arg-type]
    rows = [{"reminder": r, "text": reminder_text(r), "late": r.due_on < today} for r in reminders]
    return {"rows": rows}
