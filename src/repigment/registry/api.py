"""GET /api/v1/registry/outcomes: the analyst's report as JSON, with the page's filters."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from repigment.accounts.models import Clinic
from repigment.accounts.permissions import has_role
from repigment.core.errors import ApiError
from repigment.core.schemas import Strict
from repigment.patients.access import acting_user
from repigment.registry.bands import AGE_BANDS
from repigment.registry.services import VIEWER_ROLES, Filters, outcomes, viewable_clinics

router = Router(tags=["registry"])
BANDS = [label for _low, _high, label in AGE_BANDS]


class OutcomeFilter(Strict):
    clinic: int | None = None
    started_from: date | None = None
    started_to: date | None = None
    phototype: list[int] = []
    age_band: str = ""
    sex: str = ""


def _filters(request: HttpRequest, query: OutcomeFilter) -> Filters:
    user = acting_user(request)
    clinic: Clinic | None = None
    if query.clinic is not None:
        clinic = viewable_clinics(user).filter(pk=query.clinic).first()
        if clinic is None:
            raise ApiError(404, "not_found", "No such clinic among yours.", {"clinic": ["unknown"]})
    bad: dict[str, list[str]] = {}
    if any(not 1 <= n <= 6 for n in query.phototype):
        bad["phototype"] = ["each 1 to 6"]
    if query.age_band not in ["", *BANDS]:
        bad["age_band"] = [f"one of {', '.join(BANDS)}"]
    if query.sex not in ("", "female", "male", "other"):
        bad["sex"] = ["female, male or other"]
    if query.started_from and query.started_to and query.started_from > query.started_to:
        bad["started_to"] = ["before started_from"]
    if bad:
        raise ApiError(422, "invalid", "Some filters are not valid.", bad)
    return Filters(
        clinic,
        query.started_from,
        query.started_to,
        tuple(query.phototype),
        query.age_band,
        query.sex,
    )


@router.get("/outcomes")
def registry_outcomes(request: HttpRequest, query: Query[OutcomeFilter]) -> dict[str, Any]:
    """Responses, time to F-VASI75, subgroups, Table 1, safety and use; cells of 1-4 patients are
    null with ``suppressed`` true. Analysts: their clinics; prescribers: their own clinics."""
    user = acting_user(request)
    if not has_role(user, VIEWER_ROLES):
        raise ApiError(403, "forbidden", "Only registry analysts and prescribers see outcomes.")
    return outcomes(request, user, _filters(request, query))
