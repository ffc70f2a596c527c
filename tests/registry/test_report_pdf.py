"""The registry report PDF is made on the worker and offered to whoever asked for it."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from repigment.accounts.models import AuditEntry
from repigment.core.models import Job
from tests.conftest import World
from tests.core.workers import run_database_worker
from tests.registry.test_pages import cohort_of

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_pdf_is_made_in_the_background_with_the_suppressed_figures(world: World) -> None:
    cohort_of(world)
    client = Client()
    client.force_login(world.prescriber)
    answer = client.get(reverse("registry:outcomes_pdf"), {"sex": "female"})
    job = Job.objects.get()
    assert answer.status_code == 302 and str(job.public_id) in answer["Location"]
    run_database_worker()
    download = client.get(reverse("accounts:job_file", args=[job.public_id]))
    content = b"".join(download.streaming_content)  # type: ignore[attr-defined]
    words = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "Registry report" in words and "F-VASI75" in words and "<5" in words
    assert "TRuE-V1 29.8 %" in words
    # the worker's read is audited like the page's: the prescriber's clinic's 6 patients
    entry = AuditEntry.objects.filter(object_type="registry_outcomes").get()
    assert entry.actor == world.prescriber and len(entry.patient_ids) == 6


def test_a_bad_filter_starts_no_job(world: World) -> None:
    client = Client()
    client.force_login(world.analyst)
    assert client.get(reverse("registry:outcomes_pdf"), {"sex": "x"}).status_code == 400
    assert not Job.objects.exists()
