"""The clinic administrator's REDCap import page: upload, background job, progress, report."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from repigment.core.models import Job
from repigment.patients.models import Patient
from tests.conftest import World
from tests.core.workers import run_database_worker
from tests.interop.test_redcap_import import broken, files

pytestmark = pytest.mark.django_db(transaction=True)


def upload(client: Client, world: World, texts: tuple[str, str, str], dry_run: bool) -> str:
    names = ("dictionary", "records", "mapping")
    data: dict[str, object] = {
        name: SimpleUploadedFile(f"{name}.txt", text.encode())
        for name, text in zip(names, texts, strict=True)
    }
    if dry_run:
        data["dry_run"] = "on"
    response = client.post(reverse("interop:redcap_start", args=[world.clinic.pk]), data)
    assert response.status_code == 302
    return response["Location"]


def test_the_administrator_checks_then_imports(client: Client, world: World) -> None:
    client.force_login(world.clinic_admin)
    page = client.get(reverse("interop:redcap_start", args=[world.clinic.pk]))
    assert "Import a REDCap project" in page.content.decode()
    result = upload(client, world, files(world), dry_run=True)
    assert "Queued" in client.get(result).content.decode()
    run_database_worker()
    assert "Nothing was written (dry run)" in client.get(result).content.decode()
    assert Patient.objects.count() == 1
    result = upload(client, world, files(world), dry_run=False)
    run_database_worker()
    shown = client.get(result).content.decode()
    assert "Imported." in shown and "New: 3 adverse event" in shown
    assert Patient.objects.count() == 4
    assert Job.objects.filter(state="succeeded").count() == 2


def test_a_broken_project_lists_every_problem(client: Client, world: World) -> None:
    client.force_login(world.clinic_admin)
    result = upload(client, world, broken(world), dry_run=False)
    run_database_worker()
    shown = client.get(result, HTTP_HX_REQUEST="true").content.decode()
    assert "4 problems; nothing was written." in shown
    assert "line 9, record RC003, ae_severity" in shown
    assert Patient.objects.count() == 1


def test_the_mapping_must_name_this_clinic(client: Client, world: World) -> None:
    from repigment.accounts.models import Membership, Role

    Membership.objects.create(
        user=world.clinic_admin, clinic=world.other_clinic, role=Role.CLINIC_ADMIN
    )
    client.force_login(world.clinic_admin)
    response = client.post(
        reverse("interop:redcap_start", args=[world.other_clinic.pk]),
        {
            name: SimpleUploadedFile(name, text.encode())
            for name, text in zip(("dictionary", "records", "mapping"), files(world), strict=True)
        },
    )
    run_database_worker()
    assert "not into this clinic" in client.get(response["Location"]).content.decode()
