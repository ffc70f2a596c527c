"""Load the country data files (``data/``) into the database.

The data is one file per country (``countries/ZA.json``), the shared ``sources.json`` and
``general.json`` (facts that hold for every country). Every file is checked before anything is
written; a bad file raises ``DataFileError`` naming the file, the entry and the field, and the
database is left as it was. Loading is idempotent: countries, routes, checklist items and
sources keep their rows (found by code, slug, code and key), facts are matched by position
within their owner, and content that was already loaded is skipped unless forced, so edits made
in the admin survive until a file changes. A maintainer's re-check (a newer read date of an
unchanged fact) survives a reload too: the newer reading of the same words and sources wins.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import Model, ProtectedError, RestrictedError

from repigment.access.datafiles import (
    DATA_DIR,
    ChecklistItemIn,
    CountryIn,
    DataFileError,
    DataSet,
    FactIn,
    RouteIn,
    SourceIn,
    data_files,
    read_data,
)
from repigment.access.models import (
    AccessRoute,
    ChecklistItem,
    Country,
    DataLoad,
    Fact,
    Source,
    Status,
)

__all__ = ["DATA_DIR", "DataFileError", "LoadReport", "load_countries"]

M = TypeVar("M", bound=Model)


# --- Writing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadReport:
    skipped: bool
    countries: int
    route_found: int
    no_route_found: int
    not_researched: int
    routes: int
    facts: int
    unconfirmed_facts: int
    checklist_items: int
    unconfirmed_items: int
    sources: int

    @property
    def researched(self) -> int:
        return self.route_found + self.no_route_found

    def summary(self) -> str:
        if self.skipped:
            return "The country data is already loaded; nothing changed."
        return (
            f"Loaded the country data: {self.countries} countries ({self.route_found} with a "
            f"route, {self.no_route_found} researched with none found, {self.not_researched} "
            f"not yet researched), {self.routes} routes, {self.facts} facts "
            f"({self.unconfirmed_facts} to be confirmed), {self.checklist_items} checklist items "
            f"({self.unconfirmed_items} to be confirmed), {self.sources} sources."
        )


def digest_of(files: dict[str, bytes]) -> str:
    """One SHA-256 over every file's name and content, in name order."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
    return digest.hexdigest()


def load_countries(folder: Path = DATA_DIR, *, force: bool = False) -> LoadReport:
    """Check and load the data files; skip them when this exact content is already loaded."""
    files = data_files(folder)
    digest = digest_of(files)
    latest = DataLoad.objects.order_by("-loaded_at", "-pk").first()
    if not force and latest is not None and latest.digest == digest:
        return _report(skipped=True)
    data = read_data(files)
    with transaction.atomic():
        try:
            _write(data)
        except (ProtectedError, RestrictedError) as exc:
            used = getattr(exc, "protected_objects", None) or getattr(exc, "restricted_objects", ())
            names = ", ".join(sorted({str(obj) for obj in used})[:5])
            raise DataFileError(
                "The country data was not loaded (nothing written): it drops entries still in "
                f"use ({names}); keep them in the files"
            ) from None
        DataLoad.objects.create(digest=digest)
    return _report(skipped=False)


def _report(*, skipped: bool) -> LoadReport:
    statuses = dict.fromkeys(Status.values, 0)
    for status in Country.objects.values_list("status", flat=True):
        statuses[status] += 1
    return LoadReport(
        skipped=skipped,
        countries=sum(statuses.values()),
        route_found=statuses[Status.ROUTE_FOUND],
        no_route_found=statuses[Status.NO_ROUTE_FOUND],
        not_researched=statuses[Status.NOT_RESEARCHED],
        routes=AccessRoute.objects.count(),
        facts=Fact.objects.count(),
        unconfirmed_facts=Fact.objects.filter(confirmed=False).count(),
        checklist_items=ChecklistItem.objects.count(),
        unconfirmed_items=ChecklistItem.objects.filter(confirmed=False).count(),
        sources=Source.objects.count(),
    )


def _write(data: DataSet) -> None:
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
        "status": country.status.value,
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
        "read_on": fact.read_on,
        "read_by": fact.read_by,
        "amount": fact.amount,
        "unit": fact.unit,
        "pack_grams": fact.pack_grams,
        "order": order,
    }


def _keep_newer_reading(
    row: Fact | ChecklistItem, fields: dict[str, Any], text_field: str, source_keys: set[str]
) -> dict[str, Any]:
    """A re-check recorded on the site outlives a reload of the same words and sources.

    When the row already says the same thing, from the same sources, and was read later than
    the file says, its reading stays; any change to the words or sources takes the file's.
    """
    same = (
        getattr(row, text_field) == fields[text_field]
        and {s.key for s in row.sources.all()} == source_keys
    )
    newer = row.read_on is not None and (
        fields["read_on"] is None or row.read_on > fields["read_on"]
    )
    if same and newer:
        return {**fields, "read_on": row.read_on, "read_by": row.read_by}
    return fields


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
    rows = Fact.objects.select_related("route__country", "country").prefetch_related("sources")
    for fact in rows.order_by("order", "pk"):
        existing[_owner_of(fact)].append(fact)
    wanted_links: dict[int, set[int]] = {}
    for owner, incoming in owners.items():
        rows = existing.pop(owner, [])
        for order, fact_in in enumerate(incoming):
            fields = _fact_fields(fact_in, order)
            if order < len(rows):
                fact = rows[order]
                fields = _keep_newer_reading(fact, fields, "text", set(fact_in.sources))
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
    existing = {
        ((i.route.country.code, i.route.slug), i.code): i
        for i in ChecklistItem.objects.select_related("route__country").prefetch_related("sources")
    }
    wanted: dict[tuple[tuple[str, str], str], dict[str, Any]] = {}
    for route_key, incoming in items.items():
        for order, item in enumerate(incoming):
            fields = {
                "route": routes[route_key],
                "code": item.code,
                "label": item.label,
                "required": item.required,
                "confirmed": item.confirmed,
                "read_on": item.read_on,
                "read_by": item.read_by,
                "order": order,
            }
            row = existing.get((route_key, item.code))
            if row is not None:
                fields = _keep_newer_reading(row, fields, "label", set(item.sources))
            wanted[(route_key, item.code)] = fields
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
