"""Unapproved (compounded or generic) batches: received into quarantine with their maker and
licence, a certificate of analysis checked by content and against the batch, and a release
refused without it, after which the packs are dispensable."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from repigment.core.appendonly import AppendOnlyError
from repigment.interop.fhir.resources import medication_dispense_resources
from repigment.safety import fhir
from repigment.safety.case import build_case
from repigment.safety.report import report_pdf
from repigment.supply import batches, dispensing, orders
from repigment.supply.models import (
    BatchRelease,
    CertificateOfAnalysis,
    Pack,
    PackMovement,
    PackState,
    UnapprovedBatch,
)
from tests.conftest import World
from tests.safety.helpers import event
from tests.supply.orders_world import approved
from tests.supply.unapproved_world import BATCH, EXPIRY, PDF, compounded_order, png

pytestmark = pytest.mark.django_db

TICKED = [item.key for item in batches.RELEASE_CHECKLIST]


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


def receive(world: World, packs: int = 2, **fields: Any) -> UnapprovedBatch:
    order = compounded_order(world, approved(world))
    values = {"lot_number": BATCH, "expiry": EXPIRY, "maker": "Test Compounding Pharmacy",
              "maker_licence": "P-12345", "packs": packs, **fields}  # fmt: skip
    return batches.receive_batch(order, by=world.pharmacist, **values)


def certify(world: World, batch: UnapprovedBatch, data: bytes = PDF, **fields: Any) -> Any:
    values = {"product_name": "Ruxolitinib 1.5% cream", "batch_number": BATCH,
              "strength": "1,5 %", "expiry": EXPIRY, "results_conform": True, **fields}  # fmt: skip
    return batches.record_certificate(batch, upload=io.BytesIO(data), name="coa.pdf",
                                      size=len(data), by=world.pharmacist, **values)  # fmt: skip


def test_a_batch_is_received_into_quarantine_with_maker_and_licence(world: World) -> None:
    batch = receive(world, packs=2)
    packs = list(batch.stock().order_by("serial"))
    assert [p.state for p in packs] == [PackState.QUARANTINED] * 2
    assert [p.serial for p in packs] == [f"U{batch.pk}-001", f"U{batch.pk}-002"]
    assert (batch.maker_licence, packs[0].lot.number, packs[0].expiry) == ("P-12345", BATCH, EXPIRY)
    assert "Unapproved product" in PackMovement.objects.filter(pack=packs[0]).last().reason
    assert "Unapproved: compounded" in str(packs[0])
    with pytest.raises(AppendOnlyError):
        batch.save()


def test_receipt_refuses_bad_input_and_changes_nothing(world: World) -> None:
    order = compounded_order(world, approved(world), quantity=2)
    base = {"lot_number": BATCH, "expiry": EXPIRY, "maker": "M", "maker_licence": "L", "packs": 1}
    cases = [
        ({"lot_number": "OTHER1"}, "lot_number", "not among the batches declared"),
        ({"expiry": EXPIRY.replace(year=2020)}, "expiry", "expired"),
        ({"maker_licence": " "}, "maker_licence", "licence number"),
        ({"packs": 3}, "packs", "would pass the 2 ordered"),
    ]
    for change, field, words in cases:
        with pytest.raises(batches.BatchRefused) as refused:
            batches.receive_batch(order, by=world.pharmacist, **{**base, **change})
        assert words in " ".join(refused.value.errors[field])
    assert (UnapprovedBatch.objects.count(), Pack.objects.count()) == (0, 0)


def test_scanning_is_refused_for_an_unapproved_product(world: World) -> None:
    order = compounded_order(world, approved(world))
    with pytest.raises(orders.OrderRefused, match="carry no GS1 code"):
        orders.open_session(order, world.pharmacist)


def test_release_without_a_certificate_is_refused(world: World) -> None:
    batch = receive(world)
    with pytest.raises(batches.BatchRefused, match="has no certificate of analysis"):
        batches.release_batch(batch, ticked=TICKED, by=world.pharmacist)
    assert set(batch.stock().values_list("state", flat=True)) == {PackState.QUARANTINED}
    assert not BatchRelease.objects.exists()


def test_a_certificate_is_judged_by_its_bytes_and_against_the_batch(world: World) -> None:
    batch = receive(world)
    with pytest.raises(batches.BatchRefused) as refused:
        certify(world, batch, data=b"MZ\x90\x00 not a pdf", batch_number="CX9999",
                strength="2 %", expiry=EXPIRY.replace(day=1), results_conform=False,
                product_name="Tacrolimus ointment")  # fmt: skip
    errors = refused.value.errors
    assert set(errors) == {"file", "batch_number", "strength", "expiry", "results_conform",
                           "product_name"}  # fmt: skip
    assert "not a PDF or a JPEG" in errors["file"][0]
    assert "batch CX9999, but batch CX2401 was received" in errors["batch_number"][0]
    assert not CertificateOfAnalysis.objects.exists()
    image = certify(world, batch, data=png())
    assert image.content_type == "image/png"
    document = certify(world, batch)
    assert document.content_type == "application/pdf"
    with document.file.open("rb") as handle:
        assert handle.read() == PDF
    assert batch.certificate() == document


def test_an_oversized_certificate_is_refused(world: World, settings: Any) -> None:
    settings.UPLOAD_MAX_BYTES = 100
    batch = receive(world)
    with pytest.raises(batches.BatchRefused, match="files may be at most"):
        certify(world, batch)


def test_release_needs_every_checklist_item_then_packs_are_dispensable(world: World) -> None:
    batch = receive(world, packs=1)
    certify(world, batch)
    with pytest.raises(batches.BatchRefused, match=r"Not confirmed: .*stored as") as refused:
        batches.release_batch(batch, ticked=TICKED[:-1], by=world.pharmacist)
    assert len(refused.value.errors["ticked"]) == 1
    release = batches.release_batch(batch, ticked=TICKED, by=world.pharmacist, note="All fine.")
    assert (release.released_by, release.checklist) == (world.pharmacist, TICKED)
    pack = batch.stock().get()
    assert pack.state == PackState.AVAILABLE
    assert "certificate of analysis" in pack.movements.last().investigation
    with pytest.raises(batches.BatchRefused, match="already released"):
        batches.release_batch(batch, ticked=TICKED, by=world.pharmacist)
    assert batch.order is not None
    done = dispensing.dispense(pack=pack, authorisation=batch.order.authorisation,
                               pharmacist=world.pharmacist, pharmacy=world.pharmacy)  # fmt: skip
    assert done.pack.product_pack.product.is_unapproved


def _dispensed(world: World) -> Any:
    batch = receive(world, packs=1)
    certify(world, batch)
    batches.release_batch(batch, ticked=TICKED, by=world.pharmacist)
    assert batch.order is not None
    return dispensing.dispense(pack=batch.stock().get(), authorisation=batch.order.authorisation,
                               pharmacist=world.pharmacist, pharmacy=world.pharmacy)  # fmt: skip


def test_the_register_marks_the_product_unapproved(world: World, client: Client) -> None:
    done = _dispensed(world)
    client.force_login(world.pharmacist)
    csv_text = client.get(reverse("supply:register_csv", args=[done.authorisation_id])).content
    header, row = csv_text.decode().splitlines()[:2]
    approval = header.split(",").index("approval")
    assert next(csv.reader([row]))[approval] == "compounded"
    page = client.get(reverse("supply:register", args=[done.authorisation_id])).content.decode()
    assert 'data-unapproved="compounded"' in page
    pdf = client.get(reverse("supply:register_pdf", args=[done.authorisation_id])).content
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "UNAPPROVED" in text and "maker Test Compounding Pharmacy" in text
    [dispensed] = medication_dispense_resources([done])
    assert "coding" not in dispensed["contained"][0]["code"]
    assert "UNAPPROVED" in dispensed["contained"][0]["code"]["text"]


def test_adverse_event_reports_name_the_unapproved_product(world: World, client: Client) -> None:
    _dispensed(world)
    recorded = event(world.patient, onset_date=timezone.localdate())
    client.force_login(world.prescriber)
    page = client.get(reverse("safety:event_detail", args=[recorded.pk])).content.decode()
    assert f'data-unapproved="{BATCH}"' in page and "not the approved medicine" in page
    case = build_case(recorded)
    assert case.suspects[0].unapproved == {
        BATCH: "UNAPPROVED product (compounded, not the approved medicine): Ruxolitinib cream "
        "(compounded) 1.5 %, maker Test Compounding Pharmacy, batch CX2401"
    }
    resource = fhir.validated_resource(case)
    assert "UNAPPROVED" in resource["contained"][0]["code"]["text"]
    assert "Unapproved product" in resource["text"]["div"]
    pdf = report_pdf(case)
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Unapproved product" in text and "CX2401" in text


def test_the_api_names_the_product_unapproved(world: World, client: Client) -> None:
    from tests.supply.test_api import token

    batch = receive(world, packs=1)
    found = client.get("/api/v1/supply/packs", **token(world.pharmacist)).json()
    [pack] = found["items"]
    assert (pack["approval"], pack["gtin"], pack["lot"]) == ("compounded", "", BATCH)
    products = client.get("/api/v1/supply/products", **token(world.pharmacist)).json()
    assert [p["approval"] for p in products if p["id"] == batch.product.pk] == ["compounded"]


def test_the_dashboard_lists_batches_awaiting_release(world: World, client: Client) -> None:
    batch = receive(world, packs=1)
    client.force_login(world.pharmacist)
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert reverse("supply:batch_detail", args=[batch.pk]) in page
    certify(world, batch)
    batches.release_batch(batch, ticked=TICKED, by=world.pharmacist)
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert reverse("supply:batch_detail", args=[batch.pk]) not in page
