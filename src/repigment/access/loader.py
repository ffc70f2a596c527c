"""Load the versioned country data file (``data/countries.json``) into the database.

The whole file is checked before anything is written; a bad file raises ``DataFileError``
naming the entry and the field, and the database is left as it was. Loading is idempotent:
countries, routes, checklist items and sources keep their rows (found by code, slug, code and
key), facts are matched by position within their owner, and a file whose content was already
loaded is skipped unless forced, so edits made in the admin survive until the file changes.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Model, ProtectedError, RestrictedError
from django.utils import timezone
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt
from pydantic import ValidationError as PydanticValidationError

from repigment.access.models import (
    COUNTRY_TOPICS,
    GENERAL_TOPICS,
    ROUTE_TOPICS,
    AccessRoute,
    Applicant,
    ChecklistItem,
    Country,
    DataLoad,
    Fact,
    Quality,
    Region,
    Registration,
    RouteKind,
    Source,
    Topic,
    unit_problem,
)

DATA_FILE = Path(__file__).resolve().parent / "data" / "countries.json"
SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
MAX_PROBLEMS = 20
M = TypeVar("M", bound=Model)


class DataFileError(Exception):
    """The data file cannot be loaded; the message names each bad entry and field."""


# --- The file's shape ------------------------------------------------------------------------


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SourceIn(_Entry):
    key: str = Field(pattern=SLUG, max_length=80)
    title: str = Field(min_length=1, max_length=300)
    url: str = Field(min_length=1, max_length=500)
    quality: Quality


class FactIn(_Entry):
    topic: Topic
    text: str = Field(min_length=1, max_length=2000)
    confirmed: StrictBool
    verified: date
    sources: list[str] = Field(min_length=1)
    amount: Decimal | None = Field(default=None, max_digits=12, decimal_places=2)
    unit: str = ""


class ChecklistItemIn(_Entry):
    code: str = Field(pattern=SLUG, max_length=60)
    label: str = Field(min_length=1, max_length=400)
    required: StrictBool = True
    confirmed: StrictBool
    verified: date
    sources: list[str] = Field(min_length=1)


class RouteIn(_Entry):
    slug: str = Field(pattern=SLUG, max_length=60)
    name: str = Field(min_length=1, max_length=200)
    kind: RouteKind
    applicant: Applicant = Applicant.NOT_KNOWN
    facts: list[FactIn] = []
    checklist: list[ChecklistItemIn] = []


class RegulatorIn(_Entry):
    name: str = Field(min_length=1, max_length=200)
    website: str = Field(default="", max_length=200)


class CountryIn(_Entry):
    code: str = Field(pattern=r"^[A-Z]{2}$")
    name: str = Field(min_length=1, max_length=100)
    other_names: list[str] = []
    region: Region
    regulator: RegulatorIn | None = None
    registration: Registration = Registration.UNKNOWN
    facts: list[FactIn] = []
    routes: list[RouteIn] = []


class DataFileIn(_Entry):
    version: StrictInt = Field(ge=1)
    updated: date
    about: str = ""
    sources: list[SourceIn]
    general_facts: list[FactIn] = []
    countries: list[CountryIn] = Field(min_length=1)


# --- Reading and checking --------------------------------------------------------------------

Loc = tuple[str | int, ...]


def describe(loc: Sequence[str | int], raw: Any) -> str:
    """A readable path such as ``countries[40] (ZA).routes[0] (section-21).facts[2] (fee).unit``."""
    text = ""
    node = raw
    for part in loc:
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
            ident = _identify(node)
            text += f"[{part}]" + (f" ({ident})" if ident else "")
        else:
            text += ("." if text else "") + str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return text or "the file"


def _identify(entry: Any) -> str | None:
    if not isinstance(entry, dict):
        return None
    for key in ("code", "slug", "key", "topic"):
        if isinstance(entry.get(key), str) and entry[key]:
            return str(entry[key])
    return None


def _fail(problems: list[tuple[Loc, str]], raw: Any, path: Path) -> DataFileError:
    lines = [f"{describe(loc, raw)}: {message}" for loc, message in problems[:MAX_PROBLEMS]]
    if len(problems) > MAX_PROBLEMS:
        lines.append(f"... and {len(problems) - MAX_PROBLEMS} more")
    return DataFileError(f"{path.name} was not loaded (nothing written):\n  " + "\n  ".join(lines))


def parse(content: bytes, path: Path = DATA_FILE) -> DataFileIn:
    """Parse and check the whole file; raise DataFileError listing every problem found."""
    try:
        raw = json.loads(content.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise DataFileError(
            f"{path.name} was not loaded (nothing written): not UTF-8 ({exc})"
        ) from None
    except json.JSONDecodeError as exc:
        raise DataFileError(
            f"{path.name} was not loaded (nothing written): not valid JSON at line "
            f"{exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    try:
        data = DataFileIn.model_validate(raw)
    except PydanticValidationError as exc:
        problems = [(tuple(err["loc"]), err["msg"]) for err in exc.errors()]
        raise _fail(problems, raw, path) from None
    problems = list(_cross_check(data))
    if problems:
        raise _fail(problems, raw, path)
    return data


def _cross_check(data: DataFileIn) -> Iterable[tuple[Loc, str]]:
    """Rules that span entries: unique keys, known sources, topics in place, honest flags."""
    yield from _duplicates([s.key for s in data.sources], ("sources",), "key")
    yield from _duplicates([c.code for c in data.countries], ("countries",), "code")
    quality = {source.key: source.quality for source in data.sources}
    check_url = URLValidator(schemes=["http", "https"])
    for i, source in enumerate(data.sources):
        yield from _url_problem(check_url, source.url, ("sources", i, "url"))
    yield from _facts(data.general_facts, ("general_facts",), GENERAL_TOPICS, quality)
    for i, country in enumerate(data.countries):
        here: Loc = ("countries", i)
        yield from _facts(country.facts, (*here, "facts"), COUNTRY_TOPICS, quality)
        yield from _duplicates([r.slug for r in country.routes], (*here, "routes"), "slug")
        yield from _country_claims(country, here, check_url)
        for j, route in enumerate(country.routes):
            yield from _route(route, (*here, "routes", j), quality)


def _duplicates(values: list[str], loc: Loc, field: str) -> Iterable[tuple[Loc, str]]:
    seen: set[str] = set()
    for index, value in enumerate(values):
        if value in seen:
            yield (*loc, index, field), f"duplicate {field} {value!r}"
        seen.add(value)


def _url_problem(check: URLValidator, url: str, loc: Loc) -> Iterable[tuple[Loc, str]]:
    try:
        check(url)
    except DjangoValidationError:
        yield loc, f"not a valid http(s) address: {url!r}"


def _sourced(
    item: FactIn | ChecklistItemIn, loc: Loc, quality: dict[str, Quality]
) -> Iterable[tuple[Loc, str]]:
    unknown = [key for key in item.sources if key not in quality]
    if unknown:
        yield (*loc, "sources"), f"unknown source key(s) {', '.join(map(repr, unknown))}"
    elif item.confirmed and all(quality[key] == Quality.WEAK for key in item.sources):
        yield (*loc, "confirmed"), 'only weak sources: it must be "confirmed": false'
    if len(set(item.sources)) != len(item.sources):
        yield (*loc, "sources"), "a source is listed twice"
    if item.verified > timezone.localdate():
        yield (*loc, "verified"), f"{item.verified} is in the future"


def _facts(
    facts: list[FactIn], loc: Loc, topics: frozenset[Topic], quality: dict[str, Quality]
) -> Iterable[tuple[Loc, str]]:
    for k, fact in enumerate(facts):
        here = (*loc, k)
        if fact.topic not in topics:
            allowed = ", ".join(sorted(topics))
            yield (*here, "topic"), f"{fact.topic.value!r} does not belong here (use {allowed})"
        problem = unit_problem(fact.topic, fact.amount, fact.unit)
        if problem:
            yield (*here, "unit" if fact.amount is not None else "amount"), problem
        yield from _sourced(fact, here, quality)


def _country_claims(country: CountryIn, loc: Loc, check: URLValidator) -> Iterable[tuple[Loc, str]]:
    """A regulator or a registration status is shown only with a fact that sources it."""
    topics = {fact.topic for fact in country.facts}
    if country.regulator is not None:
        if Topic.REGULATOR not in topics:
            yield (*loc, "regulator"), "a regulator needs a 'regulator' fact citing a source"
        website = country.regulator.website
        if website:
            yield from _url_problem(check, website, (*loc, "regulator", "website"))
    if country.registration != Registration.UNKNOWN and Topic.REGISTRATION not in topics:
        yield (*loc, "registration"), "a known status needs a 'registration' fact citing a source"


def _route(route: RouteIn, loc: Loc, quality: dict[str, Quality]) -> Iterable[tuple[Loc, str]]:
    yield from _facts(route.facts, (*loc, "facts"), ROUTE_TOPICS, quality)
    yield from _duplicates([item.code for item in route.checklist], (*loc, "checklist"), "code")
    for k, item in enumerate(route.checklist):
        yield from _sourced(item, (*loc, "checklist", k), quality)
    confirmed_applicant = any(f.topic == Topic.WHO_APPLIES and f.confirmed for f in route.facts)
    if route.applicant != Applicant.NOT_KNOWN and not confirmed_applicant:
        yield (*loc, "applicant"), "needs a confirmed 'who_applies' fact, or \"not_known\""


# --- Writing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadReport:
    version: int
    updated: date
    skipped: bool
    countries: int
    researched: int
    routes: int
    facts: int
    unconfirmed_facts: int
    checklist_items: int
    unconfirmed_items: int
    sources: int

    def summary(self) -> str:
        if self.skipped:
            return f"Country data version {self.version} is already loaded; nothing changed."
        return (
            f"Loaded country data version {self.version} ({self.updated}): "
            f"{self.countries} countries ({self.researched} researched), {self.routes} routes, "
            f"{self.facts} facts ({self.unconfirmed_facts} to be confirmed), "
            f"{self.checklist_items} checklist items ({self.unconfirmed_items} to be confirmed), "
            f"{self.sources} sources."
        )


def load_countries(path: Path = DATA_FILE, *, force: bool = False) -> LoadReport:
    """Check and load the data file; skip it when this exact content is already loaded."""
    content = path.read_bytes()
    digest = hashlib.sha256(content).hexdigest()
    latest = DataLoad.objects.order_by("-loaded_at", "-pk").first()
    if not force and latest is not None and latest.digest == digest:
        return _report(latest.version, latest.updated, skipped=True)
    data = parse(content, path)
    with transaction.atomic():
        try:
            _write(data)
        except (ProtectedError, RestrictedError) as exc:
            used = getattr(exc, "protected_objects", None) or getattr(exc, "restricted_objects", ())
            names = ", ".join(sorted({str(obj) for obj in used})[:5])
            raise DataFileError(
                f"{path.name} was not loaded (nothing written): it drops entries still in use "
                f"({names}); keep them in the file"
            ) from None
        DataLoad.objects.create(version=data.version, updated=data.updated, digest=digest)
    return _report(data.version, data.updated, skipped=False)


def _report(version: int, updated: date, *, skipped: bool) -> LoadReport:
    return LoadReport(
        version=version,
        updated=updated,
        skipped=skipped,
        countries=Country.objects.count(),
        researched=Country.objects.with_research().filter(researched=True).count(),
        routes=AccessRoute.objects.count(),
        facts=Fact.objects.count(),
        unconfirmed_facts=Fact.objects.filter(confirmed=False).count(),
        checklist_items=ChecklistItem.objects.count(),
        unconfirmed_items=ChecklistItem.objects.filter(confirmed=False).count(),
        sources=Source.objects.count(),
    )


def _write(data: DataFileIn) -> None:
    sources = _write_sources(data.sources)
    countries = _upsert(
        Country,
        {c.code: _country_fields(c) for c in data.countries},
        {c.code: c for c in Country.objects.all()},
        key="code",
    )
    wanted_routes = {
        (c.code, r.slug): {**_route_fields(r, order), "country": countries[c.code]}
        for c in data.countries
        for order, r in enumerate(c.routes)
    }
    existing_routes = {
        (r.country.code, r.slug): r for r in AccessRoute.objects.select_related("country")
    }
    routes = _upsert(AccessRoute, wanted_routes, existing_routes, key=None)
    owners: dict[tuple[str, ...], list[FactIn]] = {("general",): data.general_facts}
    items: dict[tuple[str, str], list[ChecklistItemIn]] = {}
    for country in data.countries:
        owners[("country", country.code)] = country.facts
        for route in country.routes:
            owners[("route", country.code, route.slug)] = route.facts
            items[(country.code, route.slug)] = route.checklist
    _write_facts(owners, countries, routes, sources)
    _write_checklists(items, routes, sources)


def _write_sources(incoming: list[SourceIn]) -> dict[str, Source]:
    wanted = {s.key: {"title": s.title, "url": s.url, "quality": s.quality.value} for s in incoming}
    existing = {s.key: s for s in Source.objects.all()}
    return _upsert(Source, wanted, existing, key="key")


def _country_fields(country: CountryIn) -> dict[str, Any]:
    regulator = country.regulator
    return {
        "name": country.name,
        "other_names": "; ".join(country.other_names),
        "region": country.region.value,
        "regulator_name": regulator.name if regulator else "",
        "regulator_url": regulator.website if regulator else "",
        "registration": country.registration.value,
    }


def _route_fields(route: RouteIn, order: int) -> dict[str, Any]:
    return {
        "slug": route.slug,
        "name": route.name,
        "kind": route.kind.value,
        "applicant": route.applicant.value,
        "order": order,
    }


def _upsert(
    model: type[M], wanted: dict[Any, dict[str, Any]], existing: dict[Any, M], key: str | None
) -> dict[Any, M]:
    """Create, update (only what changed) and delete rows so the table matches ``wanted``."""
    result: dict[Any, M] = {}
    for ident, fields in wanted.items():
        obj = existing.get(ident)
        if obj is None:
            obj = model(**fields, **({key: ident} if key else {}))
            obj.save()
        elif any(getattr(obj, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(obj, name, value)
            obj.save()
        result[ident] = obj
    stale = [obj.pk for ident, obj in existing.items() if ident not in wanted]
    if stale:
        model._default_manager.filter(pk__in=stale).delete()
    return result


def _fact_fields(fact: FactIn, order: int) -> dict[str, Any]:
    return {
        "topic": fact.topic.value,
        "text": fact.text,
        "confirmed": fact.confirmed,
        "verified_on": fact.verified,
        "amount": fact.amount,
        "unit": fact.unit,
        "order": order,
    }


def _owner_of(fact: Fact) -> tuple[str, ...]:
    if fact.route_id is not None:
        return ("route", fact.route.country.code, fact.route.slug)
    if fact.country_id is not None:
        return ("country", fact.country.code)
    return ("general",)


def _write_facts(
    owners: dict[tuple[str, ...], list[FactIn]],
    countries: dict[str, Country],
    routes: dict[tuple[str, str], AccessRoute],
    sources: dict[str, Source],
) -> None:
    """Facts are matched by position within their owner (general, a country or a route)."""
    existing: dict[tuple[str, ...], list[Fact]] = defaultdict(list)
    for fact in Fact.objects.select_related("route__country", "country").order_by("order", "pk"):
        existing[_owner_of(fact)].append(fact)
    wanted_links: dict[int, set[int]] = {}
    for owner, incoming in owners.items():
        rows = existing.pop(owner, [])
        for order, fact_in in enumerate(incoming):
            fields = _fact_fields(fact_in, order)
            if order < len(rows):
                fact = rows[order]
                _save_if_changed(fact, fields)
            else:
                fact = Fact(**fields, **_fact_owner(owner, countries, routes))
                fact.save()
            wanted_links[fact.pk] = {sources[key].pk for key in fact_in.sources}
        _delete([f.pk for f in rows[len(incoming) :]], Fact)
    _delete([f.pk for rows in existing.values() for f in rows], Fact)
    _sync_links(Fact.sources.through, "fact_id", wanted_links)


def _fact_owner(
    owner: tuple[str, ...],
    countries: dict[str, Country],
    routes: dict[tuple[str, str], AccessRoute],
) -> dict[str, Any]:
    if owner[0] == "route":
        return {"route": routes[(owner[1], owner[2])]}
    if owner[0] == "country":
        return {"country": countries[owner[1]]}
    return {}


def _write_checklists(
    items: dict[tuple[str, str], list[ChecklistItemIn]],
    routes: dict[tuple[str, str], AccessRoute],
    sources: dict[str, Source],
) -> None:
    wanted = {
        (route_key, item.code): {
            "route": routes[route_key],
            "label": item.label,
            "required": item.required,
            "confirmed": item.confirmed,
            "verified_on": item.verified,
            "order": order,
        }
        for route_key, incoming in items.items()
        for order, item in enumerate(incoming)
    }
    existing = {
        ((i.route.country.code, i.route.slug), i.code): i
        for i in ChecklistItem.objects.select_related("route__country")
    }
    for ident in wanted:
        wanted[ident]["code"] = ident[1]
    saved = _upsert(ChecklistItem, wanted, existing, key=None)
    links = {
        saved[(route_key, item.code)].pk: {sources[key].pk for key in item.sources}
        for route_key, incoming in items.items()
        for item in incoming
    }
    _sync_links(ChecklistItem.sources.through, "checklistitem_id", links)


def _save_if_changed(obj: Model, fields: dict[str, Any]) -> None:
    if any(getattr(obj, name) != value for name, value in fields.items()):
        for name, value in fields.items():
            setattr(obj, name, value)
        obj.save()


def _delete(pks: list[int], model: type[Model]) -> None:
    if pks:
        model._default_manager.filter(pk__in=pks).delete()


def _sync_links(through: type[Model], owner_field: str, wanted: dict[int, set[int]]) -> None:
    """Make the many-to-many rows to sources exactly ``wanted`` (owner pk -> source pks)."""
    manager = through._default_manager
    have: dict[int, set[int]] = defaultdict(set)
    for owner_id, source_id in manager.values_list(owner_field, "source_id"):
        have[owner_id].add(source_id)
    for owner_id, source_ids in wanted.items():
        extra = have.get(owner_id, set()) - source_ids
        if extra:
            manager.filter(**{owner_field: owner_id, "source_id__in": extra}).delete()
        missing = source_ids - have.get(owner_id, set())
        manager.bulk_create([through(**{owner_field: owner_id, "source_id": s}) for s in missing])
