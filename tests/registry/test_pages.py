"""The analyst's pages and API: the clinics each role sees, suppression, audit, figures, files."""

from __future__ import annotations

import base64
import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from repigment.accounts.models import AuditAction, AuditEntry, Membership, Role
from tests.conftest import World
from tests.registry.cohort import registry_patient, scored


def cohort_of(world: World, clinic_patients: int = 6, other_patients: int = 5) -> None:
    """Patients at week 0 and 24: the first two of each clinic reach F-VASI75, the rest do not."""
    world.clinic.code, world.other_clinic.code = "JHB", "CPT"
    world.clinic.save()
    world.other_clinic.save()
    for clinic, count, prefix in (
        (world.clinic, clinic_patients, "J"),
        (world.other_clinic, other_patients, "C"),
    ):
        for i in range(count):
            patient = registry_patient(clinic, f"{prefix}{i}", phototype=4 + i % 3)
            scored(patient, 0, "1.0", "20")
            scored(patient, 168, "0.2" if i < 2 else "0.8", "10")


@pytest.fixture
def analyst_client(world: World) -> Client:
    cohort_of(world)
    Membership.objects.create(user=world.analyst, clinic=world.other_clinic, role=Role.ANALYST)
    client = Client()
    client.force_login(world.analyst)
    return client


def fvasi75_week24(body: dict) -> dict:
    return next(
        r
        for r in body["responses"]
        if (r["instrument"], r["threshold"], r["week"]) == ("F-VASI", 75, 24)
    )


def test_the_analyst_sees_the_pooled_clinics_with_small_cells_suppressed(
    world: World, analyst_client: Client
) -> None:
    body = analyst_client.get("/api/v1/registry/outcomes").json()
    # 11 evaluable, 4 responders: a cell under 5, so responders and the proportion are hidden
    row = fvasi75_week24(body)
    assert (body["patients"], row["evaluable"], row["responders"], row["proportion"]) == (
        11, 11, None, None,
    )  # fmt: skip
    assert row["suppressed"] is True
    fifty = next(
        r
        for r in body["responses"]
        if (r["instrument"], r["threshold"], r["week"]) == ("T-VASI", 50, 24)
    )
    # T-VASI 20 -> 10 for all: 50 % exactly, 11 of 11 responders, nobody to hide
    assert (fifty["evaluable"], fifty["responders"], fifty["proportion"]) == (11, 11, 1.0)


def test_a_prescriber_sees_only_their_own_clinic(world: World) -> None:
    cohort_of(world)
    client = Client()
    client.force_login(world.prescriber)
    body = client.get("/api/v1/registry/outcomes").json()
    assert body["sites"] == ["JHB"] and body["patients"] == 6
    answer = client.get("/api/v1/registry/outcomes", {"clinic": world.other_clinic.pk})
    assert answer.status_code == 404


def test_filters_choose_the_cohort_and_bad_ones_are_refused(
    world: World, analyst_client: Client
) -> None:
    url = "/api/v1/registry/outcomes"
    assert analyst_client.get(url, {"clinic": world.other_clinic.pk}).json()["sites"] == ["CPT"]
    assert analyst_client.get(url, {"phototype": [4]}).json()["patients"] == 4  # J0, J3, C0, C3
    assert analyst_client.get(url, {"started_from": "2030-01-01"}).json()["patients"] == 0
    bad = analyst_client.get(url, {"sex": "unknown", "phototype": [7]})
    assert bad.status_code == 422
    assert set(bad.json()["error"]["fields"]) == {"sex", "phototype"}


def test_reading_outcomes_is_audited_naming_the_patients(
    world: World, analyst_client: Client
) -> None:
    analyst_client.get(reverse("registry:outcomes"))
    entry = AuditEntry.objects.filter(object_type="registry_outcomes", actor=world.analyst).get()
    assert entry.action == AuditAction.VIEW and len(entry.patient_ids) == 11


def test_the_page_shows_the_trials_beside_the_cohort_with_their_sources(
    analyst_client: Client,
) -> None:
    page = analyst_client.get(reverse("registry:outcomes")).content.decode()
    assert "TRuE-V1 29.8 %" in page and 'data-ref="rosmarin-nejm-2022"' in page
    assert "&lt;5" in page  # the mark of a suppressed cell


def test_the_page_draws_its_two_figures_from_its_own_report(analyst_client: Client) -> None:
    page = analyst_client.get(reverse("registry:outcomes")).content.decode()
    sources = re.findall(r'<img src="([^"]+)"[^>]*class="chart"', page)
    assert len(sources) == 2
    prefix = "data:image/svg+xml;base64,"
    for source in sources:
        # in the page, not the figures' own URLs: each would compute the whole report again
        assert source.startswith(prefix)
        assert b"<svg" in base64.b64decode(source.removeprefix(prefix))


def test_the_figures_are_svg(analyst_client: Client) -> None:
    for name in ("registry:km_chart", "registry:forest_chart"):
        answer = analyst_client.get(reverse(name))
        assert answer["Content-Type"] == "image/svg+xml"
        assert answer.content.lstrip().startswith(b"<?xml") and b"<svg" in answer.content


def test_the_csv_carries_the_same_suppressed_tables(analyst_client: Client) -> None:
    text = analyst_client.get(reverse("registry:outcomes_csv")).content.decode()
    assert "response,T-VASI50,week 24,11,11,1.0" in text
    assert "response,F-VASI75,week 24,11,,," in text


def test_a_bad_period_answers_400_with_the_form(analyst_client: Client) -> None:
    answer = analyst_client.get(
        reverse("registry:outcomes"),
        {"started_from": date(2026, 1, 2).isoformat(), "started_to": "2026-01-01"},
    )
    assert answer.status_code == 400
    assert "before its start" in answer.content.decode()
