"""Every open reminder of a role, a page at a time, and marking one done."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from repigment.accounts import audit
from repigment.accounts.models import AuditAction, Role, User
from repigment.accounts.permissions import deny, roles_in, user_clinics
from repigment.patients.access import record_listed
from repigment.reminders.engine import is_overdue, open_for, reminder_text
from repigment.reminders.models import DoneReason, Reminder
from repigment.reminders.registry import URGENCY_LABELS, Urgency

#: Reminders per page of the list.
PAGE_SIZE = 50
#: ``?urgency=`` of the list: one group of a work list (``review`` for the reviews due).
URGENCIES = {urgency.name.lower(): urgency for urgency in Urgency}


@login_required
def reminder_list(request: HttpRequest) -> HttpResponse:
    """Every open reminder of one of the user's roles (``?role=``), the most urgent and soonest
    due first; ``?urgency=`` keeps one group (safety, review, report, other)."""
    user = request.user
    assert isinstance(user, User)
    role = request.GET.get("role", "")
    if role not in Role.values:
        role = next(iter(sorted(set(user.memberships.values_list("role", flat=True)))), "")
    clinics = list(user_clinics(user, [role]))
    today = timezone.localdate()
    urgency = URGENCIES.get(request.GET.get("urgency", ""))
    page = Paginator(open_for(user, clinics, role, today, urgency), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    reminders = list(page.object_list)
    named = [reminder.patient for reminder in reminders if reminder.patient is not None]
    record_listed(request, named, "reminder_list", role)
    rows = [
        {"reminder": r, "text": reminder_text(r), "late": is_overdue(r, today)} for r in reminders
    ]
    context = {
        "rows": rows,
        "page": page,
        "role": role,
        "label": Role(role).label if role else "",
        "urgency": urgency.name.lower() if urgency is not None else "",
        "urgency_label": URGENCY_LABELS[urgency] if urgency is not None else "",
        "urgencies": [(u.name.lower(), URGENCY_LABELS[u]) for u in Urgency],
    }
    return render(request, "reminders/list.html", context)


@require_POST
def mark_done(request: HttpRequest, reminder_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    reminder = Reminder.objects.select_related("clinic").filter(pk=reminder_id).first()
    held = roles_in(request.user, reminder.clinic) if reminder else set()  # type: ignore[arg-type]
    if reminder is None or not held:
        raise Http404("no such reminder")
    if reminder.responsible_user_id not in (None, request.user.pk) or (
        reminder.responsible_user_id is None and reminder.responsible_role not in held
    ):
        raise deny(request, f"reminder:{reminder.pk}")
    if reminder.done_at is None:
        reminder.done_at, reminder.done_by = timezone.now(), request.user
        reminder.done_reason = DoneReason.MARKED
        reminder.save(update_fields=["done_at", "done_by", "done_reason"])
        audit.record(
            request,
            AuditAction.UPDATE,
            object_type="reminder",
            object_id=reminder.pk,
            patient_id=reminder.patient_id,
            clinic=reminder.clinic,
            role=reminder.responsible_role,
        )
        messages.success(request, _("The reminder is marked done."))
    return redirect("accounts:dashboard")
