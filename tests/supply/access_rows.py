"""Access rules for the supply pages: pharmacists only (DESIGN.md: supply data is theirs); the
regulator's report on an incident also to prescribers of the clinics the pharmacy supplies."""

from __future__ import annotations

from typing import Any

from repigment.accounts.models import Clinic, Role
from repigment.supply import orders
from repigment.supply.models import Approval, ImportOrder
from tests.access_rules import Row, only
from tests.conftest import World

PHARMACIST_ONLY = only(Role.PHARMACIST)


def _order(world: World) -> ImportOrder:
    from tests.supply.conftest import build_catalogue
    from tests.supply.orders_world import approved, order

    # An order for the approved cream: one for an unapproved product (``_batch``) takes no scans.
    found = ImportOrder.objects.filter(
        pharmacy=world.pharmacy, product_pack__product__approval=Approval.APPROVED
    ).first()
    if found is not None:
        return found
    return order(world, build_catalogue(world.pharmacist), approved(world), quantity=2)


def order_kwargs(world: World, clinic: Clinic) -> dict[str, Any]:
    return {"order_id": _order(world).pk}


def session_kwargs(world: World, clinic: Clinic) -> dict[str, Any]:
    return {"session_id": orders.open_session(_order(world), world.pharmacist).pk}


def scan_kwargs(world: World, clinic: Clinic) -> dict[str, Any]:
    """A scan refused for warnings only: the code's expiry differs from the lot's record."""
    from tests.supply.orders_world import code

    session = orders.open_session(_order(world), world.pharmacist)
    result = orders.scan(session, by=world.pharmacist, text=code("W1", expiry="450330"))
    return {"session_id": session.pk, "scan_id": result.scan.pk}


def authorisation_kwargs(world: World, clinic: Clinic) -> dict[str, Any]:
    return {"authorisation_id": _order(world).authorisation_id}


def incident_kwargs(world: World, clinic: Clinic) -> dict[str, Any]:
    from tests.supply.orders_world import code

    session = orders.open_session(_order(world), world.pharmacist)
    result = orders.scan(session, by=world.pharmacist, text=code("R1", "L23R", expiry="441231"))
    assert result.incident is not None
    return {"incident_id": result.incident.pk}


def _batch(world: World) -> Any:
    from repigment.supply import batches
    from repigment.supply.models import UnapprovedBatch
    from tests.supply.orders_world import approved
    from tests.supply.unapproved_world import BATCH, EXPIRY, compounded_order

    found = UnapprovedBatch.objects.filter(pharmacy=world.pharmacy).first()
    if found is not None:
        return found
    order = compounded_order(world, approved(world, authorisation_number="S21-BATCH-1"))
    return batches.receive_batch(order, lot_number=BATCH, expiry=EXPIRY, maker="Maker",
                                 maker_licence="L-1", packs=1, by=world.pharmacist)  # fmt: skip


def batch_kwargs(world: World, clinic: Clinic) -> dict[str, Any]:
    return {"batch_id": _batch(world).pk}


def batch_order_kwargs(world: World, clinic: Clinic) -> dict[str, Any]:
    return {"order_id": _batch(world).order_id}


def certificate_kwargs(world: World, clinic: Clinic) -> dict[str, Any]:
    import io

    from repigment.supply import batches
    from tests.supply.unapproved_world import BATCH, EXPIRY, PDF

    batch = _batch(world)
    certificate = batch.certificate() or batches.record_certificate(
        batch, upload=io.BytesIO(PDF), name="coa.pdf", size=len(PDF), product_name="Ruxolitinib",
        batch_number=BATCH, strength="1.5 %", expiry=EXPIRY, results_conform=True,
        by=world.pharmacist,
    )  # fmt: skip
    return {"batch_id": batch.pk, "certificate_id": certificate.pk}


# Every pharmacy serving the patient's clinic dispenses against the clinic's authorisation (from
# its own stock) and sees the authorisation's register; orders, sessions, scans and incidents
# are one pharmacy's own, so a second pharmacy's pharmacist finds nothing (404).
ROWS = [
    Row("supply:catalogue", own=PHARMACIST_ONLY),
    Row("supply:check_code", own=PHARMACIST_ONLY),
    Row("supply:recall_list", own=PHARMACIST_ONLY),
    Row("supply:recall_import", own=PHARMACIST_ONLY),
    Row("supply:recall_template", own=PHARMACIST_ONLY),
    Row("supply:order_list", own=PHARMACIST_ONLY),
    Row("supply:order_create", own=PHARMACIST_ONLY),
    Row("supply:order_detail", own=PHARMACIST_ONLY, kwargs=order_kwargs),
    Row(
        "supply:session_open",
        own=only(Role.PHARMACIST, status=302),
        method="POST",
        kwargs=order_kwargs,
    ),
    Row(
        "supply:order_close",
        own=only(Role.PHARMACIST, status=302),
        method="POST",
        kwargs=order_kwargs,
    ),
    Row("supply:receive", own=PHARMACIST_ONLY, kwargs=session_kwargs),
    Row(
        "supply:quarantine_scan",
        own=only(Role.PHARMACIST, status=302),
        method="POST",
        kwargs=scan_kwargs,
        data={"reason": "Kept for the investigation."},
    ),
    # An unapproved batch is one pharmacy's own; the posts here are refused as incomplete (422).
    Row(
        "supply:batch_receive",
        own=only(Role.PHARMACIST, status=422),
        method="POST",
        kwargs=batch_order_kwargs,
    ),
    Row("supply:batch_detail", own=PHARMACIST_ONLY, kwargs=batch_kwargs),
    Row(
        "supply:batch_certificate",
        own=only(Role.PHARMACIST, status=422),
        method="POST",
        kwargs=batch_kwargs,
    ),
    Row("supply:certificate_file", own=PHARMACIST_ONLY, kwargs=certificate_kwargs),
    Row(
        "supply:batch_release",
        own=only(Role.PHARMACIST, status=422),
        method="POST",
        kwargs=batch_kwargs,
    ),
    Row("supply:stock", own=PHARMACIST_ONLY),
    Row("supply:dispensing_list", own=PHARMACIST_ONLY),
    Row("supply:dispense", own=PHARMACIST_ONLY, kwargs=authorisation_kwargs, other_pharmacy=200),
    Row("supply:register", own=PHARMACIST_ONLY, kwargs=authorisation_kwargs, other_pharmacy=200),
    Row(
        "supply:register_csv", own=PHARMACIST_ONLY, kwargs=authorisation_kwargs, other_pharmacy=200
    ),
    Row(
        "supply:register_pdf", own=PHARMACIST_ONLY, kwargs=authorisation_kwargs, other_pharmacy=200
    ),
    Row("supply:incident_list", own=PHARMACIST_ONLY),
    Row(
        "supply:incident_report", own=only(Role.PHARMACIST, Role.PRESCRIBER), kwargs=incident_kwargs
    ),
]
