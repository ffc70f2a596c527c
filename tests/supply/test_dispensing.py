"""Orders, receiving (clone, recall, double scan, discrepancies), dispensing refusals, the
concurrency of two pharmacists, registers and incident reports."""

from __future__ import annotations

import io
import re
import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from repigment.accounts.models import AuditEntry
from repigment.authorisations.models import AuthorisationApplication
from repigment.authorisations.quantity import remaining
from repigment.core.templatetags.dates import day_text
from repigment.safety.services import suspect_lots
from repigment.supply import dispensing, orders, pharmacy_views, reports, stock
from repigment.supply.models import (
    Discrepancy,
    Dispense,
    Incident,
    Pack,
    PackState,
    Recall,
    Scan,
    ScanOutcome,
)
from tests.conftest import World
from tests.supply.conftest import GTIN_100, Catalogue
from tests.supply.orders_world import (
    Setup,
    approved,
    code,
    order,
    rival_pharmacy,
    setup,
    stocked,
    stocked_at,
    today,
)

__all__ = ["setup"]


def _pdf_text(data: bytes) -> str:
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(page.extract_text() for page in pages).replace("-\n", "-").replace("\n", " ")


def _dispense(world: World, pack, auth, **kw):  # type: ignore[no-untyped-def]
    return dispensing.dispense(
        pack=pack, authorisation=auth, pharmacist=world.pharmacist, pharmacy=world.pharmacy, **kw
    )


# --- orders ---------------------------------------------------------------------------------


def test_an_order_cannot_ask_for_more_than_remains_authorised(
    world: World, catalogue: Catalogue
) -> None:
    auth = approved(world, packs=4)
    order(world, catalogue, auth, quantity=3)
    with pytest.raises(orders.OrderRefused, match="more than the 1 still authorised"):
        order(world, catalogue, auth, quantity=2)
    assert order(world, catalogue, auth, quantity=1).quantity == 1


def test_an_order_needs_an_approved_authorisation_valid_today(
    world: World, catalogue: Catalogue
) -> None:
    auth = approved(
        world, valid_until=today() - timedelta(days=1), approved_on=today() - timedelta(days=90)
    )
    with pytest.raises(orders.OrderRefused, match="not approved and valid today"):
        order(world, catalogue, auth)


def test_an_order_is_for_the_authorised_pack_size(world: World, catalogue: Catalogue) -> None:
    auth = approved(world, grams=100)
    with pytest.raises(orders.OrderRefused, match="100 g packs"):
        order(world, catalogue, auth)


# --- receiving --------------------------------------------------------------------------------


def test_a_good_pack_is_stocked_against_the_order(world: World, setup: Setup) -> None:
    session = orders.open_session(setup.order, world.pharmacist)
    result = orders.scan(session, by=world.pharmacist, text=code("G1"))
    assert result.scan.outcome == ScanOutcome.STOCKED
    assert result.scan.pack.state == PackState.AVAILABLE
    assert result.scan.pack.order == setup.order


def test_the_same_code_twice_in_a_session_is_a_double_scan(world: World, setup: Setup) -> None:
    session = orders.open_session(setup.order, world.pharmacist)
    orders.scan(session, by=world.pharmacist, text=code("G1"))
    again = orders.scan(
        session, by=world.pharmacist, text=code("G1").replace("(17)450331", "(17)450331")
    )
    assert again.scan.outcome == ScanOutcome.DOUBLE_SCAN
    assert again.incident is None
    assert orders.counted(setup.order) == 1
    assert not Incident.objects.exists()


def test_a_recalled_lot_is_quarantined_with_an_incident(world: World, setup: Setup) -> None:
    session = orders.open_session(setup.order, world.pharmacist)
    result = orders.scan(session, by=world.pharmacist, text=code("R1", "L23R", expiry="441231"))
    assert result.scan.outcome == ScanOutcome.QUARANTINED
    assert result.scan.pack.state == PackState.QUARANTINED
    assert result.incident.kind == Incident.Kind.RECALLED


def test_a_serial_already_dispensed_is_a_clone_held_reported_and_never_dispensable(
    world: World, client: Client, setup: Setup
) -> None:
    first = orders.scan(
        orders.open_session(setup.order, world.pharmacist), by=world.pharmacist, text=code("C1")
    )
    _dispense(world, first.scan.pack, setup.auth)
    later = orders.open_session(setup.order, world.pharmacist)
    clone = orders.scan(later, by=world.pharmacist, text=code("C1"))
    assert clone.scan.outcome == ScanOutcome.HELD and clone.scan.pack is None
    incident = clone.incident
    assert incident.kind == Incident.Kind.SUSPECTED_FALSIFIED
    assert incident.clone_of == first.scan.pack
    text = _pdf_text(reports.incident_pdf(incident))
    for needle in (
        "Opzelura",
        "L24A",
        "C1",
        "Test Import Pharmacy",
        "rapidalert@who.int",
        "SAHPRA",
    ):
        assert needle in text
    client.force_login(world.pharmacist)
    assert "Suspected falsified" in client.get(reverse("accounts:dashboard")).content.decode()
    client.force_login(world.prescriber)
    assert "Suspected falsified pack" in client.get(reverse("accounts:dashboard")).content.decode()


def test_wrong_product_and_over_delivery_are_discrepancies_and_short_on_closing(
    world: World, setup: Setup
) -> None:
    session = orders.open_session(setup.order, world.pharmacist)
    wrong = orders.scan(session, by=world.pharmacist, text=code("W1", gtin=GTIN_100))
    assert wrong.scan.outcome == ScanOutcome.NOT_STOCKED
    for serial in ("A1", "A2", "A3"):
        orders.scan(session, by=world.pharmacist, text=code(serial))
    over = orders.scan(session, by=world.pharmacist, text=code("A4"))
    assert over.scan.outcome == ScanOutcome.NOT_STOCKED
    kinds = list(Discrepancy.objects.values_list("kind", flat=True))
    assert kinds == [Discrepancy.Kind.WRONG_PRODUCT, Discrepancy.Kind.OVER]


def test_closing_short_records_the_missing_packs(world: World, setup: Setup) -> None:
    orders.scan(
        orders.open_session(setup.order, world.pharmacist), by=world.pharmacist, text=code("A1")
    )
    found = orders.close_order(setup.order, world.pharmacist)
    assert [(d.kind, d.packs) for d in found] == [(Discrepancy.Kind.SHORT, 2)]
    with pytest.raises(orders.OrderRefused):
        orders.open_session(setup.order, world.pharmacist)


def test_the_receiving_page_shows_three_verdicts(
    world: World, client: Client, setup: Setup
) -> None:
    good = orders.scan(
        orders.open_session(setup.order, world.pharmacist), by=world.pharmacist, text=code("D1")
    )
    _dispense(world, good.scan.pack, setup.auth)
    client.force_login(world.pharmacist)
    response = client.post(reverse("supply:session_open", args=[setup.order.pk]))
    url = response["Location"]
    pages = [
        client.post(url, {"code": text}).content.decode()
        for text in (
            "]d2010952000000060817450331" + "10L24A\x1d21D2",
            code("R9", "L23R", expiry="441231"),
            code("D1"),
        )
    ]
    assert 'data-outcome="stocked"' in pages[0]
    assert "Recalled: received into quarantine" in pages[1]
    assert "Suspected falsified (cloned) pack" in pages[2]


# --- dispensing -------------------------------------------------------------------------------


def test_dispensing_updates_the_remaining_quantity_the_record_and_suspect_lots(
    world: World, client: Client, setup: Setup
) -> None:
    pack = stocked(world, "P1")
    _dispense(world, pack, setup.auth)
    left = remaining(setup.auth, today())
    assert (left.dispensed_packs, left.remaining_packs) == (1, 3)
    client.force_login(world.prescriber)
    page = client.get(reverse("patients:detail", args=[world.patient.pk])).content.decode()
    assert "P1" in page and "L24A" in page

    class Event:
        patient = world.patient
        onset_date = today()

    assert suspect_lots(Event()) == ["L24A"]  # type: ignore[arg-type]


def test_refused_when_the_authorisation_has_expired(world: World, catalogue: Catalogue) -> None:
    auth = approved(
        world, approved_on=today() - timedelta(days=200), valid_until=today() - timedelta(days=1)
    )
    with pytest.raises(dispensing.DispenseRefused, match="not valid on") as error:
        _dispense(world, stocked(world, "E1"), auth)
    assert error.value.code == "authorisation_not_valid"
    ended = auth.valid_until
    assert ended is not None and day_text(ended) in str(error.value)  # in words, not ISO
    assert ended.isoformat() not in str(error.value)


def test_refused_when_the_authorised_quantity_would_be_exceeded(
    world: World, catalogue: Catalogue
) -> None:
    auth = approved(world, packs=1)
    _dispense(world, stocked(world, "Q1"), auth, day=today() - timedelta(days=8))
    with pytest.raises(dispensing.DispenseRefused, match="exceed the authorised quantity"):
        _dispense(world, stocked(world, "Q2"), auth)


def test_refused_when_the_pack_is_not_verified(world: World, setup: Setup) -> None:
    result = orders.scan(orders.open_session(setup.order, world.pharmacist), by=world.pharmacist,
                         text=code("R1", "L23R", expiry="441231"))  # fmt: skip
    with pytest.raises(dispensing.DispenseRefused, match="not verified and available"):
        _dispense(world, result.scan.pack, setup.auth)


def test_refused_when_the_serial_was_dispensed_before(world: World, setup: Setup) -> None:
    pack = stocked(world, "S1")
    _dispense(world, pack, setup.auth)
    with pytest.raises(dispensing.DispenseRefused, match="dispensed before") as error:
        _dispense(world, pack, setup.auth)
    assert error.value.code == "dispensed_before"


def test_refused_when_a_recall_recorded_after_receipt_names_the_pack(
    world: World, client: Client, setup: Setup
) -> None:
    """The pack passed every check on receipt; the lot was recalled later."""
    pack = stocked(world, "RC1", lot="L24B")
    Recall.objects.create(
        product_pack=pack.product_pack, scope=Recall.Scope.LOT, lot_number="L24B",
        reason="Out of specification", recalled_on=today(), source_document="Letter 9",
        entered_by=world.pharmacist,
    )  # fmt: skip
    with pytest.raises(dispensing.DispenseRefused, match="is recalled") as error:
        _dispense(world, pack, setup.auth)
    assert error.value.code == "recalled"
    assert Pack.objects.get(pk=pack.pk).state == PackState.AVAILABLE
    client.force_login(world.pharmacist)
    page = client.get(reverse("supply:dispense", args=[setup.auth.pk])).content.decode()
    assert "RC1" not in page  # not offered at the counter
    assert "RC1" in client.get(reverse("accounts:dashboard")).content.decode()  # on the queue


def test_refused_above_the_label_weekly_limit_without_justification(
    world: World, setup: Setup
) -> None:
    _dispense(world, stocked(world, "L1"), setup.auth)
    with pytest.raises(dispensing.DispenseRefused, match="weekly limit"):
        _dispense(world, stocked(world, "L2"), setup.auth)
    assert remaining(setup.auth, today()).dispensed_packs == 1


def test_the_prescribers_justification_passes_the_label_limit_but_never_the_authorisation(
    world: World, catalogue: Catalogue
) -> None:
    auth = approved(world, packs=2, prescription={"justification": "Extensive facial disease."})
    _dispense(world, stocked(world, "J1"), auth)
    second = _dispense(world, stocked(world, "J2"), auth)
    assert "Extensive facial disease." in second.label_override
    with pytest.raises(dispensing.DispenseRefused, match="authorised quantity"):
        _dispense(world, stocked(world, "J3"), auth)


def test_the_dispense_page_refuses_with_the_reason(
    world: World, client: Client, setup: Setup
) -> None:
    pack = stocked(world, "V1")
    _dispense(world, pack, setup.auth)
    client.force_login(world.pharmacist)
    response = client.post(reverse("supply:dispense", args=[setup.auth.pk]), {"code": code("V1")})
    assert response.status_code == 422
    assert "dispensed before" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_pharmacists_dispensing_the_same_pack_make_one_dispense(
    world: World, catalogue: Catalogue
) -> None:
    auth = approved(world)
    pack = stocked(world, "T1")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt() -> None:
        try:
            barrier.wait()
            _dispense(world, pack, auth)
            outcomes.append("dispensed")
        except dispensing.DispenseRefused as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes)[0] != "dispensed" or outcomes.count("dispensed") == 1
    assert outcomes.count("dispensed") == 1, outcomes
    assert Dispense.objects.filter(pack=pack).count() == 1


# --- registers and incidents ------------------------------------------------------------------


def test_the_register_as_csv_and_pdf(world: World, client: Client, setup: Setup) -> None:
    _dispense(world, stocked(world, "X1"), setup.auth)
    client.force_login(world.pharmacist)
    csv_text = client.get(reverse("supply:register_csv", args=[setup.auth.pk])).content.decode()
    header, row = csv_text.splitlines()[:2]
    assert header.startswith("dispensed_on,time_utc,pharmacist")
    assert "Pharmacist <pharmacist@pharm.test>" in row and "L24A" in row and ",X1," in row
    pdf = client.get(reverse("supply:register_pdf", args=[setup.auth.pk])).content
    text = _pdf_text(pdf)
    assert "S21-TEST-1" in text and "X1" in text and "L24A" in text and "5 years" in text


def test_dispenses_cannot_be_changed_or_deleted(world: World, setup: Setup) -> None:
    from repigment.core.appendonly import AppendOnlyError

    done = _dispense(world, stocked(world, "N1"), setup.auth)
    with pytest.raises(AppendOnlyError):
        done.delete()
    with pytest.raises(AppendOnlyError):
        Dispense.objects.all().delete()
    assert done.retain_until >= setup.auth.valid_until.replace(year=setup.auth.valid_until.year + 5)


def test_incidents_are_counted_per_month(world: World, setup: Setup) -> None:
    session = orders.open_session(setup.order, world.pharmacist)
    orders.scan(session, by=world.pharmacist, text=code("R1", "L23R", expiry="441231"))
    orders.scan(session, by=world.pharmacist, text=code("OLD", "L10", expiry="200131"))
    months = reports.incidents_per_month(Incident.objects.all())
    assert len(months) == 1
    assert months[0].counts == {"suspected_falsified": 0, "recalled": 1, "expired_at_receipt": 1}


# --- two pharmacies serving one clinic ----------------------------------------------------------


def test_a_scanned_code_finds_only_packs_in_the_pharmacists_own_stock(
    world: World, client: Client, setup: Setup
) -> None:
    rival = rival_pharmacy(world)
    theirs = stocked_at(rival, "B1")
    client.force_login(world.pharmacist)
    url = reverse("supply:dispense", args=[setup.auth.pk])
    response = client.post(url, {"code": code("B1")})
    assert response.status_code == 422
    assert "No pack with serial B1" in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.state == PackState.AVAILABLE
    assert not Dispense.objects.exists()


def test_a_scanned_code_of_an_own_pack_is_dispensed_as_the_own_pharmacy(
    world: World, client: Client, setup: Setup
) -> None:
    rival = rival_pharmacy(world)
    stocked_at(rival, "B2")
    mine = stocked(world, "M2")
    client.force_login(world.pharmacist)
    url = reverse("supply:dispense", args=[setup.auth.pk])
    assert client.post(url, {"code": code("M2")}).status_code == 302
    done = Dispense.objects.get()
    assert (done.pack, done.pharmacy) == (mine, world.pharmacy)


# --- two orders scanning one serial at once -----------------------------------------------------


def _wait_until_blocked_on_a_lock(deadline: float) -> None:
    """Wait until another connection waits on a lock (the second scan behind the first's insert)."""
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0]:
                return
        time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_a_scan_that_loses_the_race_for_a_serial_still_records_the_clone(
    world: World, catalogue: Catalogue
) -> None:
    """Two orders scan one serial at once, on two connections. On PostgreSQL the second scan
    verifies the serial as new before the first commits and loses at the insert: it answers
    409 and still keeps its scan and the clone incident. SQLite runs writers one after the
    other (each scan's transaction takes the write lock first), so the second scan begins
    after the first's commit and finds a plain clone."""
    racing = connection.vendor == "postgresql"
    auth = approved(world, packs=4)
    first, second = (order(world, catalogue, auth, quantity=2) for _ in range(2))
    sessions = [orders.open_session(o, world.pharmacist) for o in (first, second)]
    api = Client()
    api.force_login(world.pharmacist)
    scanned, commit = threading.Event(), threading.Event()
    answers: dict[str, Any] = {}

    def winner() -> None:
        try:
            with transaction.atomic():  # held open (PostgreSQL) until the loser is blocked
                answers["winner"] = orders.scan(sessions[0], by=world.pharmacist, text=code("Z1"))
                if racing:
                    scanned.set()
                    commit.wait(10)
            scanned.set()
        finally:
            connections.close_all()

    def loser() -> None:
        scanned.wait(10)
        url = f"/api/v1/supply/sessions/{sessions[1].pk}/scans"
        try:
            answers["loser"] = api.post(url, {"text": code("Z1")}, content_type="application/json")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=winner), threading.Thread(target=loser)]
    for thread in threads:
        thread.start()
    scanned.wait(10)
    if racing:
        _wait_until_blocked_on_a_lock(time.monotonic() + 10)
    commit.set()
    for thread in threads:
        thread.join(30)

    pack = Pack.objects.get(serial="Z1")
    assert pack.order == first and answers["winner"].scan.outcome == ScanOutcome.STOCKED
    loser_scan = Scan.objects.get(session=sessions[1])
    assert (loser_scan.serial, loser_scan.outcome, loser_scan.pack) == ("Z1", "held", None)
    incident = Incident.objects.get(scan=loser_scan)
    assert (incident.kind, incident.clone_of, incident.order) == (
        Incident.Kind.SUSPECTED_FALSIFIED, pack, second,
    )  # fmt: skip
    answer = answers["loser"]
    if racing:
        assert answer.status_code == 409, answer.content
        assert "at the same moment" in answer.json()["error"]["message"]
    else:
        assert answer.status_code == 200 and answer.json()["outcome"] == "held"


def test_the_dispensing_list_names_every_patient_it_shows(
    world: World, client: Client, catalogue: Catalogue
) -> None:
    auth = approved(world)
    client.force_login(world.pharmacist)
    page = client.get(reverse("supply:dispensing_list")).content.decode()
    assert world.patient.record_number in page
    entry = AuditEntry.objects.filter(object_type="dispensing_list").get()
    assert entry.patient_ids == [auth.patient_id] and entry.role == "pharmacist"


def test_the_dispensing_list_pages_every_approved_authorisation_once_soonest_lapse_first(
    world: World, client: Client, catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pharmacy_views, "DISPENSING_PAGE", 3)
    for n in range(7):  # three pairs lapse on the same day: the id breaks the tie
        approved(world, authorisation_number=f"S21-PAGE-{n}",
                 valid_until=today() + timedelta(days=100 + (6 - n) // 2))  # fmt: skip
    expected = [
        a.authorisation_number
        for a in AuthorisationApplication.objects.filter(state="approved").order_by(
            "valid_until", "pk"
        )
    ]
    client.force_login(world.pharmacist)
    url, query, seen, bodies = reverse("supply:dispensing_list"), "", [], []
    while True:
        body = client.get(url + query).content.decode()
        bodies.append(body)
        seen += re.findall(r"<td>(S21-PAGE-\d)</td>", body)
        following = re.search(r'href="\?&amp;after=(\d+)"', body)
        if following is None:
            break
        query = f"?after={following.group(1)}"
    assert seen == expected and len(bodies) == 3
    assert "7 approved authorisations" in bodies[0]
    back = re.search(r'href="\?&amp;before=(\d+)"', bodies[-1])
    assert back is not None
    body = client.get(f"{url}?before={back.group(1)}").content.decode()
    assert re.findall(r"<td>(S21-PAGE-\d)</td>", body) == expected[3:6]


def test_the_stock_list_pages_every_pack_once_newest_first_whole_and_by_state(
    world: World, client: Client, catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pharmacy_views, "STOCK_PAGE", 2)
    for n in range(5):
        stocked(world, f"STK{n}")
    stock.move(Pack.objects.get(serial="STK1"), PackState.DESTROYED, by=world.pharmacist,
               reason="Dented.")  # fmt: skip
    client.force_login(world.pharmacist)
    url = reverse("supply:stock")
    for query, state in (("", None), ("state=available", PackState.AVAILABLE)):
        packs = Pack.objects.filter(pharmacy=world.pharmacy)
        if state:
            packs = packs.filter(state=state)
        expected = list(packs.order_by("-received_at", "-pk").values_list("serial", flat=True))
        seen, cursor = [], ""
        while True:
            body = client.get(f"{url}?{query}{cursor}").content.decode()
            seen += re.findall(r"<td>(STK\d)</td>", body)
            following = re.search(rf'href="\?{query}&amp;after=(\d+)"', body)
            if following is None:
                break
            cursor = f"&after={following.group(1)}"
        assert seen == expected and len(seen) == (5 if state is None else 4), (query, seen)
