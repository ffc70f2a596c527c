"""A real FHIR client library (fhirpy) reads, searches, pages and runs a bulk export against
the live test server."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from fhirpy import SyncFHIRClient
from fhirpy.base.exceptions import ResourceNotFound

from tests.core.workers import run_database_worker
from tests.interop.fhir_world import Record, fhir_token, valid
from tests.patients.helpers import TODAY, visit

pytestmark = pytest.mark.django_db(transaction=True)


def test_fhirpy_reads_searches_pages_and_exports(live_server: Any, record: Record) -> None:
    world = record.world
    for n in range(4):
        visit(world.patient, TODAY().replace(year=TODAY().year - 1, day=1 + n), face=[("1", 10)])
    base = f"{live_server.url}/fhir/R4"
    token = fhir_token(world.prescriber)
    client = SyncFHIRClient(base, authorization=f"Bearer {token}")

    patient = client.reference("Patient", str(world.patient.pk)).to_resource()
    assert patient["name"][0]["family"] == "Jhb"
    valid(patient.serialize())
    with pytest.raises(ResourceNotFound):
        client.reference("Patient", "999999").to_resource()

    searched = client.resources("Observation").search(patient=f"Patient/{world.patient.pk}")
    first_page = searched.limit(3).fetch()
    assert len(first_page) == 3
    every = searched.limit(3).fetch_all()  # follows the Bundle's next links
    assert len(every) == 5 + 4 * 2
    assert len({o["id"] for o in every}) == len(every)
    vns = client.resources("Observation").search(code="vns").fetch_all()
    assert [o["valueInteger"] for o in vns] == [2]
    dated = client.resources("Observation").search(date__ge=TODAY().isoformat()).fetch_all()
    assert dated == []

    # Bulk export: the kick-off and the files are plain HTTP (fhirpy has no bulk helper); the
    # status is polled through the client.
    headers = {
        "Authorization": f"Bearer {token}",
        "Accept": "application/fhir+json",
        "Prefer": "respond-async",
    }
    kicked = requests.get(
        f"{base}/$export", params={"_type": "Observation"}, headers=headers, timeout=30
    )
    assert kicked.status_code == 202
    status_path = kicked.headers["Content-Location"]
    assert client.execute(status_path, method="get") is None  # 202, no body yet
    run_database_worker()
    manifest = client.execute(status_path, method="get")
    [output] = manifest["output"]
    data = requests.get(output["url"], headers={"Authorization": f"Bearer {token}"}, timeout=30)
    resources = [valid(json.loads(line)) for line in data.text.splitlines()]
    assert len(resources) == output["count"] == len(every)
