"""API tokens expire (90 days unless chosen, within a maximum) and may be read-only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from repigment.accounts.models import ApiToken, AuditAction, AuditEntry
from tests.accounts.test_api import assert_error, bearer
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _expire(token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk).update(expires=timezone.now() - timedelta(seconds=1))


def test_a_token_lasts_90_days_by_default(world: World) -> None:
    token, _raw = ApiToken.issue(world.prescriber, "script")
    assert token.expires - token.created == timedelta(days=90)
    assert not token.read_only and not token.is_expired


def test_a_token_longer_than_the_maximum_is_refused(world: World) -> None:
    with pytest.raises(ValueError, match="1 to 365 days"):
        ApiToken.issue(world.prescriber, "forever", days=366)
    assert not ApiToken.objects.exists()


def test_an_expired_token_gets_a_401_saying_it_expired(client: Client, world: World) -> None:
    token, raw = ApiToken.issue(world.prescriber, "script", days=30)
    assert client.get("/api/v1/me", **bearer(raw)).status_code == 200
    _expire(token)
    body = assert_error(client.get("/api/v1/me", **bearer(raw)), 401, "token_expired")
    assert "expired on" in body["message"]
    refused = AuditEntry.objects.get(action=AuditAction.API_AUTH_FAILED)
    assert refused.object_id == str(token.pk)


def test_an_expired_token_counts_as_a_failure_of_the_address(client: Client, world: World) -> None:
    token, raw = ApiToken.issue(world.prescriber, "script")
    _expire(token)
    for _ in range(19):
        client.get("/api/v1/me", **bearer(raw))
    assert_error(client.get("/api/v1/me", **bearer(raw)), 429, "locked_out")


def test_a_revoked_expired_token_is_simply_unknown(client: Client, world: World) -> None:
    token, raw = ApiToken.issue(world.prescriber, "script")
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    _expire(token)
    assert_error(client.get("/api/v1/me", **bearer(raw)), 401, "unauthenticated")


def test_a_read_only_token_reads_but_may_not_write(client: Client, world: World) -> None:
    token, raw = ApiToken.issue(world.prescriber, "dashboard", read_only=True)
    path = f"/api/v1/patients/{world.patient.pk}"
    assert client.get(path, **bearer(raw)).status_code == 200
    writes = [  # the API has no DELETE yet; the refusal comes before any endpoint runs
        (client.post, "/api/v1/patients"),
        (client.patch, path),
        (client.put, "/api/v1/authorisations/1/motivation"),
    ]
    for method, url in writes:
        answer = method(url, {"notes": "x"}, content_type="application/json", **bearer(raw))
        body = assert_error(answer, 403, "read_only_token")
        assert "read-only" in body["message"]
    denied = AuditEntry.objects.filter(action=AuditAction.ACCESS_DENIED, object_type="api_token")
    assert denied.count() == 3 and denied.first().actor == world.prescriber  # type: ignore[union-attr]
    assert denied.first().object_id == str(token.pk)  # type: ignore[union-attr]


def test_a_full_token_still_writes(client: Client, world: World) -> None:
    _token, raw = ApiToken.issue(world.prescriber, "script")
    path = f"/api/v1/patients/{world.patient.pk}"
    answer = client.patch(path, {}, content_type="application/json", **bearer(raw))
    assert answer.status_code == 200


def test_the_profile_page_makes_a_read_only_token_with_a_chosen_lifetime(
    client: Client, world: World
) -> None:
    client.force_login(world.prescriber)
    page = client.post(
        reverse("accounts:profile"), {"name": "monthly report", "days": "30", "read_only": "on"}
    )
    assert page.status_code == 200 and page.context["new_token"]
    token = ApiToken.objects.get(user=world.prescriber)
    assert token.read_only and token.expires - token.created == timedelta(days=30)
    listing = client.get(reverse("accounts:profile")).text
    # The page shows the expiry's day where the clinic is (<time datetime=...>), which is
    # the next UTC day late in the evening.
    expiry_day = timezone.localdate(token.expires).isoformat()
    assert f'datetime="{expiry_day}"' in listing and "read only" in listing


def test_the_profile_page_refuses_a_lifetime_over_the_maximum(client: Client, world: World) -> None:
    client.force_login(world.prescriber)
    page = client.post(reverse("accounts:profile"), {"name": "forever", "days": "3650"})
    assert page.status_code == 200 and not page.context["new_token"]
    assert page.context["form"].errors["days"]
    assert not ApiToken.objects.exists()


def test_the_profile_page_shows_an_expired_token_as_expired(client: Client, world: World) -> None:
    token, _raw = ApiToken.issue(world.prescriber, "old script")
    _expire(token)
    client.force_login(world.prescriber)
    listing = client.get(reverse("accounts:profile")).text
    assert "expired" in listing and "Revoke" not in listing


def test_a_patients_profile_offers_no_api_tokens(client: Client, world: World) -> None:
    client.force_login(world.patient_user)
    page = client.get(reverse("accounts:profile")).text
    assert "API tokens" not in page and "Create token" not in page and "Bearer" not in page
    refused = client.post(reverse("accounts:profile"), {"name": "mine", "days": "30"})
    assert refused.status_code == 403 and not ApiToken.objects.exists()


def test_staff_see_how_to_send_a_token_with_its_placeholder_escaped(
    client: Client, world: World
) -> None:
    client.force_login(world.pharmacist)
    page = client.get(reverse("accounts:profile")).text
    assert "<code>Authorization: Bearer &lt;token&gt;</code>" in page
    assert "Bearer ." not in page and "<token>" not in page
