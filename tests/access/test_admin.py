"""The country data is editable in the site administration."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from repigment.access.loader import LoadReport
from repigment.access.models import AccessRoute, Country, Fact
from repigment.accounts.models import User


def test_a_site_administrator_can_open_and_edit_the_country_data(
    client: Client, countries: LoadReport
) -> None:
    client.force_login(User.objects.create_superuser("root@example.org", "x" * 16, full_name="R"))
    za = Country.objects.get(code="ZA")
    route = AccessRoute.objects.get(country=za)
    fact = Fact.objects.filter(route=route).first()
    assert fact is not None
    for url in (
        reverse("admin:access_country_changelist"),
        reverse("admin:access_country_change", args=[za.pk]),
        reverse("admin:access_accessroute_change", args=[route.pk]),
        reverse("admin:access_fact_changelist") + "?confirmed__exact=0",
        reverse("admin:access_fact_change", args=[fact.pk]),
        reverse("admin:access_source_changelist"),
        reverse("admin:access_dataload_changelist"),
    ):
        assert client.get(url).status_code == 200, url


def test_the_admin_refuses_a_fee_without_a_currency(client: Client, countries: LoadReport) -> None:
    client.force_login(User.objects.create_superuser("root@example.org", "x" * 16, full_name="R"))
    fact = Fact.objects.get(route__country__code="ZA", topic="fee")
    url = reverse("admin:access_fact_change", args=[fact.pk])
    data = {
        "topic": "fee",
        "text": fact.text,
        "confirmed": "on",
        "read_on": "2026-12-04",
        "read_by": "A maintainer",
        "sources": [s.pk for s in fact.sources.all()],
        "amount": "400",
        "unit": "rand",
        "order": "0",
        "route": fact.route_id,
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "three-letter currency code" in response.content.decode()
    fact.refresh_from_db()
    assert fact.unit == "ZAR"
