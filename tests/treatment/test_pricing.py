"""Sourced prices and exchange rates, and the cost estimate shown to prescriber and patient."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from repigment.accounts.models import AuditEntry
from repigment.patients.models import Patient
from repigment.treatment.models import ExchangeRate, Prescription, TubePrice
from tests.conftest import World
from tests.patients.helpers import TODAY
from tests.treatment.helpers import form

pytestmark = pytest.mark.django_db


def prices_url(world: World) -> str:
    return reverse("treatment:prices", args=[world.clinic.pk])


def price(world: World, amount: str = "2399.99", days_ago: int = 3, tube: int = 100) -> TubePrice:
    return TubePrice.objects.create(
        clinic=world.clinic,
        tube_grams=tube,
        amount=Decimal(amount),
        currency="USD",
        source="Quote from Example Import Pharmacy, ref. Q-118",
        priced_on=TODAY() - timedelta(days=days_ago),
        recorded_by=world.clinic_admin,
    )


def rate(world: World, value: str = "18,45") -> None:
    ExchangeRate.objects.create(
        clinic=world.clinic,
        from_currency="USD",
        to_currency="ZAR",
        rate=Decimal(value.replace(",", ".")),
        as_of=TODAY() - timedelta(days=1),
        recorded_by=world.clinic_admin,
    )


def test_the_administrator_records_a_price_and_a_rate_with_a_decimal_comma(
    client: Client, world: World
) -> None:
    client.force_login(world.clinic_admin)
    before = AuditEntry.objects.count()
    day = (TODAY() - timedelta(days=2)).isoformat()
    answer = client.post(prices_url(world), {
        "kind": "price", "price-tube_grams": "100", "price-amount": "2399,99",
        "price-currency": "usd", "price-source": "Quote from Example Import Pharmacy",
        "price-source_url": "", "price-priced_on": day,
    })  # fmt: skip
    assert answer.status_code == 302
    stored = TubePrice.objects.get()
    assert (stored.amount, stored.currency, stored.recorded_by) == (
        Decimal("2399.99"), "USD", world.clinic_admin,
    )  # fmt: skip
    answer = client.post(prices_url(world), {
        "kind": "rate", "rate-from_currency": "USD", "rate-to_currency": "ZAR",
        "rate-rate": "18,4512", "rate-as_of": day,
    })  # fmt: skip
    assert answer.status_code == 302
    assert ExchangeRate.objects.get().rate == Decimal("18.4512")
    assert AuditEntry.objects.count() == before + 2  # each change audited
    page = client.get(prices_url(world)).content.decode()
    assert "Quote from Example Import Pharmacy" in page and "1 USD = 18.4512 ZAR" in page


def test_a_price_without_a_source_or_a_day_to_come_is_refused_and_nothing_is_kept(
    client: Client, world: World
) -> None:
    client.force_login(world.clinic_admin)
    answer = client.post(prices_url(world), {
        "kind": "price", "price-tube_grams": "100", "price-amount": "10.000,5",
        "price-currency": "ZA", "price-source": "",
        "price-priced_on": (TODAY() + timedelta(days=1)).isoformat(),
    })  # fmt: skip
    assert answer.status_code == 200
    errors = answer.context["price_form"].errors
    assert set(errors) == {"amount", "currency", "source", "priced_on"}
    assert "three-letter currency code" in errors["currency"][0]
    assert not TubePrice.objects.exists()
    same = client.post(prices_url(world), {
        "kind": "rate", "rate-from_currency": "ZAR", "rate-to_currency": "zar",
        "rate-rate": "1", "rate-as_of": TODAY().isoformat(),
    })  # fmt: skip
    assert "to_currency" in same.context["rate_form"].errors
    assert not ExchangeRate.objects.exists()


def test_the_prescriber_sees_the_cost_at_the_latest_price_converted_at_the_latest_rate(
    client: Client, world: World, teen: Patient
) -> None:
    client.force_login(world.prescriber)
    url = reverse("treatment:prescription_new", args=[teen.pk])
    # No price recorded: the estimate says so and shows no amount.
    page = client.post(url, form(action="check")).content.decode()
    assert "No sourced price for a 100 g tube" in page
    assert page.count("USD") == 0
    price(world, "2000.00", days_ago=30)
    price(world, "2399.99", days_ago=3)  # the latest price counts
    price(world, "99.00", days_ago=1, tube=60)  # another tube size does not
    rate(world)
    page = client.post(url, form(action="check")).content.decode()
    # 672 g in 100 g tubes: 7 tubes; 7 x 2,399.99 = 16,799.93 USD; x 18.45 = 309,958.71 ZAR.
    assert "7 tubes of 100 g at USD 2399.99 a tube: <strong>USD 16799.93</strong>" in page
    assert "about <strong>ZAR 309958.71</strong> at 1 USD = 18.45 ZAR" in page
    assert "Quote from Example Import Pharmacy, ref. Q-118" in page

    client.post(url, form())
    detail = client.get(
        reverse("treatment:prescription_detail", args=[Prescription.objects.get().pk])
    ).content.decode()
    assert "USD 16799.93" in detail and "ZAR 309958.71" in detail


def test_the_patient_reads_the_cost_in_plain_words_and_never_as_a_promise(
    client: Client, world: World, teen: Patient
) -> None:
    doctor = Client()
    doctor.force_login(world.prescriber)
    doctor.post(reverse("treatment:prescription_new", args=[teen.pk]), form())
    client.force_login(world.patient_user)
    url = reverse("cost:home")
    page = client.get(url).content.decode()
    assert "Your clinic has no price on record for your cream yet" in page
    price(world)
    rate(world)
    page = client.get(url).content.decode()
    assert "Your doctor planned 24 weeks of cream: about 7 tubes of 100 g." in page
    assert "That comes to about <strong>ZAR 309958.71</strong>" in page
    assert "not a bill and not a promise" in page
    assert AuditEntry.objects.filter(object_type="portal_cost", object_id=str(teen.pk)).exists()
