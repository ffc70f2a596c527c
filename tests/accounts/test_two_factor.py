"""Two-factor log-in: enrolment, the second step after the password, recovery codes, policy.

Codes are real TOTP codes computed from the device's key (django_otp.oath.totp), as an
authenticator app computes them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from repigment.accounts.models import ApiToken, AuditAction, AuditEntry, Membership, Role, User
from tests.accounts.test_settings import run_django
from tests.conftest import PASSWORD, World

ENROL = reverse("accounts:two_factor")
VERIFY = reverse("accounts:two_factor_verify")
DASHBOARD = reverse("accounts:dashboard")


def code_for(device: TOTPDevice, ahead: int = 0) -> str:
    """The code the app shows now (``ahead`` steps later: a code is accepted once per step)."""
    device.refresh_from_db()
    value = totp(device.bin_key, device.step, device.t0 - ahead * device.step, device.digits)
    return f"{value:0{device.digits}d}"


def enrol(client: Client, user: User) -> list[str]:
    """Sign in with the password and turn two-factor log-in on; the recovery codes shown."""
    client.force_login(user)
    page = client.get(ENROL)
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    done = client.post(ENROL, {"code": code_for(device)})
    assert done.status_code == 200
    return re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", done.content.decode())


def audited(action: str, user: User) -> int:
    return AuditEntry.objects.filter(action=action, actor=user).count()


@pytest.fixture
def required(settings: Any) -> None:
    settings.REQUIRE_2FA = True


def test_enrolment_shows_a_local_qr_code_and_the_key_then_ten_recovery_codes_once(
    client: Client, world: World
) -> None:
    client.force_login(world.patient_user)
    page = client.get(ENROL)
    html = page.content.decode()
    assert "<svg" in html and "http" not in html.split("<svg", 1)[1].split("</svg>")[0]
    device = TOTPDevice.objects.get(user=world.patient_user, confirmed=False)
    assert device.config_url.split("secret=")[1].split("&")[0] in html.replace(" ", "")
    # The same key on a second visit (the app may have scanned the first page).
    client.get(ENROL)
    assert TOTPDevice.objects.filter(user=world.patient_user).count() == 1

    codes = enrol(client, world.patient_user)
    assert len(codes) == len(set(codes)) == 10
    world.patient_user.refresh_from_db()
    assert world.patient_user.two_factor_since is not None
    assert audited(AuditAction.TWO_FACTOR_ENROLLED, world.patient_user) == 1
    # Shown once: the settings page gives the count, never the codes.
    manage = client.get(ENROL).content.decode()
    assert "10 recovery codes left" in manage
    assert not any(code in manage for code in codes)


def test_a_wrong_code_does_not_turn_it_on_and_is_audited(client: Client, world: World) -> None:
    client.force_login(world.prescriber)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=world.prescriber)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = client.post(ENROL, {"code": wrong})
    assert response.status_code == 200
    assert "does not match" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticToken.objects.exists()
    world.prescriber.refresh_from_db()
    assert world.prescriber.two_factor_since is None
    assert audited(AuditAction.TWO_FACTOR_FAILED, world.prescriber) == 1


def test_once_on_the_next_log_in_asks_for_the_code_before_any_page(
    client: Client, world: World
) -> None:
    enrol(client, world.prescriber)
    other = Client()
    other.force_login(world.prescriber)  # the password step
    response = other.get(DASHBOARD)
    assert response.status_code == 302
    assert urlparse(response["Location"]).path == VERIFY
    assert other.get(reverse("patients:detail", args=[world.patient.pk])).status_code == 302
    device = TOTPDevice.objects.get(user=world.prescriber, confirmed=True)
    answer = other.post(VERIFY, {"code": code_for(device, ahead=1), "next": DASHBOARD})
    assert answer.status_code == 302 and answer["Location"] == DASHBOARD
    assert other.get(DASHBOARD).status_code == 200
    assert audited(AuditAction.TWO_FACTOR_VERIFIED, world.prescriber) == 1


def test_a_wrong_code_is_refused_audited_and_throttled(client: Client, world: World) -> None:
    enrol(client, world.prescriber)
    other = Client()
    other.force_login(world.prescriber)
    device = TOTPDevice.objects.get(user=world.prescriber, confirmed=True)
    right = code_for(device, ahead=1)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    refused = other.post(VERIFY, {"code": wrong})
    assert refused.status_code == 200
    assert "not correct" in refused.content.decode()
    assert audited(AuditAction.TWO_FACTOR_FAILED, world.prescriber) == 1
    # django-otp waits 1, 2, 4 … seconds after successive failures: even the right code now.
    throttled = other.post(VERIFY, {"code": right})
    assert "Too many wrong codes" in throttled.content.decode()
    assert other.get(DASHBOARD).status_code == 302
    assert audited(AuditAction.TWO_FACTOR_FAILED, world.prescriber) == 2


def test_a_recovery_code_works_once_and_is_audited(client: Client, world: World) -> None:
    codes = enrol(client, world.prescriber)
    first = Client()
    first.force_login(world.prescriber)
    used = first.post(VERIFY, {"code": codes[0].upper().replace("-", " ")}, follow=True)
    assert used.status_code == 200
    assert "9 left" in used.content.decode()
    assert first.get(DASHBOARD).status_code == 200
    assert audited(AuditAction.RECOVERY_CODE_USED, world.prescriber) == 1
    again = Client()
    again.force_login(world.prescriber)
    assert again.post(VERIFY, {"code": codes[0]}).status_code == 200  # the form again
    assert again.get(DASHBOARD).status_code == 302


def test_new_recovery_codes_replace_the_old_ones(client: Client, world: World) -> None:
    old = enrol(client, world.patient_user)
    response = client.post(reverse("accounts:two_factor_codes"))
    new = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert audited(AuditAction.RECOVERY_CODES_NEW, world.patient_user) == 1
    other = Client()
    other.force_login(world.patient_user)
    other.post(VERIFY, {"code": old[1]})
    assert other.get(reverse("accounts:profile")).status_code == 302


def test_a_password_alone_cannot_replace_the_authenticator(client: Client, world: World) -> None:
    enrol(client, world.prescriber)
    other = Client()
    other.force_login(world.prescriber)
    response = other.get(ENROL)
    assert response.status_code == 302 and urlparse(response["Location"]).path == VERIFY
    assert other.post(ENROL, {"code": "123456"}).status_code == 302
    assert other.post(reverse("accounts:two_factor_off")).status_code == 302
    assert TOTPDevice.objects.filter(user=world.prescriber, confirmed=True).count() == 1


def test_the_api_treats_an_unverified_session_as_signed_out_but_tokens_work(
    client: Client, world: World
) -> None:
    enrol(client, world.prescriber)
    _, raw = ApiToken.issue(world.prescriber, "script")
    other = Client()
    other.force_login(world.prescriber)
    assert other.get("/api/v1/patients").status_code == 401
    assert other.get("/api/v1/patients", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    assert client.get("/api/v1/patients").status_code == 200  # the verified session


@pytest.mark.usefixtures("required")
def test_when_required_every_staff_role_must_enrol_first(client: Client, world: World) -> None:
    for role in Role:
        user = world.user(role)
        other = Client()
        other.force_login(user)
        sent = other.get(DASHBOARD)
        assert sent.status_code == 302, role
        # Not enrolled yet: the verification step sends them on to enrolment.
        assert urlparse(other.get(sent["Location"])["Location"]).path == ENROL, role
    enrol(client, world.pharmacist)
    assert client.get(DASHBOARD).status_code == 200


@pytest.mark.usefixtures("required")
def test_when_required_a_patient_is_not_asked_but_may_opt_in(client: Client, world: World) -> None:
    client.force_login(world.patient_user)
    assert client.get(reverse("accounts:profile")).status_code == 200
    enrol(client, world.patient_user)
    off = client.post(reverse("accounts:two_factor_off"))
    assert off.status_code == 302
    world.patient_user.refresh_from_db()
    assert world.patient_user.two_factor_since is None
    assert not TOTPDevice.objects.filter(user=world.patient_user).exists()
    assert audited(AuditAction.TWO_FACTOR_REMOVED, world.patient_user) == 1


@pytest.mark.usefixtures("required")
def test_when_required_staff_cannot_turn_it_off(client: Client, world: World) -> None:
    client.force_login(world.prescriber)
    enrol(client, world.prescriber)
    assert "cannot be turned off" in client.get(ENROL).content.decode()
    client.post(reverse("accounts:two_factor_off"))
    assert TOTPDevice.objects.filter(user=world.prescriber, confirmed=True).exists()


@pytest.mark.usefixtures("required")
def test_the_site_administration_asks_for_the_second_factor(client: Client, world: World) -> None:
    root = User.objects.create_superuser("root@jhb.test", PASSWORD, full_name="Root")
    client.force_login(root)
    assert urlparse(client.get("/admin/")["Location"]).path == VERIFY
    assert urlparse(client.get("/admin/accounts/user/")["Location"]).path == VERIFY
    enrol(client, root)
    assert client.get("/admin/").status_code == 200


def test_when_not_required_staff_pass_with_a_password(client: Client, world: World) -> None:
    client.force_login(world.prescriber)
    assert client.get(DASHBOARD).status_code == 200


def test_demo_accounts_may_skip_it_in_development_only(
    client: Client, world: World, settings: Any
) -> None:
    settings.REQUIRE_2FA = True
    demo = User.objects.create_user("prescriber@example.org", PASSWORD, full_name="Demo")
    Membership.objects.create(user=demo, clinic=world.clinic, role=Role.PRESCRIBER)
    client.force_login(demo)
    settings.TWO_FACTOR_DEMO_EXEMPT = True
    assert client.get(DASHBOARD).status_code == 200
    settings.TWO_FACTOR_DEMO_EXEMPT = False
    assert client.get(DASHBOARD).status_code == 302


def test_production_requires_it_by_default_and_development_does_not(tmp_path: Path) -> None:
    show = "from django.conf import settings as s; print(s.REQUIRE_2FA, s.TWO_FACTOR_DEMO_EXEMPT)"
    production = run_django(
        "shell", "--no-imports", "-c", show,
        REPIGMENT_ENV="production",
        REPIGMENT_SECRET_KEY="prod-" + "a1B2c3D4e5F6g7H8i9J0" * 3,
        REPIGMENT_ALLOWED_HOSTS="repigment.example.org",
        REPIGMENT_VAR_DIR=str(tmp_path),
    )  # fmt: skip
    assert production.stdout.split() == ["True", "False"], production.stderr
    development = run_django("shell", "--no-imports", "-c", show, REPIGMENT_VAR_DIR=str(tmp_path))
    assert development.stdout.split() == ["False", "True"], development.stderr


def test_check_deploy_warns_when_staff_may_skip_it(settings: Any, db: None) -> None:
    from django.core import checks

    settings.REQUIRE_2FA = False
    found = checks.run_checks(include_deployment_checks=True)
    assert "repigment.W003" in {m.id for m in found}
    settings.REQUIRE_2FA = True
    found = checks.run_checks(include_deployment_checks=True)
    assert "repigment.W003" not in {m.id for m in found}
