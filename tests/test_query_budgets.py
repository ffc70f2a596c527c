"""Query budgets: every page and API list asks the database the same number of questions in
a small world and in one several times larger (no query per row, no page growing with the
registry). The larger world comes from the scale generator (``repigment demo --scale``)."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from repigment.accounts.models import Clinic, Membership, Role, User
from repigment.authorisations.models import AuthorisationApplication
from repigment.core.scale import Chunk
from repigment.patients.models import Patient
from repigment.reminders import course
from repigment.reminders.models import Reminder
from repigment.supply.models import Dispense, ImportOrder, Pack
from tests import scale_world
from tests.access_rules import ANONYMOUS, Row
from tests.authorisations.helpers import importer, section_21
from tests.conftest import PATIENT, World
from tests.patients.helpers import consent
from tests.safety.helpers import event
from tests.supply.conftest import build_catalogue
from tests.test_access_table import ROWS
from tests.treatment.helpers import ruxolitinib

#: Who reads each page: the first of these it lets in.
READERS = [Role.PRESCRIBER, Role.CLINIC_ADMIN, Role.PHARMACIST, Role.ANALYST, Role.AUDITOR,
           PATIENT, ANONYMOUS]  # fmt: skip
SMALL, LARGER = 10, 40
#: Scale builders left out of the larger world (none now: the authorisation API, the dispensing
#: list and the new-order page count dispensed and ordered packs for the whole list at once).
NOT_YET: tuple[str, ...] = ()
#: Pages known to cost more at the larger size, until fixed (none now).
KNOWN_GROWTH: dict[str, int] = {}


def references(world: World) -> None:
    """What the scale builders build on, before the small world: the cream, the Section 21
    route and an importer (the pages' own rows add packs with GTINs). Without them the small
    world had no authorisation, order, pack or dispensing at all, so a list that names patients
    only when it has rows (the pipeline's audit entry) looked as if it grew."""
    ruxolitinib()
    section_21()
    importer(world)


def rows_built() -> dict[str, int]:
    """Rows of the tables the last scale builders fill (each must grow with the world)."""
    return {
        model.__name__: model.objects.count()
        for model in (AuthorisationApplication, ImportOrder, Pack, Dispense)
    }


def grow(world: World, first: int, count: int) -> None:
    """``count`` more synthetic patients of the world's clinic, with all their records."""
    scale_world.grow(world, first, count, seed=7, leave_out=NOT_YET)
    summaries_brought_up_to_date()


def summaries_brought_up_to_date() -> None:
    """Recompute the registry summaries the new patients made stale, as the first report after a
    write does: that recomputation costs a fixed number of queries however many patients are
    stale (tests/registry/test_summaries.py counts them), but only when some are, so the pages
    are compared here with none stale."""
    from repigment.registry import summaries

    summaries.rebuild()


def reader(row: Row) -> str | None:
    return next((kind for kind in READERS if row.expected(kind, "own") == 200), None)


def api_lists(world: World) -> list[tuple[str, str]]:
    pid = world.patient.pk
    return [
        (Role.PRESCRIBER, url)
        for url in (
            "/api/v1/patients", "/api/v1/adverse-events", f"/api/v1/patients/{pid}/adverse-events",
            f"/api/v1/patients/{pid}/visits", f"/api/v1/patients/{pid}/prescriptions",
            f"/api/v1/patients/{pid}/diary", "/api/v1/authorisations",
        )
    ] + [(Role.AUDITOR, "/api/v1/audit-entries")] + [
        (Role.PHARMACIST, f"/api/v1/supply/{name}") for name in ("packs", "recalls", "orders")
    ] + [(PATIENT, "/api/v1/me/diary")]  # fmt: skip


def pages(world: World) -> list[tuple[str, str]]:
    found = []
    for row in ROWS:
        kind = reader(row)
        if row.method != "GET" or kind is None:
            continue
        home = world.home_clinic(kind) if kind != ANONYMOUS else world.clinic
        kwargs = row.kwargs(world, home) if row.kwargs else {}
        found.append((kind, reverse(row.name, kwargs=kwargs)))
    return found + api_lists(world) + later_pages(world)


def later_pages(world: World) -> list[tuple[str, str]]:
    """Keyset-paged lists beyond their first page (the cursor's row is looked up too)."""
    pipeline = reverse("authorisations:pipeline", args=[world.clinic.pk])
    dispensing = reverse("supply:dispensing_list")
    first = AuthorisationApplication.objects.order_by("pk").first()
    after = first.pk if first else 0
    return [
        (Role.PRESCRIBER, f"{pipeline}?state=approved"),
        (Role.PRESCRIBER, f"{pipeline}?state=draft&after={after}"),
        (Role.PHARMACIST, f"{dispensing}?after={after}"),
    ]


def queries(client: Client, world: World, kind: str, url: str) -> int:
    client.logout()
    if kind != ANONYMOUS:
        client.force_login(world.user(kind))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200, f"{url} as {kind}: {response.status_code}"
    assert body is not None
    return len(captured)


@pytest.mark.django_db
def test_every_page_and_api_list_costs_the_same_at_two_sizes(client: Client, world: World) -> None:
    consent(world.patient)
    references(world)
    urls = pages(world)
    before = rows_built()
    grow(world, 0, SMALL)
    built = rows_built()
    assert all(built[name] > before[name] for name in built), (before, built)
    for kind, url in urls:
        queries(client, world, kind, url)  # warm: sessions, caches, lazy objects
    small = {url: queries(client, world, kind, url) for kind, url in urls}
    grow(world, SMALL, LARGER)
    larger = {url: queries(client, world, kind, url) for kind, url in urls}
    allowed = {url: next((n for p, n in KNOWN_GROWTH.items() if p in url), 0) for url in small}
    grew = {
        url: (small[url], larger[url])
        for url in small
        if not 0 <= larger[url] - small[url] <= allowed[url]
    }
    assert not grew, "queries grew with the registry (small, larger): " + "".join(
        f"\n  {url}: {counts}" for url, counts in sorted(grew.items())
    )


#: The homes that are work queues besides the prescriber's: each asks a fixed number of
#: queries whatever the registry's size and however many clinics the person works for.
QUEUE_HOMES = (Role.PHARMACIST, Role.CLINIC_ADMIN, Role.AUDITOR, Role.ANALYST)


def more_clinics(world: World, count: int) -> None:
    """``count`` more clinics (for the pharmacist, pharmacies) for each queue home's person,
    each with a member of staff of its own."""
    for n in range(count):
        clinic = Clinic.objects.create(name=f"Budget Clinic {n}", city="Durban")
        pharmacy = Clinic.objects.create(
            name=f"Budget Pharmacy {n}", city="Durban", kind=Clinic.Kind.PHARMACY
        )
        pharmacy.served_clinics.add(clinic, world.clinic)
        Membership.objects.create(user=world.pharmacist, clinic=pharmacy, role=Role.PHARMACIST)
        for role in (Role.CLINIC_ADMIN, Role.AUDITOR, Role.ANALYST):
            Membership.objects.create(user=world.user(role), clinic=clinic, role=role)
        staff = User.objects.create_user(f"staff{n}@budget.test", None, full_name=f"Staff {n}")
        Membership.objects.create(user=staff, clinic=clinic, role=Role.PRESCRIBER)


@pytest.mark.django_db
def test_the_work_queue_homes_cost_the_same_at_two_sizes_and_with_several_clinics(
    client: Client, world: World
) -> None:
    consent(world.patient)
    references(world)
    build_catalogue(world.pharmacist)
    before = rows_built()
    grow(world, 0, SMALL)
    built = rows_built()
    assert all(built[name] > before[name] for name in built), (before, built)
    home = reverse("accounts:dashboard")
    for kind in QUEUE_HOMES:
        queries(client, world, kind, home)  # warm
    small = {kind: queries(client, world, kind, home) for kind in QUEUE_HOMES}
    grow(world, SMALL, LARGER)
    larger = {kind: queries(client, world, kind, home) for kind in QUEUE_HOMES}
    more_clinics(world, 4)
    several = {kind: queries(client, world, kind, home) for kind in QUEUE_HOMES}
    assert small == larger == several, f"small {small}, larger {larger}, 5 clinics {several}"


def prescriber_clinics(world: World, count: int) -> list[Clinic]:
    """``count`` more clinics where the world's prescriber works, supplied by its pharmacy."""
    made = []
    for n in range(count):
        clinic = Clinic.objects.create(name=f"Prescribing Clinic {n}", city="Durban")
        Membership.objects.create(user=world.prescriber, clinic=clinic, role=Role.PRESCRIBER)
        world.pharmacy.served_clinics.add(clinic)
        made.append(clinic)
    return made


def grow_at(world: World, clinics: list[Clinic], first: int, count: int) -> None:
    """Like ``grow``, spread over ``clinics``."""
    shared: dict[str, Any] = {
        "clinics": clinics,
        "prescribers": {clinic.pk: world.prescriber for clinic in clinics},
        "pharmacy": world.pharmacy,
        "pharmacist": world.pharmacist,
    }
    chunk = Chunk(7, first + count, first, count, timezone.localdate(), shared)
    for path in settings.SCALE_BUILDERS:
        import_string(path)(chunk)


def work_at(clinics: list[Clinic]) -> None:
    """Something in each group of the prescriber's queue at each clinic: a serious event, a
    patient's report to review, a review and another reminder due (the scale world adds
    authorisations in every state, so queries and reports owed too)."""
    today = timezone.localdate()
    for clinic in clinics:
        patient = Patient.objects.filter(clinic=clinic).order_by("pk").first()
        assert patient is not None
        event(patient, seriousness=["hospitalisation"])
        event(patient, by_patient=True)
        for kind in (course.REASSESSMENT, "budget.other"):
            Reminder.objects.create(
                key=f"budget:{kind}:{clinic.pk}", kind=kind, due_on=today, clinic=clinic,
                patient=patient, responsible_role=Role.PRESCRIBER,
            )  # fmt: skip


@pytest.mark.django_db
def test_the_prescribers_home_costs_the_same_for_one_clinic_or_several_and_at_two_sizes(
    client: Client, world: World
) -> None:
    """Issue 13: the prescriber's panels asked one set of queries per clinic (138 queries
    with 40 clinics)."""
    references(world)
    url = reverse("accounts:dashboard")
    grow(world, 0, SMALL)
    work_at([world.clinic])
    queries(client, world, Role.PRESCRIBER, url)  # warm
    one = queries(client, world, Role.PRESCRIBER, url)
    others = prescriber_clinics(world, 3)
    grow_at(world, others, SMALL, SMALL)
    work_at(others)
    several = queries(client, world, Role.PRESCRIBER, url)
    grow_at(world, [world.clinic, *others], 2 * SMALL, LARGER)
    larger = queries(client, world, Role.PRESCRIBER, url)
    assert (several, larger) == (one, one), f"1 clinic {one}, 4 {several}, 4 larger {larger}"
