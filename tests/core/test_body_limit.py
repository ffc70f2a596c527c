"""A request body over the limit is refused with 413 before anything reads it: the API's JSON
error shape on the API, a short page elsewhere; nothing is stored (issue 12, finding 7)."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from repigment.assessments.models import Photo
from repigment.assessments.services import MAX_PHOTOS_PER_UPLOAD
from repigment.patients.models import Patient
from tests.conftest import World

pytestmark = pytest.mark.django_db
LIMIT = 4096


@pytest.fixture
def small_limit(settings: Any) -> None:
    settings.REQUEST_MAX_BYTES = LIMIT


def test_the_default_limit_takes_the_largest_upload_the_pages_accept() -> None:
    assert settings.REQUEST_MAX_BYTES >= MAX_PHOTOS_PER_UPLOAD * settings.UPLOAD_MAX_BYTES


def test_a_page_upload_over_the_limit_is_refused_and_nothing_is_stored(
    client: Client, world: World, small_limit: None
) -> None:
    client.force_login(world.prescriber)
    big = SimpleUploadedFile("photo.jpg", b"\xff" * (2 * LIMIT), content_type="image/jpeg")
    response = client.post("/visits/1/photos/new/", {"images": [big]})
    assert response.status_code == 413
    assert "larger than" in response.content.decode()
    assert not Photo.objects.exists()


def test_an_api_multipart_body_over_the_limit_answers_413_in_the_error_shape(
    client: Client, world: World, small_limit: None
) -> None:
    client.force_login(world.prescriber)
    big = SimpleUploadedFile("form.pdf", b"%PDF-" + b"0" * (2 * LIMIT))
    response = client.post(f"/api/v1/patients/{world.patient.pk}/consents", {"file": big})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_a_body_under_the_limit_goes_through(
    client: Client, world: World, small_limit: None
) -> None:
    client.force_login(world.prescriber)
    response = client.get(f"/api/v1/patients/{world.patient.pk}")
    assert response.status_code == 200
    assert Patient.objects.filter(pk=world.patient.pk).exists()
