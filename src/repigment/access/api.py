"""Public, read-only API for the countries, their routes and their sourced facts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from repigment.access import services
from repigment.access.forms import CountryFilterForm
from repigment.access.models import AccessRoute, ChecklistItem, Country, Fact
from repigment.core.errors import ApiError

router = Router(tags=["countries"])


class SourceOut(Schema):
    key: str
    title: str
    url: str
    quality: str


class ReadingOut(Schema):
    read_on: date | None = Field(description="the day its sources were read; null: not recorded")
    read_by: str = Field(description="who read the sources, and how")
    due_for_recheck: bool = Field(description="not recorded, or read more than 12 months ago")
    verified_on: date | None = Field(description="deprecated: the same as read_on")


class FactOut(ReadingOut):
    topic: str
    text: str
    confirmed: bool = Field(description="false: to be confirmed with the regulator")
    amount: Decimal | None = Field(
        None, description="a fee or a price (unit: currency) or a duration"
    )
    unit: str
    pack_grams: Decimal | None = Field(None, description="for a price: grams in the pack")
    sources: list[SourceOut]


class ChecklistItemOut(ReadingOut):
    code: str
    label: str
    required: bool
    confirmed: bool
    sources: list[SourceOut]


class StatedValueOut(Schema):
    amount: Decimal
    unit: str


class RouteOut(Schema):
    slug: str
    name: str
    kind: str
    applicant: str
    fee: StatedValueOut | None = Field(None, description="from the first confirmed fee fact")
    turnaround: StatedValueOut | None
    validity: StatedValueOut | None
    facts: list[FactOut]
    checklist: list[ChecklistItemOut]


class CountrySummaryOut(Schema):
    code: str
    name: str
    region: str
    regulator_name: str
    regulator_url: str
    registration: str = Field(description="yes, no or unknown")
    status: str = Field(description="not_researched, no_route_found or route_found")
    researched: bool
    route_kinds: list[str]
    page: str


class CountryOut(CountrySummaryOut):
    facts: list[FactOut]
    routes: list[RouteOut]


class CountryFilter(Schema):
    q: str = Field("", max_length=60, description="part of a country's name, or its code")
    route: str = Field("", description="a route kind, or 'none' for countries without a route")


def _sources(item: Fact | ChecklistItem) -> list[dict[str, Any]]:
    return [
        {"key": s.key, "title": s.title, "url": s.url, "quality": s.quality}
        for s in item.sources.all()
    ]


def _reading(item: Fact | ChecklistItem) -> dict[str, Any]:
    return {
        "read_on": item.read_on,
        "read_by": item.read_by,
        "due_for_recheck": item.due_for_recheck,
        "verified_on": item.read_on,
    }


def _fact(fact: Fact) -> dict[str, Any]:
    return {
        "topic": fact.topic,
        "text": fact.text,
        "confirmed": fact.confirmed,
        **_reading(fact),
        "amount": fact.amount,
        "unit": fact.unit,
        "pack_grams": fact.pack_grams,
        "sources": _sources(fact),
    }


def _stated(fact: Fact | None) -> dict[str, Any] | None:
    return None if fact is None else {"amount": fact.amount, "unit": fact.unit}


def _route(route: AccessRoute) -> dict[str, Any]:
    return {
        "slug": route.slug,
        "name": route.name,
        "kind": route.kind,
        "applicant": route.applicant,
        "fee": _stated(route.fee()),
        "turnaround": _stated(route.turnaround()),
        "validity": _stated(route.validity()),
        "facts": [_fact(f) for f in route.facts.all()],
        "checklist": [
            {
                "code": item.code,
                "label": item.label,
                "required": item.required,
                "confirmed": item.confirmed,
                **_reading(item),
                "sources": _sources(item),
            }
            for item in route.checklist.all()
        ],
    }


def _summary(country: Country) -> dict[str, Any]:
    return {
        "code": country.code,
        "name": country.name,
        "region": country.region,
        "regulator_name": country.regulator_name,
        "regulator_url": country.regulator_url,
        "registration": country.registration,
        "status": country.status,
        "researched": country.researched,
        "route_kinds": sorted({route.kind for route in country.routes.all()}),
        "page": country.get_absolute_url(),
    }


@router.get("", response=list[CountrySummaryOut], auth=None, summary="List the countries")
def list_countries(request: HttpRequest, filters: Query[CountryFilter]) -> list[dict[str, Any]]:
    """All 54 African countries, optionally filtered by name and route kind (public)."""
    form = CountryFilterForm(filters.dict())
    if not form.is_valid():
        fields = {name: list(messages) for name, messages in form.errors.items()}
        raise ApiError(422, "invalid", "Some filters are not valid.", fields)
    query, kind = form.filters()
    return [_summary(c) for c in services.filter_countries(query, kind)]


@router.get("/{code}", response=CountryOut, auth=None, summary="One country in full")
def get_country(request: HttpRequest, code: str) -> dict[str, Any]:
    """A country with its routes, checklists and sourced facts (public); 404 if unknown."""
    country = services.find_country(code)
    if country is None:
        raise ApiError(404, "not_found", f"No African country has the code {code!r}.")
    routes = list(country.routes.all())
    facts = list(country.facts.all())
    return {
        **_summary(country),
        "facts": [_fact(f) for f in facts],
        "routes": [_route(r) for r in routes],
    }
