"""A clinic's applications by state with their ages, and turnaround per route.

The overview shows each state's count and the few applications longest in it; a state's own
pages show the rest, a keyset page at a time (longest in the state first: the order of
``state_changed_at``, when the step was recorded).

Ages and turnaround are counted in days between the days recorded on the application's
events (the day it was submitted, the day of the regulator's letter), so a step recorded the
next morning still counts from the day it happened.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from itertools import groupby

from django.db.models import Count, F, QuerySet, Window, prefetch_related_objects
from django.db.models.functions import RowNumber

from repigment.access.models import AccessRoute
from repigment.accounts.models import Clinic
from repigment.authorisations.models import (
    ApplicationEvent,
    AuthorisationApplication,
    State,
)
from repigment.core.keyset import PAGE_SIZE, KeysetPage, keyset_page

DECISIONS = (State.APPROVED, State.REJECTED)
#: The steps the turnaround reads (the others change neither the days nor the queried share).
STEPS_TIMED = (State.SUBMITTED, State.QUERIED, *DECISIONS)
#: Applications of each state on the pipeline's overview, and on a page of one state.
FIRST = 5
STATE_PAGE = PAGE_SIZE


@dataclass(frozen=True)
class Stay:
    state: str
    label: str
    days: int


@dataclass(frozen=True)
class Line:
    application: AuthorisationApplication
    days_in_state: int
    age_days: int
    stays: list[Stay]


def stays(events: list[ApplicationEvent], today: date) -> list[Stay]:
    """Days spent in each state visited, in order (the current one counted to today)."""
    found = []
    for index, event in enumerate(events):
        until = events[index + 1].on if index + 1 < len(events) else today
        found.append(Stay(event.to_state, State(event.to_state).label, (until - event.on).days))
    return found


def _applications(clinic: Clinic) -> QuerySet[AuthorisationApplication]:
    return AuthorisationApplication.objects.filter(patient__clinic=clinic).select_related(
        "patient", "route__country"
    )


def counts(clinic: Clinic) -> dict[str, int]:
    """The clinic's applications in each state (every state, in the machine's order)."""
    # From the clinic's patients (their index), not by scanning every application's state.
    mine = AuthorisationApplication.objects.filter(patient__in=clinic.patients.values("pk"))
    found = dict(mine.order_by().values_list("state").annotate(n=Count("pk")))
    return {state: found.get(state, 0) for state in State.values}


def first_lines(clinic: Clinic, today: date, size: int = FIRST) -> dict[str, list[Line]]:
    """The ``size`` applications longest in each state, by state, in three queries however
    many the clinic has: their ids (a row number within each state, over the clinic's
    applications found through its patients' index, narrow rows only), the rows, their events."""
    place = Window(
        RowNumber(), partition_by=[F("state")], order_by=[F("state_changed_at"), F("pk")]
    )
    mine = AuthorisationApplication.objects.filter(patient__in=clinic.patients.values("pk"))
    ids = list(mine.annotate(place=place).filter(place__lte=size).values_list("pk", flat=True))
    shown = _applications(clinic).filter(pk__in=ids).order_by("state_changed_at", "pk")
    grouped: dict[str, list[Line]] = {state: [] for state in State.values}
    for line in _lines(list(shown), today):
        grouped[line.application.state].append(line)
    return grouped


def state_page(
    clinic: Clinic,
    state: str,
    today: date,
    *,
    after: int | None = None,
    before: int | None = None,
    size: int = PAGE_SIZE,
) -> tuple[KeysetPage[AuthorisationApplication], list[Line]]:
    """One page of the clinic's applications in ``state``, longest in it first."""
    rows = _applications(clinic).filter(state=state)
    page = keyset_page(rows, ("state_changed_at",), after=after, before=before, size=size)
    return page, _lines(page.rows, today)


def _lines(applications: list[AuthorisationApplication], today: date) -> list[Line]:
    """Each application's line (in the order given), its events fetched in one query."""
    prefetch_related_objects(applications, "events")
    found = []
    for application in applications:
        events = sorted(application.events.all(), key=lambda e: (e.at, e.pk))
        if not events:
            continue
        visited = stays(events, today)
        found.append(Line(application, visited[-1].days, (today - events[0].on).days, visited))
    return found


@dataclass(frozen=True)
class Turnaround:
    route: AccessRoute
    decided: int
    median_days: float | None
    p90_days: float | None
    queried: int


def decision_days(steps: list[tuple[str, date]]) -> int | None:
    """Days from the first submission to the regulator's decision (``steps``: each event's
    state reached and day, in the order they happened)."""
    submitted = next((on for state, on in steps if state == State.SUBMITTED), None)
    decided = next((on for state, on in steps if state in DECISIONS), None)
    if submitted is None or decided is None:
        return None
    return (decided - submitted).days


def percentile_90(values: list[int]) -> float:
    """The 90th percentile (inclusive method, as numpy's default 'linear')."""
    if len(values) == 1:
        return float(values[0])
    return statistics.quantiles(values, n=10, method="inclusive")[8]


def turnaround(clinics: Iterable[Clinic]) -> list[Turnaround]:
    """Per route: decisions, median and 90th percentile of days to decide, queried share.
    Two queries: the decided applications' steps as plain values, then their routes."""
    decided = AuthorisationApplication.objects.filter(patient__clinic__in=list(clinics)).exclude(
        approved_on__isnull=True, rejection_reason=""
    )
    steps = (
        ApplicationEvent.objects.filter(application__in=decided, to_state__in=STEPS_TIMED)
        .order_by("-application__created", "-application_id", "at", "pk")
        .values_list("application_id", "application__route_id", "to_state", "on")
    )
    by_route: dict[int, tuple[list[int], int]] = {}
    for (_, route_id), rows in groupby(steps, key=lambda row: (row[0], row[1])):
        history = [(state, on) for _, _, state, on in rows]
        days = decision_days(history)
        if days is None:
            continue
        values, queried = by_route.get(route_id, ([], 0))
        values.append(days)
        was_queried = any(state == State.QUERIED for state, _ in history)
        by_route[route_id] = (values, queried + was_queried)
    routes = AccessRoute.objects.select_related("country").in_bulk(list(by_route))
    return [
        Turnaround(
            routes[route_id],
            len(values),
            float(statistics.median(values)),
            percentile_90(values),
            queried,
        )
        for route_id, (values, queried) in by_route.items()
    ]
