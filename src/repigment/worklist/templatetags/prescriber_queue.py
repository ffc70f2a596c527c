"""``{% load prescriber_queue %}{% prescriber_queue clinics %}``: the prescriber's home as a ranked
work queue, drawn like every role's (``core/_worklist.html``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from repigment.accounts.models import Clinic, Role
from repigment.core.worklist import non_empty, patients_of
from repigment.patients.access import record_listed
from repigment.worklist.prescriber import prescriber_queue as build

register = template.Library()


@register.inclusion_tag("core/_worklist.html", takes_context=True)
def prescriber_queue(context: dict[str, Any], clinics: Iterable[Clinic]) -> dict[str, Any]:
    """Every patient the queue names is a read of their record: the request's one entry names
    them all."""
    request = context["request"]
    clinics = list(clinics)
    groups = build(request.user, clinics, timezone.localdate())
    record_listed(request, patients_of(groups), "dashboard", Role.PRESCRIBER)
    return {
        "groups": non_empty(groups),
        "role": Role.PRESCRIBER,
        "several": len(clinics) > 1,
        "empty": _(
            "Nothing needs you now: no safety matter, review, report or reminder is waiting."
        ),
        "csrf_token": context.get("csrf_token"),
    }
