"""``{% load prescriber_queue %}{% prescriber_queue clinics %}``: the prescriber's home as a ranked
work queue."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils import timezone

from repigment.accounts.models import Clinic, Role
from repigment.patients.access import record_listed
from repigment.worklist.prescriber import prescriber_queue as build
from repigment.worklist.queue import patients_of

register = template.Library()


@register.inclusion_tag("worklist/_queue.html", takes_context=True)
def prescriber_queue(context: dict[str, Any], clinics: Iterable[Clinic]) -> dict[str, Any]:
    """Every patient the queue names is a read of their record: the request's one entry names
    them all."""
    request = context["request"]
    clinics = list(clinics)
    groups = build(request.user, clinics, timezone.localdate())
    record_listed(request, patients_of(groups), "dashboard", Role.PRESCRIBER)
    return {
        "groups": [group for group in groups if group.count],
        "several": len(clinics) > 1,
        "csrf_token": context.get("csrf_token"),
    }
