"""Log-in throttling (django-axes): per account and per address, on every door, audited."""

from __future__ import annotations

import io

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from repigment.accounts.models import AuditAction, AuditEntry, User
from tests.conftest import PASSWORD, World

pytestmark = pytest.mark.django_db

LIMIT = 5  # the default failures per account
HOME = "192.0.2.10"  # documentation addresses (RFC 5737): no traffic goes anywhere
ELSEWHERE = "198.51.100.7"


def _log_in(client: Client, email: str, password: str, address: str = HOME) -> object:
    form = {"username": email, "password": password}
    return client.post(reverse("accounts:login"), form, REMOTE_ADDR=address)


def _fail(client: Client, email: str, times: int, address: str = HOME) -> None:
    for _ in range(times):
        assert _log_in(client, email, "wrong password", address).status_code in (200, 429)


def test_the_sixth_attempt_with_the_right_password_is_refused_with_a_clear_message(
    client: Client, world: World
) -> None:
    _fail(client, world.prescriber.email, LIMIT)
    refused = _log_in(client, world.prescriber.email, PASSWORD)
    assert refused.status_code == 429
    assert "Too many failed attempts" in refused.text and "15 minutes" in refused.text
    assert refused["Retry-After"] == "900"
    assert "_auth_user_id" not in client.session


def test_four_failures_still_let_the_right_password_in(client: Client, world: World) -> None:
    _fail(client, world.prescriber.email, LIMIT - 1)
    assert _log_in(client, world.prescriber.email, PASSWORD).status_code == 302


def test_case_variants_of_the_address_count_against_the_one_account(
    client: Client, world: World
) -> None:
    for variant in ("PRESCRIBER@", "Prescriber@", "pRescriber@", "prescribeR@", "PRESCRIBER@"):
        email = variant + world.prescriber.email.split("@")[1]
        _log_in(client, email, "wrong password")
    assert _log_in(client, world.prescriber.email, PASSWORD).status_code == 429


def test_a_locked_account_is_locked_from_another_address_too(client: Client, world: World) -> None:
    _fail(client, world.prescriber.email, LIMIT)
    assert _log_in(Client(), world.prescriber.email, PASSWORD, ELSEWHERE).status_code == 429


def test_another_account_from_another_address_is_not_affected(client: Client, world: World) -> None:
    _fail(client, world.prescriber.email, LIMIT)
    assert _log_in(Client(), world.pharmacist.email, PASSWORD, ELSEWHERE).status_code == 302


def test_an_address_is_locked_after_failures_across_many_accounts(
    client: Client, world: World
) -> None:
    # 20 failures per address by default: four on each of five made-up accounts.
    for n in range(5):
        _fail(client, f"guess{n}@example.org", 4)
    assert _log_in(client, world.pharmacist.email, PASSWORD).status_code == 429
    assert _log_in(Client(), world.pharmacist.email, PASSWORD, ELSEWHERE).status_code == 302


def test_the_admin_log_in_is_throttled(client: Client, world: World) -> None:
    User.objects.create_superuser("root@example.org", PASSWORD, full_name="Root")
    url = reverse("admin:login")
    for _ in range(LIMIT):
        client.post(url, {"username": "root@example.org", "password": "wrong"}, REMOTE_ADDR=HOME)
    refused = client.post(url, {"username": "root@example.org", "password": PASSWORD})
    assert refused.status_code == 429 and "Too many failed attempts" in refused.text


def test_a_lockout_is_audited_naming_the_account(client: Client, world: World) -> None:
    _fail(client, world.prescriber.email, LIMIT)
    _log_in(client, world.prescriber.email, PASSWORD)
    locked = AuditEntry.objects.filter(action=AuditAction.LOCKED_OUT)
    assert locked.count() == 2  # the attempt that reached the limit and the refused one
    entry = locked.first()
    assert entry is not None
    assert entry.actor == world.prescriber and entry.object_id == str(world.prescriber.pk)
    assert entry.client_address == HOME
    assert [AuditAction.LOGIN_FAILED, "user", str(world.prescriber.pk)] in entry.also


def test_the_lift_command_restores_access_and_is_audited(client: Client, world: World) -> None:
    _fail(client, world.prescriber.email, LIMIT)
    out = io.StringIO()
    call_command("unlock", email=world.prescriber.email.upper(), stdout=out)
    assert "Lifted" in out.getvalue()
    assert _log_in(client, world.prescriber.email, PASSWORD).status_code == 302
    lifted = AuditEntry.objects.get(action=AuditAction.LOCKOUT_LIFTED)
    assert lifted.object_id == world.prescriber.email


def test_the_lift_command_lifts_an_address(client: Client, world: World) -> None:
    for n in range(5):
        _fail(client, f"guess{n}@example.org", 4)
    call_command("unlock", address=HOME, stdout=io.StringIO())
    assert _log_in(client, world.pharmacist.email, PASSWORD).status_code == 302


def test_the_lift_command_lists_what_is_counted(client: Client, world: World) -> None:
    _fail(client, world.prescriber.email, 2)
    out = io.StringIO()
    call_command("unlock", stdout=out)
    assert world.prescriber.email in out.getvalue() and "failures=2" in out.getvalue()


def test_an_administrator_lifts_a_lockout_in_the_admin(client: Client, world: World) -> None:
    _fail(client, world.prescriber.email, LIMIT)
    root = User.objects.create_superuser("root@example.org", PASSWORD, full_name="Root")
    admin = Client()
    admin.force_login(root)
    attempt = AccessAttempt.objects.get(username=world.prescriber.email)
    url = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert admin.post(url, {"post": "yes"}).status_code == 302
    assert _log_in(client, world.prescriber.email, PASSWORD).status_code == 302
    lifted = AuditEntry.objects.get(action=AuditAction.LOCKOUT_LIFTED)
    assert lifted.actor == root and world.prescriber.email in lifted.object_id


def test_password_reset_requests_are_limited_per_account(client: Client, world: World) -> None:
    url = reverse("accounts:password_reset")
    for _ in range(LIMIT):
        sent = client.post(url, {"email": world.prescriber.email}, REMOTE_ADDR=HOME)
        assert sent.status_code == 302
    refused = client.post(url, {"email": world.prescriber.email}, REMOTE_ADDR=ELSEWHERE)
    assert refused.status_code == 429 and "Too many failed attempts" in refused.text
    assert len(mail.outbox) == LIMIT
    # Asking for links does not lock the account's log-in, nor another account's reset.
    assert _log_in(Client(), world.prescriber.email, PASSWORD, ELSEWHERE).status_code == 302
    other = client.post(url, {"email": world.pharmacist.email}, REMOTE_ADDR=ELSEWHERE)
    assert other.status_code == 302 and len(mail.outbox) == LIMIT + 1


def _bad_token(client: Client, address: str = HOME) -> object:
    return client.get(
        "/api/v1/me", HTTP_AUTHORIZATION="Bearer rpg_not-a-real-token", REMOTE_ADDR=address
    )


def test_bad_api_tokens_lock_the_address_with_a_json_429(client: Client, world: World) -> None:
    for _ in range(19):
        assert _bad_token(client).status_code == 401
    locked = _bad_token(client)
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "locked_out"
    assert "Too many failed attempts" in locked.json()["error"]["message"]
    # The address is locked for log-ins too; another address is not.
    assert _log_in(client, world.prescriber.email, PASSWORD).status_code == 429
    assert _bad_token(client, ELSEWHERE).status_code == 401
    entry = AuditEntry.objects.filter(action=AuditAction.LOCKED_OUT).order_by("id").first()
    assert entry is not None and entry.path == "/api/v1/me"
    assert entry.object_type == "address" and entry.object_id == HOME
    assert [AuditAction.API_AUTH_FAILED, "api_token", ""] in entry.also


def test_text_typed_for_no_account_is_not_stored(client: Client, world: World) -> None:
    # Someone types their password into the e-mail field: only a keyed digest is kept.
    _fail(client, "My Secret Passw0rd", LIMIT)
    stored = list(AccessAttempt.objects.values_list("username", "get_data", "post_data"))
    assert len(stored) == 1 and stored[0][0].startswith("unknown:")
    assert "secret" not in str(stored).lower()
    assert _log_in(client, "my secret passw0rd", PASSWORD).status_code == 429
    call_command("unlock", email="MY SECRET PASSW0RD", stdout=io.StringIO())
    assert not AccessAttempt.objects.exists()


def test_wrong_current_passwords_on_the_change_page_count_as_failures(
    client: Client, world: World
) -> None:
    client.force_login(world.prescriber)
    url = reverse("accounts:password_change")
    new = "a long new password 42"
    change = {"new_password1": new, "new_password2": new}
    for _ in range(LIMIT):
        client.post(url, {"old_password": "wrong", **change}, REMOTE_ADDR=HOME)
    refused = client.post(url, {"old_password": PASSWORD, **change}, REMOTE_ADDR=HOME)
    assert refused.status_code == 429 and "Too many failed attempts" in refused.text
    world.prescriber.refresh_from_db()
    assert world.prescriber.check_password(PASSWORD)
    assert AuditEntry.objects.filter(action=AuditAction.LOCKED_OUT).exists()


def test_the_right_current_password_changes_it(client: Client, world: World) -> None:
    client.force_login(world.prescriber)
    new = "a long new password 42"
    form = {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    assert client.post(reverse("accounts:password_change"), form).status_code == 302
    world.prescriber.refresh_from_db()
    assert world.prescriber.check_password(new)
