"""Issue 18: a refused access is logged as one warning line (user id, path, reason) with no
traceback and nothing personal."""

from __future__ import annotations

import logging
import sys

import pytest
from django.test import Client
from django.urls import reverse

from repigment.core.logs import RefusedAccess
from tests.conftest import World


@pytest.mark.django_db
def test_a_refused_access_is_one_line_without_personal_data(
    client: Client, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    client.force_login(world.patient_user)
    with caplog.at_level(logging.WARNING):
        response = client.get(reverse("supply:stock") + "?state=available")
    assert response.status_code == 403
    refused = [r for r in caplog.records if "Access refused" in r.getMessage()]
    assert len(refused) == 1
    line = refused[0]
    assert line.levelname == "WARNING"
    assert line.exc_info is None and not line.exc_text
    message = line.getMessage()
    assert (
        message == f"Access refused: user={world.patient_user.pk} path=/supply/stock/ reason=role"
    )
    assert "Traceback" not in caplog.text
    assert world.patient_user.email not in caplog.text
    assert "state=available" not in message


def test_other_request_errors_keep_their_traceback() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal "
                                   "Server Error: %s", ("/x/",), sys.exc_info())  # fmt: skip
    assert RefusedAccess().filter(record)
    assert record.exc_info is not None and record.levelname == "ERROR"
