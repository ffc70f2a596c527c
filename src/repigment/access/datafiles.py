"""The country data files: their shape, how they are read, and the rules they must keep.

The data is one file per country (``countries/ZA.json``), the shared ``sources.json`` and
``general.json`` (facts that hold for every country); ``README.md`` beside them documents the
format. ``read_data`` checks every file and every rule before anything is used, and raises
``DataFileError`` naming each bad file, entry and field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from pydantic import BaseModel, ConfigDict, Field, StrictBool
from pydantic import ValidationError as PydanticValidationError

from repigment.access.models import (
    COUNTRY_TOPICS,
    GENERAL_TOPICS,
    ROUTE_TOPICS,
    Applicant,
    Quality,
    Region,
    Registration,
    RouteKind,
    Status,
    Topic,
    pack_problem,
    unit_problem,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
SOURCES_FILE = "sources.json"
GENERAL_FILE = "general.json"
COUNTRIES_DIR = "countries"
COUNTRY_FILE = re.compile(r"^[A-Z]{2}\.json$")
SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
MAX_PROBLEMS = 20
E = TypeVar("E", bound=BaseModel)


class DataFileError(Exception):
    """The data cannot be loaded; the message names each bad file, entry and field."""


# --- The file's shape ------------------------------------------------------------------------


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SourceIn(_Entry):
    key: str = Field(pattern=SLUG, max_length=80)
    title: str = Field(min_length=1, max_length=300)
    url: str = Field(min_length=1, max_length=500)
    quality: Quality


class SourcedIn(_Entry):
    """What every fact and checklist item carries: sources, and when and by whom they were read."""

    confirmed: StrictBool
    sources: list[str] = Field(min_length=1)
    read_on: date | None  # None: the reading was not recorded (due for re-checking)
    read_by: str = Field(min_length=1, max_length=200)


class FactIn(SourcedIn):
    topic: Topic
    text: str = Field(min_length=1, max_length=2000)
    amount: Decimal | None = Field(default=None, max_digits=12, decimal_places=2)
    unit: str = ""
    pack_grams: Decimal | None = Field(default=None, max_digits=7, decimal_places=1)


class ChecklistItemIn(SourcedIn):
    code: str = Field(pattern=SLUG, max_length=60)
    label: str = Field(min_length=1, max_length=400)
    required: StrictBool = True


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
    status: Status
    regulator: RegulatorIn | None = None
    registration: Registration = Registration.UNKNOWN
    facts: list[FactIn] = []
    routes: list[RouteIn] = []


class SourcesFileIn(_Entry):
    sources: list[SourceIn]


class GeneralFileIn(_Entry):
    about: str = ""
    facts: list[FactIn] = []


@dataclass(frozen=True)
class DataSet:
    """All the data files, checked: the shared sources, the general facts, one country a file."""

    sources: list[SourceIn]
    general_facts: list[FactIn]
    countries: list[CountryIn]


# --- Reading and checking --------------------------------------------------------------------

Loc = tuple[str | int, ...]
#: A problem: the file (relative to the data folder), where in it, and what is wrong.
Problem = tuple[str, Loc, str]


def data_files(folder: Path = DATA_DIR) -> dict[str, bytes]:
    """The data files' contents by name relative to ``folder`` (``countries/ZA.json``)."""
    files = {name: (folder / name).read_bytes() for name in (SOURCES_FILE, GENERAL_FILE)
             if (folder / name).is_file()}  # fmt: skip
    countries = folder / COUNTRIES_DIR
    if countries.is_dir():
        for path in sorted(countries.iterdir()):
            if path.is_file():
                files[f"{COUNTRIES_DIR}/{path.name}"] = path.read_bytes()
    return files


def describe(loc: Sequence[str | int], raw: Any) -> str:
    """A readable path such as ``routes[0] (section-21).facts[2] (fee).unit``."""
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


def _fail(problems: list[Problem], raw: dict[str, Any]) -> DataFileError:
    lines = [
        f"{name}: {describe(loc, raw.get(name))}: {message}"
        for name, loc, message in problems[:MAX_PROBLEMS]
    ]
    if len(problems) > MAX_PROBLEMS:
        lines.append(f"... and {len(problems) - MAX_PROBLEMS} more")
    return DataFileError(
        "The country data was not loaded (nothing written):\n  " + "\n  ".join(lines)
    )


def read_data(files: dict[str, bytes]) -> DataSet:
    """Parse and check every file; raise DataFileError listing every problem found."""
    raw: dict[str, Any] = {}
    problems: list[Problem] = []
    for name, content in files.items():
        try:
            raw[name] = json.loads(content.decode("utf-8"))
        except UnicodeDecodeError as exc:
            problems.append((name, (), f"not UTF-8 ({exc})"))
        except json.JSONDecodeError as exc:
            problems.append(
                (name, (), f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}")
            )
    for name in (SOURCES_FILE, GENERAL_FILE):
        if name not in files:
            problems.append((name, (), "the file is missing"))
    if problems:
        raise _fail(problems, raw)
    sources = _entry(SourcesFileIn, SOURCES_FILE, raw, problems)
    general = _entry(GeneralFileIn, GENERAL_FILE, raw, problems)
    countries: list[CountryIn] = []
    for name in sorted(raw):
        if not name.startswith(f"{COUNTRIES_DIR}/"):
            continue
        if not COUNTRY_FILE.match(name.removeprefix(f"{COUNTRIES_DIR}/")):
            problems.append((name, (), "a country file is named by its code, e.g. ZA.json"))
            continue
        country = _entry(CountryIn, name, raw, problems)
        if country is not None and name != country_file(country.code):
            problems.append((name, ("code",), f"{country.code!r} does not match the file name"))
        elif country is not None:
            countries.append(country)
    if not countries and not problems:
        problems.append((COUNTRIES_DIR, (), "no country files"))
    if problems or sources is None or general is None:
        raise _fail(problems, raw)
    data = DataSet(sources.sources, general.facts, countries)
    problems = list(_cross_check(data))
    if problems:
        raise _fail(problems, raw)
    return data


def _entry(model: type[E], name: str, raw: dict[str, Any], problems: list[Problem]) -> E | None:
    try:
        return model.model_validate(raw[name])
    except PydanticValidationError as exc:
        problems.extend((name, tuple(err["loc"]), err["msg"]) for err in exc.errors())
        return None


def country_file(code: str) -> str:
    return f"{COUNTRIES_DIR}/{code}.json"


def _cross_check(data: DataSet) -> Iterable[Problem]:
    """Rules that span entries: unique keys, known sources, topics in place, honest flags."""
    yield from _duplicates(SOURCES_FILE, [s.key for s in data.sources], ("sources",), "key")
    quality = {source.key: source.quality for source in data.sources}
    check_url = URLValidator(schemes=["http", "https"])
    for i, source in enumerate(data.sources):
        yield from _url_problem(SOURCES_FILE, check_url, source.url, ("sources", i, "url"))
    yield from _facts(GENERAL_FILE, data.general_facts, ("facts",), GENERAL_TOPICS, quality)
    for country in data.countries:
        name = country_file(country.code)
        yield from _facts(name, country.facts, ("facts",), COUNTRY_TOPICS, quality)
        yield from _duplicates(name, [r.slug for r in country.routes], ("routes",), "slug")
        yield from _country_claims(name, country, check_url)
        yield from _status(name, country)
        for j, route in enumerate(country.routes):
            yield from _route(name, route, ("routes", j), quality)


def _duplicates(name: str, values: list[str], loc: Loc, field: str) -> Iterable[Problem]:
    seen: set[str] = set()
    for index, value in enumerate(values):
        if value in seen:
            yield name, (*loc, index, field), f"duplicate {field} {value!r}"
        seen.add(value)


def _url_problem(name: str, check: URLValidator, url: str, loc: Loc) -> Iterable[Problem]:
    try:
        check(url)
    except DjangoValidationError:
        yield name, loc, f"not a valid http(s) address: {url!r}"


def _sourced(
    name: str, item: SourcedIn, loc: Loc, quality: dict[str, Quality]
) -> Iterable[Problem]:
    unknown = [key for key in item.sources if key not in quality]
    if unknown:
        yield name, (*loc, "sources"), f"unknown source key(s) {', '.join(map(repr, unknown))}"
    elif item.confirmed and all(quality[key] == Quality.WEAK for key in item.sources):
        yield name, (*loc, "confirmed"), 'only weak sources: it must be "confirmed": false'
    if len(set(item.sources)) != len(item.sources):
        yield name, (*loc, "sources"), "a source is listed twice"
    if item.read_on is not None and item.read_on > timezone.localdate():
        yield name, (*loc, "read_on"), f"{item.read_on} is in the future"


def _facts(
    name: str, facts: list[FactIn], loc: Loc, topics: frozenset[Topic], quality: dict[str, Quality]
) -> Iterable[Problem]:
    for k, fact in enumerate(facts):
        here = (*loc, k)
        if fact.topic not in topics:
            allowed = ", ".join(sorted(topics))
            yield (
                name,
                (*here, "topic"),
                f"{fact.topic.value!r} does not belong here (use {allowed})",
            )
        problem = unit_problem(fact.topic, fact.amount, fact.unit)
        if problem:
            yield name, (*here, "unit" if fact.amount is not None else "amount"), problem
        pack = pack_problem(fact.topic, fact.amount, fact.pack_grams)
        if pack:
            yield name, (*here, "pack_grams"), pack
        yield from _sourced(name, fact, here, quality)


def _country_claims(name: str, country: CountryIn, check: URLValidator) -> Iterable[Problem]:
    """A regulator or a registration status is shown only with a fact that sources it."""
    topics = {fact.topic for fact in country.facts}
    if country.regulator is not None:
        if Topic.REGULATOR not in topics:
            yield name, ("regulator",), "a regulator needs a 'regulator' fact citing a source"
        website = country.regulator.website
        if website:
            yield from _url_problem(name, check, website, ("regulator", "website"))
    if country.registration != Registration.UNKNOWN and Topic.REGISTRATION not in topics:
        yield name, ("registration",), "a known status needs a 'registration' fact citing a source"


def _status(name: str, country: CountryIn) -> Iterable[Problem]:
    """The research status says what the facts show: nothing, no route, or a route."""
    topics = {fact.topic for fact in country.facts}
    if country.status == Status.NOT_RESEARCHED:
        if country.facts or country.routes or country.regulator is not None:
            yield (
                name,
                ("status",),
                "a country not yet researched has no regulator, facts or routes",
            )
        return
    if country.regulator is None or Topic.REGULATOR not in topics:
        yield (
            name,
            ("regulator",),
            "a researched country names its regulator, with a 'regulator' fact",
        )
    if country.status == Status.NO_ROUTE_FOUND:
        if country.routes:
            yield name, ("status",), "it lists routes: the status is 'route_found'"
        if Topic.SPECIAL_ACCESS not in topics:
            yield (
                name,
                ("facts",),
                "no route found needs a 'special_access' fact saying what was read",
            )
    elif not country.routes:
        yield name, ("status",), "'route_found' needs at least one route"
    for j, route in enumerate(country.routes):
        if not route.facts:
            yield name, ("routes", j, "facts"), "a route needs at least one sourced fact"


def _route(name: str, route: RouteIn, loc: Loc, quality: dict[str, Quality]) -> Iterable[Problem]:
    yield from _facts(name, route.facts, (*loc, "facts"), ROUTE_TOPICS, quality)
    yield from _duplicates(
        name, [item.code for item in route.checklist], (*loc, "checklist"), "code"
    )
    for k, item in enumerate(route.checklist):
        yield from _sourced(name, item, (*loc, "checklist", k), quality)
    confirmed_applicant = any(f.topic == Topic.WHO_APPLIES and f.confirmed for f in route.facts)
    if route.applicant != Applicant.NOT_KNOWN and not confirmed_applicant:
        yield name, (*loc, "applicant"), "needs a confirmed 'who_applies' fact, or \"not_known\""
