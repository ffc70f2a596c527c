"""The patient finds what the cream may cost on a 390 px phone, from the portal home."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from repigment.treatment.models import ExchangeRate, TubePrice
from tests.browser.conftest import log_in
from tests.browser.walk import check_page, watch
from tests.conftest import PASSWORD, build_world
from tests.patients.helpers import TODAY
from tests.treatment.helpers import form, ready

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_patient_reads_the_cost_in_plain_words_on_a_phone(page: Any) -> None:
    world = build_world()
    patient = ready(world)
    doctor = Client()
    doctor.force_login(world.prescriber)
    doctor.post(reverse("treatment:prescription_new", args=[patient.pk]), form())
    TubePrice.objects.create(
        clinic=world.clinic, tube_grams=100, amount=Decimal("2400.00"), currency="USD",
        source="Quote from Example Import Pharmacy", priced_on=TODAY() - timedelta(days=5),
        recorded_by=world.clinic_admin,
    )  # fmt: skip
    ExchangeRate.objects.create(
        clinic=world.clinic, from_currency="USD", to_currency="ZAR", rate=Decimal("18"),
        as_of=TODAY() - timedelta(days=1), recorded_by=world.clinic_admin,
    )  # fmt: skip
    watch(page)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, world.patient_user.email, PASSWORD)
    page.wait_for_url("**/my/**")
    page.get_by_role("link", name="What your cream may cost").click()
    page.wait_for_url("**/my/cost/")
    # 672 g in 100 g tubes: 7 tubes; 7 x 2,400 = 16,800 USD; x 18 = 302,400 ZAR.
    assert page.get_by_text("about 7 tubes of 100 g").is_visible()
    assert page.get_by_text("ZAR 302400.00").is_visible()
    assert page.get_by_text("not a bill and not a promise", exact=False).is_visible()
    check_page(page)
