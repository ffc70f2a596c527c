"""An approved authorisation for the world's patient, orders against it and stocked packs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from repigment.access.loader import load_countries
from repigment.access.models import AccessRoute
from repigment.accounts.models import Clinic, Membership, Role, User
from repigment.authorisations.models import AuthorisationApplication, State
from repigment.supply import orders, stock
from repigment.supply.gs1 import parse_code
from repigment.supply.models import ImportOrder, Pack, PackState
from repigment.treatment.models import Prescription
from tests.conftest import World
from tests.safety.helpers import cream
from tests.supply.conftest import GTIN_60, Catalogue


def today() -> date:
    return timezone.localdate()


def code(serial: str, lot: str = "L24A", gtin: str = GTIN_60, expiry: str = "450331") -> str:
    return f"(01){gtin}(17){expiry}(10){lot}(21){serial}"


def approved(
    world: World, *, packs: int = 4, grams: int = 60, **fields: Any
) -> AuthorisationApplication:
    load_countries()
    route = AccessRoute.objects.get(country__code="ZA", slug="section-21")
    prescription_fields = fields.pop("prescription", {})
    prescription = Prescription.objects.create(
        patient=world.patient, product=cream(), start_date=today() - timedelta(days=30),
        treated_areas=[{"region": "face", "bsa_percent": "2"}], planned_weeks=52,
        jurisdiction="FDA", label_overall="ok", tube_grams=grams,
        grams_per_week=Decimal("20"), prescriber=world.prescriber, **prescription_fields,
    )  # fmt: skip
    values: dict[str, Any] = {
        "patient": world.patient, "prescription": prescription, "product": cream(),
        "route": route, "state": State.APPROVED, "dosage": "Twice daily to the face",
        "period_weeks": 26, "requested_pack_grams": grams, "requested_packs": packs,
        "requested_grams": Decimal(packs * grams), "motivation": "No registered alternative.",
        "authorisation_number": "S21-TEST-1", "approved_on": today() - timedelta(days=10),
        "valid_until": today() + timedelta(days=170), "authorised_packs": packs,
        "pack_grams": grams, **fields,
    }  # fmt: skip
    return AuthorisationApplication.objects.create(**values)


def order(world: World, catalogue: Catalogue, auth: AuthorisationApplication, quantity: int = 3,
          lots: tuple[str, ...] = ("L24A",)) -> ImportOrder:  # fmt: skip
    return orders.create_order(
        pharmacy=world.pharmacy, authorisation=auth, product_pack=catalogue.pack_60,
        quantity=quantity, expected_lots=lots, by=world.pharmacist,
    )  # fmt: skip


def stocked(
    world: World, serial: str, order_: ImportOrder | None = None, lot: str = "L24A"
) -> Pack:
    pack = stock.receive(pharmacy=world.pharmacy, code=parse_code(code(serial, lot)),
                         by=world.pharmacist, reason="Test.", order=order_)  # fmt: skip
    return stock.move(pack, PackState.AVAILABLE, by=world.pharmacist, reason="Checked.")


@dataclass
class Setup:
    auth: AuthorisationApplication
    order: ImportOrder


@pytest.fixture
def setup(world: World, catalogue: Catalogue) -> Setup:
    auth = approved(world)
    return Setup(auth, order(world, catalogue, auth))


@dataclass
class Rival:
    """A second import pharmacy serving the same clinic, with its own pharmacist."""

    pharmacy: Clinic
    pharmacist: User


def rival_pharmacy(world: World) -> Rival:
    pharmacy = Clinic.objects.create(
        name="Rival Import Pharmacy", city="Pretoria", kind=Clinic.Kind.PHARMACY
    )
    pharmacy.served_clinics.add(world.clinic)
    pharmacist = User.objects.create_user("pharmacist@rival.test", "x" * 16, full_name="Rival")
    Membership.objects.create(user=pharmacist, clinic=pharmacy, role=Role.PHARMACIST)
    return Rival(pharmacy, pharmacist)


def stocked_at(rival: Rival, serial: str, lot: str = "L24A") -> Pack:
    pack = stock.receive(pharmacy=rival.pharmacy, code=parse_code(code(serial, lot)),
                         by=rival.pharmacist, reason="Test.")  # fmt: skip
    return stock.move(pack, PackState.AVAILABLE, by=rival.pharmacist, reason="Checked.")
