"""``{% authorisations_panel clinics %}``: the authorisations block of a dashboard panel."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.db.models import Count

from repigment.accounts.models import Clinic
from repigment.authorisations.models import AuthorisationApplication, State

register = template.Library()
IN_PROGRESS = (State.DRAFT, State.READY, State.SUBMITTED)


@register.inclusion_tag("authorisations/_dashboard.html")
def authorisations_panel(clinics: Iterable[Clinic]) -> dict[str, Any]:
    """Each clinic's applications by state, counted for all the clinics in one grouped query."""
    clinics = list(clinics)
    counts: dict[tuple[int, str], int] = {
        (clinic_id, state): n
        for clinic_id, state, n in AuthorisationApplication.objects.filter(
            patient__clinic__in=clinics
        )
        .order_by()
        .values_list("patient__clinic", "state")
        .annotate(n=Count("pk"))
    }
    return {
        "authorisations": [
            {
                "clinic": clinic,
                "queried": counts.get((clinic.pk, State.QUERIED), 0),
                "in_progress": sum(counts.get((clinic.pk, s), 0) for s in IN_PROGRESS),
                "approved": counts.get((clinic.pk, State.APPROVED), 0),
            }
            for clinic in clinics
        ]
    }
