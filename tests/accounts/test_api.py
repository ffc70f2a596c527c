"""The API skeleton: token and session auth, one JSON error shape, audited refusals."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from repigment.accounts.models import ApiToken, AuditAction, AuditEntry
from tests.conftest import World


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def assert_error(response, status: int, code: str) -> dict:  # type: ignore[no-untyped-def,type-arg]
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()["error"]
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["fields"], dict)
    return body  # type: ignore[no-any-return]


def test_a_bad_token_gets_a_401_json_error_and_an_audit_entry(client: Client, world: World) -> None:
    response = client.get("/api/v1/me", **bearer("rpg_not-a-real-token"))
    assert_error(response, 401, "unauthenticated")
    assert AuditEntry.objects.filter(action=AuditAction.API_AUTH_FAILED).count() == 1


def test_no_credentials_get_a_401_json_error(client: Client, world: World) -> None:
    assert_error(client.get("/api/v1/clinics"), 401, "unauthenticated")


def test_a_token_is_shown_once_stored_hashed_and_works(client: Client, world: World) -> None:
    client.force_login(world.prescriber)
    page = client.post(reverse("accounts:profile"), {"name": "reporting script"})
    raw = page.context["new_token"]
    assert raw.startswith("rpg_")
    stored = ApiToken.objects.get(user=world.prescriber)
    assert raw not in {stored.digest, stored.hint} and len(stored.digest) == 64
    assert raw not in client.get(reverse("accounts:profile")).content.decode()
    me = Client().get("/api/v1/me", **bearer(raw))
    assert me.status_code == 200
    assert me.json()["email"] == world.prescriber.email
    assert me.json()["memberships"][0]["role"] == "prescriber"


def test_a_revoked_token_stops_working(client: Client, world: World) -> None:
    token, raw = ApiToken.issue(world.prescriber, "old")
    client.force_login(world.prescriber)
    client.post(reverse("accounts:revoke_token", args=[token.pk]))
    assert_error(Client().get("/api/v1/me", **bearer(raw)), 401, "unauthenticated")


def test_nobody_can_revoke_someone_elses_token(client: Client, world: World) -> None:
    token, raw = ApiToken.issue(world.prescriber, "mine")
    client.force_login(world.analyst)
    assert client.post(reverse("accounts:revoke_token", args=[token.pk])).status_code == 404
    assert Client().get("/api/v1/me", **bearer(raw)).status_code == 200


def test_clinics_lists_only_the_users_own(client: Client, world: World) -> None:
    _, raw = ApiToken.issue(world.prescriber, "t")
    names = [c["name"] for c in client.get("/api/v1/clinics", **bearer(raw)).json()]
    assert names == [world.clinic.name]


def test_audit_entries_are_refused_to_a_prescriber_with_403_json(
    client: Client, world: World
) -> None:
    _, raw = ApiToken.issue(world.prescriber, "t")
    assert_error(client.get("/api/v1/audit-entries", **bearer(raw)), 403, "forbidden")
    assert AuditEntry.objects.filter(action=AuditAction.ACCESS_DENIED).exists()


def test_bad_query_input_gets_422_with_the_field_named(client: Client, world: World) -> None:
    _, raw = ApiToken.issue(world.auditor, "t")
    body = assert_error(
        client.get("/api/v1/audit-entries", {"date_from": "yesterday"}, **bearer(raw)),
        422,
        "invalid",
    )
    assert "date_from" in body["fields"]


def test_an_unknown_api_path_answers_json_not_html(client: Client, world: World) -> None:
    assert_error(client.get("/api/v1/no-such-thing"), 404, "not_found")


def test_the_openapi_document_and_docs_page_are_served_locally(client: Client) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["info"]["title"] == "Repigment API"
    assert "/api/v1/me" in spec["paths"]
    docs = client.get("/api/v1/docs").content.decode()
    assert "cdn." not in docs and "unpkg" not in docs and "jsdelivr" not in docs


def test_a_token_gets_the_fhir_scope_only_when_asked(client: Client, world: World) -> None:
    client.force_login(world.prescriber)
    client.post(reverse("accounts:profile"), {"name": "plain"})
    client.post(reverse("accounts:profile"), {"name": "fhir client", "fhir": "on"})
    scopes = dict(ApiToken.objects.values_list("name", "scopes"))
    assert scopes == {"plain": [], "fhir client": ["fhir"]}
    assert "FHIR" in client.get(reverse("accounts:profile")).content.decode()
