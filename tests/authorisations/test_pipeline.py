"""The clinic's pipeline: applications by state with their ages, and turnaround per route
(median and 90th percentile from the days recorded on the events)."""

from __future__ import annotations

import re
import statistics
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from repigment.accounts.models import AuditEntry
from repigment.authorisations import pipeline, services, states
from repigment.authorisations.models import AuthorisationApplication, State
from tests.authorisations.helpers import (
    actor,
    approval,
    complete_checklist,
    cream_prescription,
    draft,
    importer,
    patient_ready,
    prescriber_record,
    quick_pdfs,
    section_21,
)
from tests.conftest import World
from tests.patients.helpers import TODAY
from tests.test_query_budgets import grow, references

pytestmark = pytest.mark.usefixtures("quick_pdfs")
assert quick_pdfs


def _decided(world: World, started_ago: int, decided_after: int, queried: bool = False) -> None:
    """An application submitted ``started_ago`` days ago and approved ``decided_after`` later."""
    start = TODAY() - timedelta(days=started_ago)
    prescriber_record(world.prescriber)
    importer(world)
    prescription = cream_prescription(patient_ready(world), start=start)
    application = services.create_application(
        prescription, section_21(), actor(world.prescriber), start
    )
    complete_checklist(application, world.prescriber)
    who = actor(world.prescriber)
    services.transition(application, states.MARK_READY, services.Step(on=start), who, start)
    step = services.Step(on=start, reference_number="R")
    services.transition(application, states.SUBMIT, step, who, start)
    decided = start + timedelta(days=decided_after)
    if queried:
        asked = start + timedelta(days=1)
        services.transition(application, states.QUERY, services.Step(asked, "Q?"), who, asked)
        services.transition(application, states.ANSWER, services.Step(asked, "A."), who, asked)
    number = f"S21-TEST-{started_ago}"
    services.transition(
        application, states.APPROVE, approval(decided, authorisation_number=number), who, decided
    )


def test_turnaround_is_the_median_and_90th_percentile_of_days_to_decide(world: World) -> None:
    draft(world)  # not submitted: not counted
    days = [2, 3, 3, 5, 12]
    for index, decided_after in enumerate(days):
        _decided(world, 30 + index, decided_after, queried=decided_after == 12)
    [row] = pipeline.turnaround([world.clinic])
    assert row.decided == 5 and row.queried == 1
    assert row.median_days == statistics.median(days) == 3
    assert row.p90_days == pytest.approx(9.2)  # numpy.percentile(days, 90) with 'linear'


def test_each_application_shows_its_days_in_each_state(world: World) -> None:
    _decided(world, 10, 4)
    lines = pipeline.first_lines(world.clinic, TODAY())
    [line] = lines[State.APPROVED]
    assert [(stay.state, stay.days) for stay in line.stays] == [
        (State.DRAFT, 0), (State.READY, 0), (State.SUBMITTED, 4), (State.APPROVED, 6),
    ]  # fmt: skip
    assert (line.days_in_state, line.age_days) == (6, 10)


def test_the_pipeline_page_for_prescriber_and_administrator(client: Client, world: World) -> None:
    _decided(world, 10, 4)
    draft(world)
    url = reverse("authorisations:pipeline", args=[world.clinic.pk])
    for user in (world.prescriber, world.clinic_admin):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert "Approved (1)" in page and "Draft (1)" in page
        # the first progress report falls due in about six months: not owed yet (reporting.owed)
        assert "progress report" not in page and "None open." in page
    client.force_login(world.prescriber)
    api = client.get(f"/api/v1/authorisations/turnaround?clinic_id={world.clinic.pk}").json()
    assert api == [
        {
            "country": "ZA",
            "route": "section-21",
            "decisions": 1,
            "median_days": 4.0,
            "p90_days": 4.0,
            "queried": 0,
        }
    ]


def test_the_pipeline_names_every_patient_it_shows(client: Client, world: World) -> None:
    application = draft(world)
    client.force_login(world.clinic_admin)
    client.get(reverse("authorisations:pipeline", args=[world.clinic.pk]))
    entry = AuditEntry.objects.filter(object_type="authorisation_pipeline").get()
    assert entry.patient_ids == [application.patient_id] and entry.role == "clinic_admin"
    client.force_login(world.prescriber)
    client.get("/api/v1/authorisations")
    listed = AuditEntry.objects.filter(object_type="authorisation_application_list").get()
    assert listed.patient_ids == [application.patient_id]


def test_the_overview_shows_each_states_longest_waiting_and_its_pages_show_every_one_once(
    client: Client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    references(world)
    grow(world, 0, 60)
    monkeypatch.setattr(pipeline, "FIRST", 2)
    monkeypatch.setattr(pipeline, "STATE_PAGE", 3)
    approved = AuthorisationApplication.objects.filter(
        patient__clinic=world.clinic, state=State.APPROVED
    ).order_by("state_changed_at", "pk")
    expected = [str(pk) for pk in approved.values_list("pk", flat=True)]
    assert len(expected) > 6
    client.force_login(world.prescriber)
    url = reverse("authorisations:pipeline", args=[world.clinic.pk])
    overview = client.get(url).content.decode()
    assert f"Approved ({len(expected)})" in overview
    assert _approved_rows(overview) == expected[:2]
    assert f'href="?state=approved">All {len(expected)}: approved</a>' in overview
    seen, query, pages = [], "?state=approved", 0
    while True:
        body = client.get(url + query).content.decode()
        seen += _approved_rows(body)
        pages += 1
        following = re.search(r'href="\?state=approved&amp;after=(\d+)"', body)
        if following is None:
            break
        query = f"?state=approved&after={following.group(1)}"
    assert seen == expected and pages == -(-len(expected) // 3)
    assert "Draft (" not in body and "All states" in body
    entry = AuditEntry.objects.filter(object_type="authorisation_pipeline").latest("pk")
    shown = approved.filter(pk__in=[int(pk) for pk in expected[(pages - 1) * 3 :]])
    assert entry.patient_ids == sorted({a.patient_id for a in shown})


def _approved_rows(body: str) -> list[str]:
    section = body.split('id="state-approved"')[1].split("</section>")[0]
    return re.findall(r'href="/authorisations/(\d+)/"', section)
