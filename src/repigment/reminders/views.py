"""Marking a reminder done from the dashboard."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from repigment.accounts import audit
from repigment.accounts.models import AuditAction
from repigment.accounts.permissions import deny, roles_in
from repigment.reminders.models import DoneReason, Reminder


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
