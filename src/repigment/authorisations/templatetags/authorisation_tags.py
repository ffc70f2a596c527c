"""``{% authorisations_panel clinics %}``: the authorisations block of a dashboard panel."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.db.models import Count

from repigment.accounts.models import Clinic
from repigment.authorisations.models import AuthorisationApplication, State

register = template.Library()


@register.inclusion_tag("authorisations/_dashboard.html")
def authorisations_panel(clinics: Iterable[Clinic]) -> dict[str, Any]:
    rows = []
    for clinic in clinics:
        counts = dict(
            AuthorisationApplication.objects.filter(patient__clinic=clinic)
            .values_list("state")
            .annotate(n=Count("pk"))
        )
        rows.append(
            {
                "clinic": clinic,
                "queried": counts.get(State.QUERIED, 0),
                "in_progress": sum(
                    counts.get(s, 0) for s in (State.DRAFT, State.READY, State.SUBMITTED)
                ),
                "approved": counts.get(State.APPROVED, 0),
            }
        )
    return {"authorisations": rows}
