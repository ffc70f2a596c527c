"""Every URL of the project × every kind of user × own / other clinic → expected status."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access_rules import ANONYMOUS, USER_KINDS, Row
from tests.conftest import World

# URL namespaces with their own gatekeeping, tested elsewhere (fhir: tests/interop).
EXEMPT_NAMESPACES = {"admin", "api", "fhir"}
EXEMPT_NAMES = {"api_not_found"}


def collect_rows() -> list[Row]:
    rows: list[Row] = []
    for path in sorted(Path(__file__).parent.glob("*/access_rows.py")):
        module = importlib.import_module(f"tests.{path.parent.name}.access_rows")
        rows.extend(module.ROWS)
    return rows


def project_url_names(patterns: list[object] | None = None, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in EXEMPT_NAMESPACES:
                continue
            inner = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            names |= project_url_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name and entry.name not in EXEMPT_NAMES:
            names.add(prefix + entry.name)
    return names


ROWS = collect_rows()


def test_every_url_has_exactly_one_row() -> None:
    listed = [row.name for row in ROWS]
    assert sorted(set(listed)) == sorted(listed), "a URL has two rows"
    missing = project_url_names() - set(listed)
    assert not missing, f"URLs without an access rule: {sorted(missing)}"
    stale = set(listed) - project_url_names()
    assert not stale, f"rows for URLs that no longer exist: {sorted(stale)}"


CASES = [
    pytest.param(row, kind, scope, id=f"{row.name}-{kind}-{scope}")
    for row in ROWS
    for kind in USER_KINDS
    for scope in (("own", "other") if row.other is not None else ("own",))
    if not (scope == "other" and kind == ANONYMOUS)
]


@pytest.mark.parametrize(("row", "kind", "scope"), CASES)
def test_access(client: Client, world: World, row: Row, kind: str, scope: str) -> None:
    if kind != ANONYMOUS:
        client.force_login(world.user(kind))
    home = world.home_clinic(kind) if kind != ANONYMOUS else world.clinic
    clinic = world.other_clinic if scope == "other" else home
    kwargs = row.kwargs(world, clinic) if row.kwargs else {}
    url = reverse(row.name, kwargs=kwargs)
    response = client.post(url, row.data) if row.method == "POST" else client.get(url)
    assert response.status_code == row.expected(kind, scope), f"{row.method} {url} as {kind}"
