"""``{% reminders_panel user clinics role %}``: the person's open reminders on the dashboard."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils import timezone

from repigment.accounts.models import Clinic, User
from repigment.reminders.engine import open_for, reminder_text

register = template.Library()


@register.inclusion_tag("reminders/_panel.html")
def reminders_panel(user: User, clinics: Iterable[Clinic], role: str) -> dict[str, Any]:
    today = timezone.localdate()
    reminders = open_for(user, list(clinics), role, today)
    rows = [{"reminder": r, "text": reminder_text(r), "late": r.due_on < today} for r in reminders]
    return {"rows": rows}
