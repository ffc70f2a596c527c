"""The FHIR server's door obeys the API tokens' rules: expiry told, bad tokens throttled."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from repigment.accounts.models import ApiToken
from tests.conftest import World
from tests.interop.fhir_world import fhir_token, get

pytestmark = pytest.mark.django_db


def test_an_expired_fhir_token_is_told_it_expired(world: World) -> None:
    raw = fhir_token(world.prescriber)
    assert get("metadata", raw).status_code == 200
    ApiToken.objects.update(expires=timezone.now() - timedelta(seconds=1))
    answer = get(f"Patient/{world.patient.pk}", raw)
    assert answer.status_code == 401
    assert answer.json()["issue"][0]["code"] == "expired"


def test_bad_fhir_tokens_lock_the_address_with_an_operation_outcome(world: World) -> None:
    for _ in range(19):
        assert get(f"Patient/{world.patient.pk}", "rpg_wrong").status_code == 401
    locked = get(f"Patient/{world.patient.pk}", "rpg_wrong")
    assert locked.status_code == 429
    issue = locked.json()["issue"][0]
    assert issue["code"] == "throttled" and "Too many failed attempts" in issue["diagnostics"]
