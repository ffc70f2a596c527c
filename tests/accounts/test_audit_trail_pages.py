"""The audit trail's page, CSV export and API at any size: keyset pages, the same queries for 10
and 500 entries, half-open date ranges, a streamed export, and reading the trail is audited."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from repigment.accounts.models import AuditAction, AuditEntry
from repigment.accounts.trail import SHOWN_PATIENTS
from tests.accounts.test_api import bearer
from tests.conftest import World


def write(world: World, count: int, patients_each: int = 2) -> list[AuditEntry]:
    """``count`` entries by the prescriber in the auditor's clinic, oldest first."""
    rows = []
    for n in range(count):
        row = AuditEntry(actor=world.prescriber, clinic=world.clinic, action=AuditAction.VIEW,
                         object_type="patient", object_id=str(n))  # fmt: skip
        row.name_patients(range(n * 10, n * 10 + patients_each))
        rows.append(row)
    AuditEntry.objects.bulk_create(rows)
    return rows


def page_ids(response: object) -> list[int]:
    return [entry.pk for entry in response.context["page"]]  # type: ignore[attr-defined]


def test_pages_go_back_by_keyset_without_gaps_or_repeats(client: Client, world: World) -> None:
    written = write(world, 120)
    client.force_login(world.auditor)
    url = reverse("accounts:audit_list")
    seen: list[int] = []
    response = client.get(url, {"action": AuditAction.VIEW, "user": "prescriber@jhb"})
    while True:
        seen += page_ids(response)
        older = response.context["older"]
        if older is None:
            break
        assert f"before={older.token()}" in response.content.decode()
        response = client.get(
            url, {"action": "view", "user": "prescriber@jhb", "before": older.token()}
        )
    assert seen == [row.pk for row in reversed(written)]
    assert len(page_ids(client.get(url, {"action": "view", "user": "prescriber@jhb"}))) == 50


def test_a_bad_page_link_is_refused_clearly(client: Client, world: World) -> None:
    client.force_login(world.auditor)
    response = client.get(reverse("accounts:audit_list"), {"before": "x~1"})
    assert response.status_code == 400 and b"not valid" in response.content


def test_the_page_and_export_make_the_same_queries_for_10_and_500_entries(
    client: Client, world: World
) -> None:
    client.force_login(world.auditor)
    counts = []
    for total in (10, 500):
        write(world, total - AuditEntry.objects.filter(object_type="patient").count())
        with CaptureQueriesContext(connection) as page:
            assert client.get(reverse("accounts:audit_list")).status_code == 200
        with CaptureQueriesContext(connection) as export:
            response = client.get(reverse("accounts:audit_export"))
            lines = b"".join(response.streaming_content).decode().splitlines()
        with CaptureQueriesContext(connection) as api:
            assert client.get("/api/v1/audit-entries").status_code == 200
        assert len(lines) > total
        counts.append((len(page), len(export), len(api)))
    assert counts[0] == counts[1], counts


def test_dates_are_whole_days_in_the_site_time_zone(client: Client, world: World) -> None:
    write(world, 1)
    client.force_login(world.auditor)
    today = timezone.localdate()
    url = reverse("accounts:audit_list")

    def found(start: object, end: object) -> int:
        rows = client.get(url, {"action": "view", "date_from": start, "date_to": end})
        return len([e for e in rows.context["page"] if e.object_type == "patient"])

    assert found(today, today) == 1
    assert found(today - timedelta(days=3), today - timedelta(days=1)) == 0
    assert found(today + timedelta(days=1), today + timedelta(days=2)) == 0


def test_the_patient_filter_finds_every_entry_naming_the_patient(
    client: Client, world: World
) -> None:
    write(world, 5)  # entry n names patients 10n and 10n + 1
    client.force_login(world.auditor)
    rows = client.get(reverse("accounts:audit_list"), {"patient": 31}).context["page"]
    assert [entry.object_id for entry in rows] == ["3"]


def test_reading_the_trail_names_the_patients_it_showed(client: Client, world: World) -> None:
    write(world, 2, patients_each=SHOWN_PATIENTS + 5)
    client.force_login(world.auditor)
    page = client.get(reverse("accounts:audit_list")).content.decode()
    assert f"({SHOWN_PATIENTS + 5} in all)" in page
    read = AuditEntry.objects.filter(object_type="audit_trail", action=AuditAction.VIEW).get()
    shown = [*range(0, SHOWN_PATIENTS), *range(10, 10 + SHOWN_PATIENTS)]
    assert read.patient_ids == sorted(set(shown)) and read.role == "auditor"
    body = client.get("/api/v1/audit-entries", {"limit": 1}).json()
    assert body["items"][0]["object_type"] == "audit_trail"  # the page read just now
    assert body["items"][0]["patient_count"] == len(set(shown))
    latest = AuditEntry.objects.order_by("-pk").first()
    assert latest is not None and latest.patient_ids == body["items"][0]["patient_ids"]


def test_the_api_pages_by_keyset_and_refuses_a_bad_link(client: Client, world: World) -> None:
    from repigment.accounts.models import ApiToken

    write(world, 7)
    _, raw = ApiToken.issue(world.auditor, "t")
    first = client.get("/api/v1/audit-entries", {"action": "view", "limit": 5}, **bearer(raw))
    body = first.json()
    assert [item["object_id"] for item in body["items"]] == ["6", "5", "4", "3", "2"]
    rest = client.get(
        "/api/v1/audit-entries", {"action": "view", "limit": 5, "before": body["next"]},
        **bearer(raw),
    ).json()  # fmt: skip
    assert [item["object_id"] for item in rest["items"]][:2] == ["1", "0"]
    bad = client.get("/api/v1/audit-entries", {"before": "nonsense"}, **bearer(raw))
    assert bad.status_code == 422 and "before" in bad.json()["error"]["fields"]


def test_the_export_streams_what_existed_and_names_every_patient_in_it(
    client: Client, world: World
) -> None:
    write(world, 3)
    client.force_login(world.auditor)
    response = client.get(reverse("accounts:audit_export"), {"action": "view"})
    write(world, 1)  # written while the export streams: not part of it
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["object_id"] for row in rows if row["object_type"] == "patient"] == ["2", "1", "0"]
    assert rows[0]["patient_ids"] == "20 21" and len(rows[0]["hash"]) == 64
    export = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert export.patient_ids == [0, 1, 10, 11, 20, 21]
