"""What the navigator and the API show: countries filtered, and one country's page in sections."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils.functional import Promise

from repigment.access.models import (
    AccessRoute,
    Applicant,
    ChecklistItem,
    Country,
    Fact,
    Quality,
    Registration,
    Source,
    Status,
    Topic,
)

#: The route filter's extra choice: countries with no route recorded.
NO_ROUTE = "none"

#: Route sections in reading order; those in ALWAYS_SHOWN say "not yet researched" when empty.
ROUTE_SECTIONS: tuple[Topic, ...] = (
    Topic.LEGAL_BASIS,
    Topic.ELIGIBILITY,
    Topic.WHO_APPLIES,
    Topic.HOW_TO_APPLY,  # the checklist ("what to prepare") follows this one
    Topic.FEE,
    Topic.PRICE,
    Topic.TURNAROUND,
    Topic.VALIDITY,
    Topic.RENEWAL,
    Topic.DUTIES,
    Topic.NOTE,
)
ALWAYS_SHOWN = frozenset(
    {Topic.LEGAL_BASIS, Topic.WHO_APPLIES, Topic.FEE, Topic.TURNAROUND, Topic.VALIDITY}
)


def _folded(text: str) -> str:
    """Lower-case without accents, so "cote" finds "Côte d'Ivoire"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _sourced_facts() -> QuerySet[Fact]:
    return Fact.objects.prefetch_related("sources").order_by("order", "pk")


def countries_with_routes() -> QuerySet[Country]:
    """Countries with their routes annotated ``confirmed`` (the route has a confirmed fact)."""
    confirmed = Fact.objects.filter(route=OuterRef("pk"), confirmed=True)
    routes = AccessRoute.objects.annotate(confirmed=Exists(confirmed)).order_by("order", "pk")
    return Country.objects.prefetch_related(Prefetch("routes", queryset=routes))


@dataclass(frozen=True)
class StatusCounts:
    """How many countries are researched with a route, researched with none, not researched."""

    route_found: int
    no_route_found: int
    not_researched: int

    @property
    def total(self) -> int:
        return self.route_found + self.no_route_found + self.not_researched


def status_counts(countries: Iterable[Country]) -> StatusCounts:
    statuses = [country.status for country in countries]
    return StatusCounts(
        route_found=statuses.count(Status.ROUTE_FOUND),
        no_route_found=statuses.count(Status.NO_ROUTE_FOUND),
        not_researched=statuses.count(Status.NOT_RESEARCHED),
    )


def matches(country: Country, query: str, kind: str) -> bool:
    """Does the country fit the name query (any of its names, or its code) and route kind?"""
    wanted = _folded(query.strip())
    if wanted and not (
        any(wanted in _folded(name) for name in country.names()) or wanted == country.slug
    ):
        return False
    kinds = {route.kind for route in country.routes.all()}
    if kind == NO_ROUTE:
        return not kinds
    return not kind or kind in kinds


def filter_countries(query: str = "", kind: str = "") -> list[Country]:
    return [c for c in countries_with_routes() if matches(c, query, kind)]


def general_facts(topics: Iterable[str] | None = None) -> list[Fact]:
    """Facts that hold for every country (approvals abroad, price, WHO reporting, AMA)."""
    facts = _sourced_facts().filter(country__isnull=True, route__isnull=True)
    if topics is not None:
        facts = facts.filter(topic__in=list(topics))
    return list(facts)


# --- One country's page ----------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    topic: Topic
    label: str | Promise
    facts: list[Fact]
    always: bool


@dataclass(frozen=True)
class RouteView:
    route: AccessRoute
    sections: list[Section]
    checklist: list[ChecklistItem]


@dataclass(frozen=True)
class SourceUse:
    """A source cited on a page, with the latest recorded reading of what it backs there.

    ``number`` is its place in the page's list of sources; the facts cite it by that number.
    """

    source: Source
    read_on: date | None  # None when no reading of what it backs was recorded
    due_for_recheck: bool
    number: int = 0

    @property
    def anchor(self) -> str:
        return f"source-{self.number}"


@dataclass(frozen=True)
class Citation:
    """How one fact or checklist item cites the page's list: its sources' numbers."""

    uses: list[SourceUse]


@dataclass
class CountryPage:
    country: Country
    researched: bool
    topics: dict[str, list[Fact]]
    general: dict[str, list[Fact]]
    routes: list[RouteView]
    sources: list[SourceUse] = field(default_factory=list)

    def facts(self, topic: str) -> list[Fact]:
        return self.topics.get(topic, [])

    def summary(self) -> Summary:
        return summarise(self)


def _by_topic(facts: Iterable[Fact]) -> dict[str, list[Fact]]:
    grouped: dict[str, list[Fact]] = {}
    for fact in facts:
        grouped.setdefault(fact.topic, []).append(fact)
    return grouped


def _route_view(route: AccessRoute) -> RouteView:
    grouped = _by_topic(route.facts.all())
    sections = [
        Section(topic, topic.label, grouped.get(topic, []), topic in ALWAYS_SHOWN)
        for topic in ROUTE_SECTIONS
    ]
    return RouteView(route, sections, list(route.checklist.all()))


def country_queryset() -> QuerySet[Country]:
    """Countries with everything their page or API answer shows, in a handful of queries."""
    items = ChecklistItem.objects.prefetch_related("sources").order_by("order", "pk")
    routes = AccessRoute.objects.order_by("order", "pk").prefetch_related(
        Prefetch("facts", queryset=_sourced_facts()), Prefetch("checklist", queryset=items)
    )
    return Country.objects.prefetch_related(
        Prefetch("facts", queryset=_sourced_facts()), Prefetch("routes", queryset=routes)
    )


def find_country(code: str) -> Country | None:
    """The country with this ISO alpha-2 code (any case), fully prefetched."""
    if len(code) != 2 or not code.isascii() or not code.isalpha():
        return None
    return country_queryset().filter(code=code.upper()).first()


def country_page(country: Country) -> CountryPage:
    routes = [_route_view(route) for route in country.routes.all()]
    own = list(country.facts.all())
    page = CountryPage(
        country=country,
        researched=country.researched,
        topics=_by_topic(own),
        general=_by_topic(general_facts()),
        routes=routes,
    )
    page.sources = _sources_used(page)
    return page


def _sources_used(page: CountryPage) -> list[SourceUse]:
    """Each source cited on the page once, with the latest recorded reading of what it backs.

    A source is due for re-checking when anything it backs on the page is due.
    """
    shown: list[Fact | ChecklistItem] = [f for facts in page.topics.values() for f in facts]
    shown += [f for facts in page.general.values() for f in facts]
    for view in page.routes:
        shown += [f for section in view.sections for f in section.facts]
        shown += view.checklist
    sources: dict[int, Source] = {}
    readings: dict[int, list[Fact | ChecklistItem]] = {}
    for item in shown:
        for source in item.sources.all():
            sources[source.pk] = source
            readings.setdefault(source.pk, []).append(item)
    uses = []
    for pk, source in sources.items():
        dates = [item.read_on for item in readings[pk] if item.read_on is not None]
        due = any(item.due_for_recheck for item in readings[pk])
        uses.append(SourceUse(source, max(dates) if dates else None, due))
    rank = {quality: index for index, quality in enumerate(Quality.values)}
    uses.sort(key=lambda use: (rank[use.source.quality], use.source.title))
    numbered = {
        use.source.pk: replace(use, number=number) for number, use in enumerate(uses, start=1)
    }
    for item in shown:  # each fact cites the list by number (sources are listed once)
        item.citation = Citation(sorted((numbered[s.pk] for s in item.sources.all()), key=_number))
    return list(numbered.values())


def _number(use: SourceUse) -> int:
    return use.number


# --- The plain summary at the top of a country's page -----------------------------------------


@dataclass(frozen=True)
class RouteInShort:
    """One route as the summary names it: who starts it and how long it takes, when sourced."""

    view: RouteView
    applicant: str | Promise | None  # None when who applies is not known
    turnaround: Fact | None  # the first fact on how long it takes, confirmed or not


@dataclass(frozen=True)
class Summary:
    """Can a patient get the cream here, how, how long, and whom to ask."""

    researched: bool
    registered: bool
    routes: list[RouteInShort]
    regulator: list[Fact]


def summarise(page: CountryPage) -> Summary:
    routes = []
    for view in page.routes:
        route = view.route
        known = route.applicant != Applicant.NOT_KNOWN
        took = next(
            (s.facts[0] for s in view.sections if s.topic == Topic.TURNAROUND and s.facts), None
        )
        routes.append(RouteInShort(view, route.get_applicant_display() if known else None, took))
    return Summary(
        researched=page.researched,
        registered=page.country.registration == Registration.YES,
        routes=routes,
        regulator=page.facts(Topic.REGULATOR),
    )
