"""API lists come a page at a time: a default and a maximum size, the total, links both ways,
no silent cap, and the same number of queries however many rows there are."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from repigment.accounts.models import AuditEntry, User
from repigment.assessments.models import Visit
from repigment.core.pagination import DEFAULT_LIMIT, MAX_LIMIT
from repigment.patients.models import Patient
from repigment.safety.models import SafetyReport
from tests.conftest import World
from tests.patients.helpers import TODAY, consent, visit
from tests.safety.helpers import event


def _more_patients(world: World, count: int) -> list[Patient]:
    made = [
        Patient.objects.create(
            clinic=world.clinic,
            record_number=f"JHB-P-{n}",
            given_names="Page",
            family_name=f"Person{n:03d}",
            date_of_birth=date(1980, 1, 1),
            sex="male",
            phototype=6,
        )
        for n in range(count)
    ]
    for patient in made:
        consent(patient)
    return made


def _get(client: Client, user: User, url: str) -> Any:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()


def test_pages_follow_their_links_to_the_end_and_back(client: Client, world: World) -> None:
    _more_patients(world, 6)
    first = _get(client, world.prescriber, "/api/v1/patients?limit=3")
    assert (first["total"], first["limit"], first["offset"]) == (7, 3, 0)
    assert first["previous"] is None and len(first["items"]) == 3
    seen = [p["record_number"] for p in first["items"]]
    page = first
    while page["next"]:
        page = _get(client, world.prescriber, page["next"])
        seen += [p["record_number"] for p in page["items"]]
    assert len(seen) == len(set(seen)) == 7
    assert page["offset"] == 6 and len(page["items"]) == 1
    back = _get(client, world.prescriber, page["previous"])
    assert back["offset"] == 3 and [p["record_number"] for p in back["items"]] == seen[3:6]
    assert all(p["current_consents"] for p in back["items"][:2])


def test_the_default_and_the_maximum_are_kept_and_more_is_refused(
    client: Client, world: World
) -> None:
    _more_patients(world, DEFAULT_LIMIT)
    page = _get(client, world.prescriber, "/api/v1/patients")
    assert len(page["items"]) == DEFAULT_LIMIT and page["total"] == DEFAULT_LIMIT + 1
    assert page["next"] is not None
    client.force_login(world.prescriber)
    refused = client.get(f"/api/v1/patients?limit={MAX_LIMIT + 1}")
    assert refused.status_code == 422 and "limit" in str(refused.json())
    assert client.get("/api/v1/patients?offset=-1").status_code == 422


def test_a_page_names_only_its_own_patients_in_the_audit(client: Client, world: World) -> None:
    _more_patients(world, 4)
    page = _get(client, world.prescriber, "/api/v1/patients?limit=2&offset=2")
    entry = AuditEntry.objects.filter(object_type="patient_list").latest("id")
    assert sorted(entry.patient_ids) == sorted(p["id"] for p in page["items"])


def _queries(client: Client, user: User, url: str) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_patients_cost_the_same_queries_for_one_or_many(client: Client, world: World) -> None:
    consent(world.patient)
    few = _queries(client, world.prescriber, "/api/v1/patients")
    _more_patients(world, 12)
    assert _queries(client, world.prescriber, "/api/v1/patients") == few


def test_adverse_events_cost_the_same_queries_for_one_or_many(client: Client, world: World) -> None:
    def made() -> None:
        ae = event(world.patient, seriousness=["hospitalisation"])
        SafetyReport.objects.create(event=ae, sent_on=TODAY(), route="adr_form")

    made()
    urls = ["/api/v1/adverse-events", f"/api/v1/patients/{world.patient.pk}/adverse-events"]
    few = [_queries(client, world.prescriber, url) for url in urls]
    for _ in range(5):
        made()
    assert [_queries(client, world.prescriber, url) for url in urls] == few
    listed = _get(client, world.prescriber, urls[0])
    assert listed["total"] == 6 and all(len(e["reports"]) == 1 for e in listed["items"])


def test_visits_cost_the_same_queries_for_one_or_many(client: Client, world: World) -> None:
    consent(world.patient)
    start = TODAY() - timedelta(weeks=52)
    visit(world.patient, start, face=[("1", 75)], body=[("upper_limbs", "2", 50)])
    url = f"/api/v1/patients/{world.patient.pk}/visits"
    few = _queries(client, world.prescriber, url)
    for week in (4, 8, 12, 24):
        visit(world.patient, start + timedelta(weeks=week), face=[("1", 25)])
    assert _queries(client, world.prescriber, url) == few
    page = _get(client, world.prescriber, url)
    assert page["total"] == 5 and page["items"][-1]["fvasi_improvement_percent"] is not None
    first = Visit.objects.get(pk=page["items"][0]["id"])
    assert page["items"][0]["version"] == first.versions.count() and page["items"][0]["entries"]


def test_every_growing_list_answers_a_page_and_refuses_too_large_a_one(
    client: Client, world: World
) -> None:
    consent(world.patient)
    pid = world.patient.pk
    lists = {
        world.prescriber: [
            "/api/v1/patients", "/api/v1/adverse-events", f"/api/v1/patients/{pid}/adverse-events",
            f"/api/v1/patients/{pid}/visits", f"/api/v1/patients/{pid}/prescriptions",
            f"/api/v1/patients/{pid}/diary", "/api/v1/authorisations",
        ],
        world.pharmacist: [f"/api/v1/supply/{name}" for name in ("packs", "recalls", "orders")],
        world.patient_user: ["/api/v1/me/diary"],
    }  # fmt: skip
    for user, urls in lists.items():
        client.force_login(user)
        for url in urls:
            page = client.get(url, {"limit": 2}).json()
            assert set(page) == {"items", "total", "limit", "offset", "next", "previous"}, url
            assert page["limit"] == 2 and isinstance(page["total"], int), url
            too_many = client.get(url, {"limit": MAX_LIMIT + 1})
            assert too_many.status_code == 422, url


def test_a_deep_page_skips_index_entries_not_table_rows(client: Client, world: World) -> None:
    """Past the first page the ids come first, from an index that holds the order and the clinic
    (the filter), so the OFFSET never reads a patient's row; then the page's rows. (Which of
    the two order indexes the planner takes depends on its statistics: the whole list's at
    100,000 patients, a clinic's on a tiny test table.)"""
    _more_patients(world, 6)
    client.force_login(world.prescriber)
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/api/v1/patients?limit=2&offset=4").json()
    assert [p["record_number"] for p in page["items"]] == ["JHB-P-3", "JHB-P-4"]
    [ids] = [q["sql"] for q in captured.captured_queries if "OFFSET" in q["sql"]]
    assert ids.startswith('SELECT "patients_patient"."id" AS "pk" FROM "patients_patient"'), ids
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {ids}")
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            assert "patients_patient USING COVERING INDEX patient_" in plan, plan
        else:
            for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
                cursor.execute(f"SET LOCAL {setting} = off")
            cursor.execute(f"EXPLAIN {ids}")
            plan = " ".join(row[0] for row in cursor.fetchall())
            assert "Index Only Scan using patient_" in plan, plan
