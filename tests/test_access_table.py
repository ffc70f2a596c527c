"""Every URL of the project × every kind of user × own / other clinic → expected status.

Beyond own and other clinic, each row also runs
- as a pharmacist of a second pharmacy serving the same clinic, on the first pharmacy's objects
  (rows a pharmacist is let into): they get nothing (``Row.other_pharmacy``);
- as a portal patient on the same URL built for another patient of the same clinic (rows a
  patient is let into): they get nothing (``Row.other_patient``);
- for every GET row, the POST side: a kind refused on GET is refused on POST too (the same
  status, or 405 when the view takes no POST); the admin's in one test.

The world is built once for the module, inside a transaction rolled back at its end; each case
runs in its own savepoint (the ``db`` fixture), so what one case writes no other sees.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.http.response import HttpResponseBase
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from repigment.accounts.models import Clinic, Membership, Role, User
from repigment.patients.models import Patient
from tests.access_rules import ANONYMOUS, OTHER_PATIENT, OTHER_PHARMACY, USER_KINDS, Row
from tests.conftest import PASSWORD, PATIENT, World, build_world

# URL namespaces with their own gatekeeping, tested elsewhere (fhir: tests/interop). The admin's
# and the API's rows are made from their URLs (tests/core/admin_access.py, api_access.py).
EXEMPT_NAMESPACES = {"fhir"}
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


@dataclass
class Shared:
    """The table's world, plus a second pharmacy and a second patient of the home clinic."""

    world: World
    pharmacist_b: User
    neighbour: World  # the same world, its patient another patient of the same clinic


@pytest.fixture(scope="module")
def shared(django_db_setup: None, django_db_blocker: Any) -> Iterator[Shared]:
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        pharmacy_b = Clinic.objects.create(
            name="Second Import Pharmacy", city="Johannesburg", kind=Clinic.Kind.PHARMACY
        )
        pharmacy_b.served_clinics.add(world.clinic)
        pharmacist_b = User.objects.create_user(
            "pharmacist@second.test", PASSWORD, full_name="Pharmacist B"
        )
        Membership.objects.create(user=pharmacist_b, clinic=pharmacy_b, role=Role.PHARMACIST)
        user = User.objects.create_user("neighbour@jhb.test", PASSWORD, full_name="Neighbour")
        neighbour = Patient.objects.create(
            clinic=world.clinic, record_number="JHB-T-2", given_names="Neighbour",
            family_name="Jhb", date_of_birth=date(1988, 3, 9), sex="male", phototype=4, user=user,
        )  # fmt: skip
        yield Shared(world, pharmacist_b, replace(world, patient=neighbour, patient_user=user))
        transaction.set_rollback(True)


def _cases() -> list[Any]:
    cases = []
    for row in ROWS:
        for kind in row.kinds or USER_KINDS:
            scopes = ["own"]
            if row.other is not None and kind != ANONYMOUS:
                scopes.append("other")
            if row.kwargs is not None and kind == Role.PHARMACIST and row.succeeds_for(kind):
                scopes.append(OTHER_PHARMACY)
            if row.kwargs is not None and kind == PATIENT and row.succeeds_for(kind):
                scopes.append(OTHER_PATIENT)
            cases += [
                pytest.param(row, kind, scope, id=f"{row.name}-{kind}-{scope}") for scope in scopes
            ]
    return cases


CASES = _cases()


def _request(
    client: Client, shared: Shared, row: Row, kind: str, scope: str, method: str
) -> tuple[str, HttpResponseBase]:
    world = shared.world
    if scope == OTHER_PHARMACY:
        client.force_login(shared.pharmacist_b)
    elif kind != ANONYMOUS:
        client.force_login(world.user(kind))
    home = world.home_clinic(kind) if kind != ANONYMOUS else world.clinic
    clinic = world.other_clinic if scope == "other" else home
    builder_world = shared.neighbour if scope == OTHER_PATIENT else world
    kwargs = row.kwargs(builder_world, clinic) if row.kwargs else {}
    url = reverse(row.name, kwargs=kwargs)
    if row.json and method == row.method:
        body = json.dumps(row.data)
        response = client.generic(method, url, body, content_type="application/json")
    elif method == "POST":
        response = client.post(url, row.data)
    else:
        response = client.get(url)
    return url, response


@pytest.mark.parametrize(("row", "kind", "scope"), CASES)
def test_access(client: Client, shared: Shared, db: None, row: Row, kind: str, scope: str) -> None:
    url, response = _request(client, shared, row, kind, scope, row.method)
    status = response.status_code
    as_whom = "a pharmacist of another pharmacy" if scope == OTHER_PHARMACY else kind
    assert status == row.expected(kind, scope), f"{row.method} {url} as {as_whom} ({scope})"


def _refused(row: Row, kind: str, scope: str) -> bool:
    on_get = row.expected(kind, scope)
    return on_get in (401, 403, 404) or (on_get == 302 and kind == ANONYMOUS)


# Those a page refuses (what the POST side must keep refusing); the API's paths each take their
# own methods, every one a row of its own; the admin's POST side is one test below.
POST_CASES = [
    pytest.param(row, kind, scope, id=f"{row.name}-{kind}-{scope}-post")
    for row in ROWS
    if row.method == "GET" and not row.name.startswith(("api:", "admin:"))
    for kind in row.kinds or USER_KINDS
    for scope in (("own", "other") if row.other is not None else ("own",))
    if not (scope == "other" and kind == ANONYMOUS) and _refused(row, kind, scope)
]


@pytest.mark.parametrize(("row", "kind", "scope"), POST_CASES)
def test_the_post_side_refuses_whom_the_page_refuses(
    client: Client, shared: Shared, db: None, row: Row, kind: str, scope: str
) -> None:
    url, response = _request(client, shared, row, kind, scope, "POST")
    status = response.status_code
    assert status in (row.expected(kind, scope), 405), f"POST {url} as {kind} ({scope}): {status}"


def test_every_admin_url_sends_a_post_from_anyone_not_staff_to_the_log_in(
    client: Client, shared: Shared, db: None
) -> None:
    """The admin's POST side, every URL in one test (the rule is one for every kind)."""
    wrong = []
    for row in ROWS:
        if not row.name.startswith("admin:") or row.name == "admin:login":
            continue
        for kind in row.kinds or USER_KINDS:
            client.logout()
            url, response = _request(client, shared, row, kind, "own", "POST")
            # (the admin's log-out sends a visitor who is not staff to the admin's index,
            # which sends them on to its log-in)
            went = response.get("Location", "")
            expected = row.expected(kind, "own")
            if expected != 302:
                if response.status_code not in (expected, 405):
                    wrong.append(f"POST {url} as {kind}: {response.status_code}")
            elif response.status_code != 302 or not (
                "login" in went or went == reverse("admin:index")
            ):
                wrong.append(f"POST {url} as {kind}: {response.status_code} {went}")
    assert not wrong, wrong
