"""One audit entry per request, however many patients or actions it involved; a change and its
entry are written together or not at all."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from repigment.accounts import audit
from repigment.accounts.models import AuditAction, AuditEntry, Role, User
from repigment.assessments.models import Visit
from repigment.authorisations.models import AuthorisationApplication
from repigment.patients.models import Patient
from repigment.safety.models import AdverseEvent
from tests.conftest import World


def _pages(jhb: Patient) -> dict[str, list[str]]:
    """The main pages and API lists of each demo account, on the demo world."""
    clinic = jhb.clinic_id
    visit = Visit.objects.filter(patient=jhb).first()
    application = AuthorisationApplication.objects.filter(patient__clinic=clinic).first()
    event = AdverseEvent.objects.filter(patient__clinic=clinic).first()
    assert visit and application and event
    return {
        "prescriber@example.org": [
            "/dashboard/", "/patients/", f"/patients/{jhb.pk}/", f"/patients/{jhb.pk}/course/",
            f"/patients/{jhb.pk}/photos/", f"/visits/{visit.pk}/",
            f"/clinics/{clinic}/adverse-events/", f"/authorisations/clinic/{clinic}/",
            f"/authorisations/{application.pk}/", f"/adverse-events/{event.pk}/",
            f"/patients/{jhb.pk}/adherence/", "/api/v1/patients", f"/api/v1/patients/{jhb.pk}",
            "/api/v1/adverse-events", "/api/v1/authorisations",
            f"/api/v1/patients/{jhb.pk}/visits", f"/api/v1/patients/{jhb.pk}/course",
        ],
        "pharmacist@example.org": [
            "/supply/dispensing/", f"/supply/dispensing/{application.pk}/",
            "/api/v1/authorisations",
        ],
        "auditor@example.org": ["/audit/", "/api/v1/audit-entries"],
        "admin@example.org": ["/patients/", f"/patients/{jhb.pk}/"],
        "patient@example.org": ["/en/my/", "/en/my/diary/", "/en/my/side-effects/"],
    }  # fmt: skip


@pytest.mark.django_db
def test_each_main_page_and_api_list_writes_one_entry_naming_its_patients() -> None:
    call_command("demo", "--no-progress", stdout=io.StringIO())
    jhb = Patient.objects.filter(record_number="JHB-0001").get()
    found = []
    for email, urls in _pages(jhb).items():
        client = Client()
        client.force_login(User.objects.get(email=email))
        for url in urls:
            mark = newest()
            assert client.get(url).status_code == 200, url
            written = since(mark)
            if len(written) != 1 or not written[0].patient_ids:
                found.append((email, url, [(e.object_type, e.patient_ids) for e in written]))
    assert found == []


@pytest.mark.django_db
def test_the_dashboard_names_every_patient_it_shows_in_one_entry() -> None:
    call_command("demo", "--no-progress", stdout=io.StringIO())
    client = Client()
    client.force_login(User.objects.get(email="prescriber@example.org"))
    page = client.get(reverse("accounts:dashboard")).content.decode()
    entry = AuditEntry.objects.order_by("-pk").first()
    assert entry is not None and entry.object_type == "dashboard"
    shown = Patient.objects.filter(pk__in=entry.patient_ids)
    assert len(entry.patient_ids) > 1
    assert all(patient.full_name in page or patient.record_number in page for patient in shown)


def test_a_request_with_several_actions_keeps_its_main_purpose_and_the_rest(
    client: Client, world: World
) -> None:
    """Registering a patient creates the patient and two consents: one entry, the creation of
    the patient first, the consents in ``also``."""
    from tests.patients.test_registration import register

    register(client, world)
    (entry,) = AuditEntry.objects.filter(action=AuditAction.CREATE)
    patient = Patient.objects.get(record_number="JHB-100")
    assert (entry.object_type, entry.object_id) == ("patient", str(patient.pk))
    assert [kind for _action, kind, _id in entry.also] == ["consent", "consent"]
    assert entry.patient_ids == [patient.pk]


def since(mark: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(pk__gt=mark).order_by("pk"))


def newest() -> int:
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_a_refused_request_writes_its_refusal(client: Client, world: World) -> None:
    client.force_login(world.other_prescriber)
    mark = newest()
    assert client.get(reverse("patients:detail", args=[world.patient.pk])).status_code == 404
    (entry,) = since(mark)
    assert entry.action == AuditAction.ACCESS_DENIED and entry.patient_ids == [world.patient.pk]


def test_a_failed_change_leaves_neither_the_change_nor_its_entry(
    client: Client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash after the change (here: in writing the entry) rolls the change back too."""
    client.force_login(world.clinic_admin)
    url = reverse("accounts:clinic_settings", args=[world.clinic.pk])

    def broken_write(request: object) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(audit, "write_pending", broken_write)
    mark = newest()
    with pytest.raises(RuntimeError):
        client.post(url, {"label_jurisdiction": "FDA"})
    world.clinic.refresh_from_db()
    assert world.clinic.label_jurisdiction == "EMA"
    assert since(mark) == []


def test_a_server_error_writes_nothing_and_keeps_nothing(
    client: Client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from repigment.accounts import views

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug after the change")

    client.raise_request_exception = False
    client.force_login(world.clinic_admin)
    monkeypatch.setattr(views.messages, "success", crash)
    url = reverse("accounts:clinic_settings", args=[world.clinic.pk])
    mark = newest()
    assert client.post(url, {"label_jurisdiction": "FDA"}).status_code == 500
    world.clinic.refresh_from_db()
    assert world.clinic.label_jurisdiction == "EMA"
    assert since(mark) == []


def test_outside_a_request_each_record_is_written_at_once(world: World) -> None:
    first = audit.record(None, AuditAction.UPDATE, actor=world.prescriber, role=Role.PRESCRIBER)
    second = audit.record(None, AuditAction.VIEW, patient_ids=[world.patient.pk, world.patient.pk])
    assert first is not None and second is not None
    assert AuditEntry.objects.count() == 2 and second.patient_ids == [world.patient.pk]
