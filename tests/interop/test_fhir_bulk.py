"""Bulk Data $export: kick-off, progress, manifest, NDJSON files, _type, _since, levels,
DELETE, and the same on the Redis worker."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.test import Client

from repigment.accounts.models import AuditAction, AuditEntry
from repigment.core.models import Job
from tests.core.workers import on_redis, run_database_worker, run_redis_worker
from tests.interop.fhir_world import FHIR, Record, fhir_token, valid
from tests.patients.helpers import consenting_patient_in

# The kick-off queues its task when its transaction commits.
pytestmark = pytest.mark.django_db(transaction=True)


def kick_off(token: str, path: str = "$export", **params: Any) -> Any:
    return Client().get(
        f"{FHIR}/{path}",
        params,
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_PREFER="respond-async",
        HTTP_ACCEPT="application/fhir+json",
    )


def follow(token: str, url: str, method: str = "get") -> Any:
    return getattr(Client(), method)(url, HTTP_AUTHORIZATION=f"Bearer {token}")


def export(token: str, path: str = "$export", **params: Any) -> tuple[str, dict[str, Any]]:
    """Kick off, see it pending, run the worker, return (status URL, manifest)."""
    started = kick_off(token, path, **params)
    assert started.status_code == 202, started.content
    status_url = started["Content-Location"]
    pending = follow(token, status_url)
    assert pending.status_code == 202 and pending["X-Progress"]
    run_database_worker()
    done = follow(token, status_url)
    assert done.status_code == 200, done.content
    return status_url, done.json()


def lines(token: str, manifest: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    found = {}
    for output in manifest["output"]:
        response = follow(token, output["url"])
        assert response.status_code == 200
        assert response["Content-Type"] == "application/fhir+ndjson"
        text = b"".join(response.streaming_content).decode()
        resources = [valid(json.loads(line)) for line in text.splitlines()]
        assert len(resources) == output["count"]
        assert {r["resourceType"] for r in resources} == {output["type"]}
        found[output["type"]] = resources
    return found


def test_a_system_export_from_kick_off_to_delete(record: Record) -> None:
    world = record.world
    token = fhir_token(world.prescriber)
    status_url, manifest = export(token)
    assert manifest["requiresAccessToken"] is True
    assert manifest["request"].endswith("/fhir/R4/$export")
    files = lines(token, manifest)
    assert set(files) == {
        "Patient",
        "Practitioner",
        "Organization",
        "Condition",
        "Observation",
        "MedicationRequest",
        "Medication",
        "MedicationDispense",
        "AdverseEvent",
        "Consent",
    }
    assert len(files["Observation"]) == 5
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT, object_type="fhir:$export").get()
    assert entry.patient_ids == [world.patient.pk] and entry.actor == world.prescriber
    # someone else cannot follow it
    assert follow(fhir_token(world.other_prescriber), status_url).status_code == 404
    # DELETE removes it and its files
    stored = [o["file"] for o in Job.objects.get().result["output"]]
    assert all(default_storage.exists(name) for name in stored)
    assert follow(token, status_url, "delete").status_code == 202
    assert follow(token, status_url).status_code == 404
    assert follow(token, manifest["output"][0]["url"]).status_code == 404
    assert not any(default_storage.exists(name) for name in stored)


def test_type_and_since_narrow_the_export(record: Record) -> None:
    token = fhir_token(record.world.prescriber)
    _, manifest = export(token, _type="Observation,Patient")
    assert [o["type"] for o in manifest["output"]] == ["Patient", "Observation"]
    _, later = export(token, _type="Observation,Consent", _since="2999-01-01T00:00:00Z")
    assert later["output"] == []
    _, earlier = export(token, _type="Consent", _since="2000-01-01T00:00:00Z")
    assert [o["count"] for o in earlier["output"]] == [4]
    bad = kick_off(token, _type="Unicorn")
    assert bad.status_code == 400 and "Unicorn" in bad.json()["issue"][0]["diagnostics"]
    assert kick_off(token, _since="last week").status_code == 400
    assert kick_off(token, _typeFilter="Observation?code=vns").status_code == 400
    assert kick_off(token, _outputFormat="text/csv").status_code == 400
    no_prefer = Client().get(f"{FHIR}/$export", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert no_prefer.status_code == 400


def test_patient_and_group_levels_follow_roles_and_clinics(record: Record) -> None:
    world = record.world
    consenting_patient_in(world, world.other_clinic)
    admin = fhir_token(world.clinic_admin)
    _, manifest = export(admin, "Patient/$export")
    assert {o["type"]: o["count"] for o in manifest["output"]} == {"Patient": 1, "Consent": 4}
    prescriber = fhir_token(world.prescriber)
    _, group = export(prescriber, f"Group/{world.clinic.pk}/$export", _type="Patient")
    patients = lines(prescriber, group)["Patient"]
    assert [p["id"] for p in patients] == [str(world.patient.pk)]
    assert kick_off(prescriber, f"Group/{world.other_clinic.pk}/$export").status_code == 404
    assert kick_off(prescriber, "Group/abc/$export").status_code == 404


def test_the_same_kick_off_while_running_is_the_same_export(record: Record) -> None:
    token = fhir_token(record.world.prescriber)
    first = kick_off(token, _type="Patient")["Content-Location"]
    assert kick_off(token, _type="Patient")["Content-Location"] == first
    assert kick_off(token, _type="Consent")["Content-Location"] != first


def test_an_export_runs_on_the_redis_worker(record: Record) -> None:
    token = fhir_token(record.world.prescriber)
    with on_redis():
        started = kick_off(token, _type="Observation")
        assert started.status_code == 202
        run_redis_worker()
        manifest = follow(token, started["Content-Location"]).json()
    assert Job.objects.get().backend != "" and [o["count"] for o in manifest["output"]] == [5]


def test_an_export_streams_in_constant_memory(record: Record, monkeypatch: Any) -> None:
    """Four times the visits, the same peak: the export holds one batch at a time."""
    import tracemalloc
    from datetime import date, timedelta
    from decimal import Decimal

    from repigment.assessments.models import Instrument, ScoreEntry, Visit
    from repigment.core.jobs import Work
    from repigment.interop.fhir import bulk

    monkeypatch.setattr(bulk, "BATCH", 50)
    world = record.world

    def add(count: int, start: int) -> None:
        visits = Visit.objects.bulk_create(
            Visit(
                patient=world.patient,
                visit_date=date(2000, 1, 1) + timedelta(days=start + n),
                vns=3,
                notes="x" * 500,
            )
            for n in range(count)
        )
        ScoreEntry.objects.bulk_create(
            ScoreEntry(
                visit=v,
                instrument=Instrument.TVASI,
                region="hands",
                hand_units=Decimal(1),
                depigmentation=50,
            )
            for v in visits
        )

    def peak() -> tuple[int, int]:
        job = Job.objects.create(
            kind="t",
            key=f"t{Job.objects.count()}",
            task_path="t",
            params={
                "user": world.prescriber.pk,
                "level": "system",
                "group": None,
                "types": ["Observation"],
                "since": None,
                "request": "t",
            },
        )
        tracemalloc.start()
        result = bulk.run_export(Work(job))
        top = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return result["output"][0]["count"], top

    add(200, 0)
    small_count, small_peak = peak()
    add(600, 1000)
    large_count, large_peak = peak()
    assert large_count > 3 * small_count
    assert large_peak < 1.5 * small_peak, (small_peak, large_peak)
