"""A job's page and its file belong to the person who started it; the admin lists every job."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from repigment.accounts.models import User
from repigment.core.filejobs import UnknownFileMaker, start_file_job
from repigment.core.models import Job, JobState
from tests.conftest import PASSWORD, World
from tests.core.workers import run_database_worker

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("_note_maker"),
]


@pytest.fixture
def _note_maker():  # type: ignore[no-untyped-def]
    with override_settings(JOB_FILE_MAKERS={"note": "tests.core.makers.note"}):
        yield


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_report_made_in_the_background_is_offered_to_whoever_asked_for_it(world: World) -> None:
    job = start_file_job("note", {"who": "Jhb"}, user=world.prescriber, key="note:jhb")
    client = _signed_in(world.prescriber)
    page = client.get(reverse("accounts:job", args=[job.public_id]))
    assert page.status_code == 200 and "Queued" in page.text and "hx-trigger" in page.text
    run_database_worker()
    page = client.get(reverse("accounts:job", args=[job.public_id]))
    assert "Succeeded" in page.text and "hx-trigger" not in page.text
    download = client.get(reverse("accounts:job_file", args=[job.public_id]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"Report for Jhb\n"  # type: ignore[attr-defined]
    assert 'filename="note' in download["Content-Disposition"]


def test_someone_else_finds_no_such_job(world: World) -> None:
    job = start_file_job("note", {"who": "Jhb"}, user=world.prescriber, key="note:other")
    run_database_worker()
    client = _signed_in(world.other_prescriber)
    assert client.get(reverse("accounts:job", args=[job.public_id])).status_code == 404
    assert client.get(reverse("accounts:job_file", args=[job.public_id])).status_code == 404


def test_an_unknown_report_maker_is_refused_before_anything_is_queued(world: World) -> None:
    with pytest.raises(UnknownFileMaker):
        start_file_job("nonesuch", {}, user=world.prescriber, key="x")
    assert not Job.objects.exists()


def test_the_site_administration_lists_jobs_with_their_state_and_can_cancel_them(
    world: World,
) -> None:
    job = start_file_job("note", {"who": "Jhb"}, user=world.prescriber, key="note:admin")
    root = User.objects.create_superuser("root@example.test", PASSWORD, full_name="Root")
    client = Client()
    client.force_login(root)
    listing = client.get(reverse("admin:core_job_changelist"))
    assert listing.status_code == 200 and "file:note" in listing.text and "Queued" in listing.text
    detail = client.get(reverse("admin:core_job_change", args=[job.pk]))
    assert detail.status_code == 200
    client.post(
        reverse("admin:core_job_changelist"),
        {"action": "cancel_jobs", "_selected_action": [job.pk]},
    )
    job.refresh_from_db()
    assert job.state == JobState.CANCELLED
