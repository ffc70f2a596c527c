"""The product list: kept in the site administration, every fact tied to a known source."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from repigment.accounts.models import User
from repigment.clinical.references import REFERENCES
from repigment.treatment.models import Product, ProductFact
from tests.conftest import World
from tests.treatment.helpers import ruxolitinib

pytestmark = pytest.mark.django_db


def test_every_product_fact_names_a_source_in_the_reference_list() -> None:
    cream = ruxolitinib()
    assert cream.facts.count() >= 5
    assert all(fact.reference_id in REFERENCES for fact in ProductFact.objects.all())


def test_a_site_administrator_adds_a_comparator_with_a_sourced_fact(client: Client) -> None:
    ruxolitinib()
    client.force_login(User.objects.create_superuser("root@example.org", "x" * 16, full_name="R"))
    assert client.get(reverse("admin:treatment_product_changelist")).status_code == 200
    data = {
        "name": "Pimecrolimus cream",
        "form": "cream",
        "strength": "1 %",
        "active": "on",
        "notes": "",
        "facts-TOTAL_FORMS": "1",
        "facts-INITIAL_FORMS": "0",
        "facts-0-text": "Made up for this test.",
        "facts-0-reference_id": "not-a-source",
        "facts-0-position": "0",
    }
    refused = client.post(reverse("admin:treatment_product_add"), data)
    assert refused.status_code == 200
    assert not Product.objects.filter(name="Pimecrolimus cream").exists()
    data["facts-0-reference_id"] = "usdermed-vasi"
    assert client.post(reverse("admin:treatment_product_add"), data).status_code == 302
    added = Product.objects.get(name="Pimecrolimus cream")
    assert not added.subject_to_ruxolitinib_label
    assert added.facts.get().reference_id == "usdermed-vasi"


def test_the_product_page_links_each_fact_to_its_source(client: Client, world: World) -> None:
    ruxolitinib()
    client.force_login(world.pharmacist)
    html = client.get(reverse("treatment:products")).content.decode()
    assert "Ruxolitinib cream (Opzelura) 1.5 %" in html
    assert REFERENCES["fda-ndc-50881-007"].url in html
