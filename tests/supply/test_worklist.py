"""The pharmacist's home is a work queue: safety first, each group counted, its first few
items with a link to where the work is done, the patients it names audited once."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client
from django.urls import reverse

from repigment.accounts.models import AuditEntry
from repigment.supply import orders
from repigment.supply.models import Recall
from tests.conftest import World
from tests.supply.conftest import Catalogue
from tests.supply.orders_world import Setup, approved, code, order, setup, stocked, today

__all__ = ["setup"]


def home(client: Client, world: World) -> str:
    client.force_login(world.pharmacist)
    return client.get(reverse("accounts:dashboard")).content.decode()


def groups(page: str) -> list[str]:
    return re.findall(r'data-group="([a-z]+)"', page)


def count(page: str, group: str) -> int:
    block = page.split(f'data-group="{group}"', 1)[1]
    return int(re.search(r'data-count="(\d+)"', block).group(1))  # type: ignore[union-attr]


def recall_lot(world: World, catalogue: Catalogue, lot: str) -> Recall:
    return Recall.objects.create(
        product_pack=catalogue.pack_60, scope=Recall.Scope.LOT, lot_number=lot,
        reason="Out of specification.", recalled_on=today(), source_document="Letter 7",
        entered_by=world.pharmacist,
    )  # fmt: skip


def test_an_empty_queue_says_so(world: World, client: Client) -> None:
    page = home(client, world)
    assert groups(page) == []
    assert "Nothing waits for you" in page


def test_safety_comes_first_then_receiving_then_dispensing(
    world: World, client: Client, setup: Setup, catalogue: Catalogue
) -> None:
    stocked(world, "S1", setup.order, lot="BAD1")
    recall_lot(world, catalogue, "BAD1")
    first = orders.scan(orders.open_session(setup.order, world.pharmacist),
                        by=world.pharmacist, text=code("S1", "BAD1"))  # fmt: skip
    assert first.incident is not None  # the repeated serial: a suspected clone
    page = home(client, world)
    assert groups(page) == ["recalled", "falsified", "receive", "dispense"]
    assert count(page, "recalled") == 1 and count(page, "falsified") == 1
    assert "Lot BAD1, serial S1 is recalled" in page
    assert reverse("supply:incident_report", args=[first.incident.pk]) in page
    assert reverse("supply:order_detail", args=[setup.order.pk]) in page
    assert reverse("supply:dispense", args=[setup.auth.pk]) in page
    assert "JHB-T-1: 3 of 4 packs left" in page or "JHB-T-1: 4 of 4 packs left" in page


def test_each_group_shows_five_and_counts_all_with_a_link_to_the_rest(
    world: World, client: Client, catalogue: Catalogue
) -> None:
    auth = approved(world, packs=20)
    for _ in range(7):
        order(world, catalogue, auth, quantity=1)
    page = home(client, world)
    block = page.split('data-group="receive"', 1)[1].split("</section>", 1)[0]
    assert count(page, "receive") == 7
    assert block.count("<li>") == 5
    assert "See all 7" in block and reverse("supply:order_list") in block


def test_a_fully_dispensed_authorisation_is_not_ready_to_dispense(
    world: World, client: Client
) -> None:
    approved(world, packs=0)
    assert "dispense" not in groups(home(client, world))


def test_the_patients_it_names_are_in_the_request_s_one_audit_entry(
    world: World, client: Client, setup: Setup
) -> None:
    home(client, world)
    entry = AuditEntry.objects.filter(actor=world.pharmacist).latest("pk")
    assert entry.patient_ids == [world.patient.pk]


def test_the_queue_asks_the_same_queries_for_one_pharmacy_or_several(
    world: World, client: Client, setup: Setup, catalogue: Catalogue
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from repigment.accounts.models import Clinic, Membership, Role

    client.force_login(world.pharmacist)
    client.get(reverse("accounts:dashboard"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("accounts:dashboard"))
    for n in range(4):
        other = Clinic.objects.create(name=f"Pharmacy {n}", city="X", kind=Clinic.Kind.PHARMACY)
        other.served_clinics.add(world.clinic)
        Membership.objects.create(user=world.pharmacist, clinic=other, role=Role.PHARMACIST)
    with CaptureQueriesContext(connection) as several:
        client.get(reverse("accounts:dashboard"))
    assert len(several) == len(one)


def test_a_large_group_is_counted_only_up_to_a_bound(
    world: World, client: Client, catalogue: Catalogue, monkeypatch: Any
) -> None:
    """The count reads at most COUNT_UPTO + 1 rows, whatever the registry's size."""
    monkeypatch.setattr("repigment.core.worklist.COUNT_UPTO", 6)
    auth = approved(world, packs=20)
    for _ in range(7):
        order(world, catalogue, auth, quantity=1)
    block = home(client, world).split('data-group="receive"', 1)[1].split("</section>", 1)[0]
    assert "more than 6" in block and "See them all" in block
    assert block.count("<li>") == 5


def test_a_pack_recalled_by_its_serial_is_listed_and_its_lot_neighbours_are_not(
    world: World, client: Client, setup: Setup, catalogue: Catalogue
) -> None:
    stocked(world, "ONE", setup.order, lot="L9")
    stocked(world, "TWO", setup.order, lot="L9")
    Recall.objects.create(
        product_pack=catalogue.pack_60, scope=Recall.Scope.SERIAL, serial="TWO",
        reason="Reported tampered.", recalled_on=today(), source_document="Letter 8",
        entered_by=world.pharmacist,
    )  # fmt: skip
    page = home(client, world)
    assert count(page, "recalled") == 1
    assert "serial TWO is recalled" in page and "serial ONE" not in page
