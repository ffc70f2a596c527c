"""The audit trail records log-ins, refusals and exports, and cannot be rewritten."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from repigment.accounts import audit
from repigment.accounts.models import AuditAction, AuditEntry
from repigment.core.appendonly import AppendOnlyError
from tests.conftest import PASSWORD, World


def login(client: Client, email: str, password: str = PASSWORD) -> int:
    response = client.post(reverse("accounts:login"), {"username": email, "password": password})
    return response.status_code


def test_a_log_in_writes_an_entry_with_address_and_request_id(client: Client, world: World) -> None:
    assert login(client, world.prescriber.email) == 302
    entry = AuditEntry.objects.get(action=AuditAction.LOGIN)
    assert entry.actor == world.prescriber
    assert entry.client_address == "127.0.0.1"
    assert len(entry.request_id) == 36


def test_a_failed_log_in_writes_an_entry_without_the_typed_text(
    client: Client, world: World
) -> None:
    assert login(client, world.prescriber.email, "wrong password") == 200
    entry = AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED)
    assert entry.actor == world.prescriber
    login(client, "nobody@nowhere.test", "x")
    unknown = AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED, actor__isnull=True).get()
    assert unknown.object_id == "unknown"
    assert "nobody" not in str(vars(unknown))


def test_a_log_out_writes_an_entry(client: Client, world: World) -> None:
    client.force_login(world.prescriber)
    client.post(reverse("accounts:logout"))
    assert AuditEntry.objects.filter(action=AuditAction.LOGOUT, actor=world.prescriber).exists()


def test_an_entry_cannot_be_changed_or_deleted(world: World) -> None:
    entry = audit.record(None, AuditAction.VIEW, actor=world.prescriber, object_type="x")
    entry.action = AuditAction.DELETE
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == AuditAction.VIEW


def test_the_admin_offers_no_way_to_change_entries(client: Client, world: World) -> None:
    from django.contrib.admin.sites import site

    entry_admin = site._registry[AuditEntry]
    request = type("R", (), {"user": world.prescriber})()
    assert not entry_admin.has_change_permission(request)  # type: ignore[arg-type]
    assert not entry_admin.has_delete_permission(request)  # type: ignore[arg-type]
    assert not entry_admin.has_add_permission(request)  # type: ignore[arg-type]


def test_a_pharmacist_is_refused_the_audit_page_and_the_attempt_is_recorded(
    client: Client, world: World
) -> None:
    client.force_login(world.pharmacist)
    assert client.get(reverse("accounts:audit_list")).status_code == 403
    denied = AuditEntry.objects.get(action=AuditAction.ACCESS_DENIED)
    assert denied.actor == world.pharmacist
    assert denied.path == reverse("accounts:audit_list")


def test_a_prescriber_is_refused_another_clinic_and_the_attempt_is_recorded(
    client: Client, world: World
) -> None:
    client.force_login(world.prescriber)
    url = reverse("accounts:clinic_detail", args=[world.other_clinic.pk])
    assert client.get(url).status_code == 403
    denied = AuditEntry.objects.get(action=AuditAction.ACCESS_DENIED)
    assert denied.object_id == f"clinic:{world.other_clinic.pk}"


def test_the_auditor_filters_by_user_action_and_date(client: Client, world: World) -> None:
    login(Client(), world.prescriber.email)
    login(Client(), world.analyst.email, "wrong")
    client.force_login(world.auditor)
    page = client.get(reverse("accounts:audit_list"), {"action": AuditAction.LOGIN_FAILED})
    rows = list(page.context["page"])
    assert [r.actor_email for r in rows] == [world.analyst.email]
    by_user = client.get(reverse("accounts:audit_list"), {"user": "prescriber@jhb"})
    assert {r.action for r in by_user.context["page"]} == {AuditAction.LOGIN}


def test_the_auditor_sees_nothing_from_a_clinic_they_do_not_audit(
    client: Client, world: World
) -> None:
    login(Client(), world.other_prescriber.email)
    client.force_login(world.auditor)
    rows = list(client.get(reverse("accounts:audit_list")).context["page"])
    assert world.other_prescriber.email not in {r.actor_email for r in rows}


def test_an_impossible_date_range_shows_the_field_problem(client: Client, world: World) -> None:
    client.force_login(world.auditor)
    response = client.get(
        reverse("accounts:audit_list"), {"date_from": "2026-05-02", "date_to": "2026-05-01"}
    )
    assert "The end date is before the start date." in response.content.decode()
    assert response.context["page"] == []


def test_the_export_is_csv_of_the_filtered_entries_and_is_itself_audited(
    client: Client, world: World
) -> None:
    login(Client(), world.prescriber.email)
    login(Client(), world.prescriber.email, "bad")
    client.force_login(world.auditor)
    response = client.get(
        reverse("accounts:audit_export"), {"action": AuditAction.LOGIN, "user": "prescriber"}
    )
    assert response["Content-Type"] == "text/csv" and response.streaming
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r["action"] for r in rows] == ["login"]
    assert rows[0]["actor_email"] == world.prescriber.email
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, actor=world.auditor).exists()
