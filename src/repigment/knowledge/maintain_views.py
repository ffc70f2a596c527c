"""The maintainer's page: sourced statements due for re-checking, and recording a re-check.

Site administrators (``is_staff``) keep the content; the page is theirs alone. Each list is
paged, so the page costs the same few queries however many statements are due.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from repigment.accounts import audit
from repigment.accounts.models import AuditAction, User
from repigment.accounts.permissions import staff_required
from repigment.clinical.provenance import RECHECK_AFTER_MONTHS
from repigment.knowledge import provenance
from repigment.knowledge.forms import RecheckForm
from repigment.knowledge.models import CheckedKind

PAGE_SIZE = 25


@require_safe
@staff_required
def sources_due(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    context = {
        "today": today,
        "months": RECHECK_AFTER_MONTHS,
        "references": Paginator(provenance.due_references(today), PAGE_SIZE).get_page(
            request.GET.get("references")
        ),
        "facts": Paginator(provenance.due_facts(today), PAGE_SIZE).get_page(
            request.GET.get("facts")
        ),
        "items": Paginator(provenance.due_checklist_items(today), PAGE_SIZE).get_page(
            request.GET.get("items")
        ),
        "recent": provenance.recent_checks(),
        "kinds": CheckedKind,
        "form": RecheckForm(),
    }
    return render(request, "knowledge/maintain/sources_due.html", context)


@require_POST
@staff_required
def recheck(request: HttpRequest) -> HttpResponse:
    form = RecheckForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("That re-check could not be recorded: %s") % form.errors.as_text()
        )
        return redirect("maintain:sources_due")
    kind, key = form.cleaned_data["kind"], form.cleaned_data["key"]
    user = request.user
    assert isinstance(user, User)
    try:
        check = provenance.record_recheck(
            user, kind, key, timezone.localdate(), form.cleaned_data["note"]
        )
    except provenance.UnknownStatement:
        messages.error(request, _("Nothing with that key is on the list; nothing was recorded."))
        return redirect("maintain:sources_due")
    audit.record(request, AuditAction.UPDATE, object_type=f"source_check.{kind}", object_id=key)
    messages.success(
        request, _("Recorded: re-read on %(day)s.") % {"day": check.checked_on.isoformat()}
    )
    return redirect("maintain:sources_due")
