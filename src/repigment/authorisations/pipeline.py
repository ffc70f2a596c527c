"""A clinic's applications by state with their ages, and turnaround per route.

Ages and turnaround are counted in days between the days recorded on the application's
events (the day it was submitted, the day of the regulator's letter), so a step recorded the
next morning still counts from the day it happened.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from repigment.access.models import AccessRoute
from repigment.accounts.models import Clinic
from repigment.authorisations.models import (
    ApplicationEvent,
    AuthorisationApplication,
    State,
)

DECISIONS = (State.APPROVED, State.REJECTED)


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


def lines(clinic: Clinic, today: date) -> dict[str, list[Line]]:
    """The clinic's applications grouped by state (in the machine's order), oldest first."""
    applications = (
        AuthorisationApplication.objects.filter(patient__clinic=clinic)
        .select_related("patient", "route__country")
        .prefetch_related("events")
    )
    grouped: dict[str, list[Line]] = {state: [] for state in State.values}
    for application in applications:
        events = sorted(application.events.all(), key=lambda e: (e.at, e.pk))
        if not events:
            continue
        visited = stays(events, today)
        grouped[application.state].append(
            Line(application, visited[-1].days, (today - events[0].on).days, visited)
        )
    for group in grouped.values():
        group.sort(key=lambda line: -line.days_in_state)
    return grouped


@dataclass(frozen=True)
class Turnaround:
    route: AccessRoute
    decided: int
    median_days: float | None
    p90_days: float | None
    queried: int


def decision_days(application: AuthorisationApplication) -> int | None:
    """Days from the first submission to the regulator's decision."""
    events = sorted(application.events.all(), key=lambda e: (e.at, e.pk))
    submitted = next((e for e in events if e.to_state == State.SUBMITTED), None)
    decided = next((e for e in events if e.to_state in DECISIONS), None)
    if submitted is None or decided is None:
        return None
    return (decided.on - submitted.on).days


def percentile_90(values: list[int]) -> float:
    """The 90th percentile (inclusive method, as numpy's default 'linear')."""
    if len(values) == 1:
        return float(values[0])
    return statistics.quantiles(values, n=10, method="inclusive")[8]


def turnaround(clinics: Iterable[Clinic]) -> list[Turnaround]:
    """Per route: decisions, median and 90th percentile of days to decide, queried share."""
    applications = (
        AuthorisationApplication.objects.filter(patient__clinic__in=list(clinics))
        .exclude(approved_on__isnull=True, rejection_reason="")
        .select_related("route__country")
        .prefetch_related("events")
    )
    by_route: dict[int, tuple[AccessRoute, list[int], int]] = {}
    for application in applications:
        days = decision_days(application)
        if days is None:
            continue
        route, values, queried = by_route.get(application.route_id, (application.route, [], 0))
        values.append(days)
        was_queried = any(e.to_state == State.QUERIED for e in application.events.all())
        by_route[application.route_id] = (route, values, queried + was_queried)
    return [
        Turnaround(
            route,
            len(values),
            float(statistics.median(values)),
            percentile_90(values),
            queried,
        )
        for route, values, queried in by_route.values()
    ]
