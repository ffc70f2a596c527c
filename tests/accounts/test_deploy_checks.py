"""`check --deploy` reports mail that never reaches people and demo accounts; production
refuses to serve with either (finding 4 of the security review)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from repigment.accounts.checks import refuse_unsafe_production
from repigment.accounts.demo import DEMO_PASSWORD, PORTAL_DEMO_EMAIL
from repigment.accounts.models import User
from tests.accounts.test_settings import run_django
from tests.conftest import World

REPIGMENT = Path(sys.executable).with_name("repigment")
CONSOLE = "django.core.mail.backends.console.EmailBackend"
SMTP = "django.core.mail.backends.smtp.EmailBackend"


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("REPIGMENT_", "DJANGO_", "DATABASE_URL"))
    }
    environment.update(
        REPIGMENT_ENV="production",
        REPIGMENT_SECRET_KEY="prod-" + "a1B2c3D4e5F6g7H8i9J0" * 3,
        REPIGMENT_ALLOWED_HOSTS="127.0.0.1",
        REPIGMENT_VAR_DIR=str(tmp_path),
        **extra,
    )
    return environment


def deploy_checks(check_id: str | None = None) -> list[checks.CheckMessage]:
    found = checks.run_checks(include_deployment_checks=True)
    return [message for message in found if check_id in (None, message.id)]


@override_settings(EMAIL_BACKEND=CONSOLE)
def test_check_deploy_reports_the_console_mail_backend_as_an_error(db: None) -> None:
    errors = deploy_checks("repigment.E001")
    assert len(errors) == 1 and errors[0].level == checks.ERROR
    assert "password-reset" in errors[0].msg


@override_settings(EMAIL_BACKEND=SMTP)
def test_check_deploy_accepts_smtp_and_reports_demo_accounts(world: World) -> None:
    assert not {"repigment.E001", "repigment.E002"} & {m.id for m in deploy_checks()}
    User.objects.create_user(PORTAL_DEMO_EMAIL, DEMO_PASSWORD, full_name="Demo patient")
    demo = deploy_checks("repigment.E002")
    assert len(demo) == 1 and PORTAL_DEMO_EMAIL in demo[0].msg


@override_settings(PRODUCTION=True, EMAIL_BACKEND=SMTP)
def test_production_refuses_to_serve_with_demo_accounts(world: World) -> None:
    refuse_unsafe_production()  # the test world has no demo account
    User.objects.create_user("prescriber@example.org", DEMO_PASSWORD, full_name="Demo")
    with pytest.raises(ImproperlyConfigured, match=r"repigment\.E002"):
        refuse_unsafe_production()


def test_repigment_check_deploy_fails_on_the_console_backend_in_production(
    tmp_path: Path,
) -> None:
    result = subprocess.run(
        [REPIGMENT, "check", "--deploy"],
        capture_output=True, text=True, timeout=120,
        env=production_env(tmp_path, REPIGMENT_EMAIL_BACKEND=CONSOLE),
    )  # fmt: skip
    assert result.returncode != 0
    assert "repigment.E001" in result.stderr + result.stdout


def test_production_sends_mail_by_smtp_unless_told_otherwise(tmp_path: Path) -> None:
    probe = "from django.conf import settings as s; print(s.EMAIL_BACKEND)"
    result = run_django(
        "shell", "--no-imports", "-c", probe,
        REPIGMENT_ENV="production", REPIGMENT_SECRET_KEY="k" * 60,
        REPIGMENT_ALLOWED_HOSTS="x.org", REPIGMENT_VAR_DIR=str(tmp_path),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == SMTP


def test_serve_refuses_to_start_in_production_with_the_console_backend(tmp_path: Path) -> None:
    server = subprocess.Popen(
        [REPIGMENT, "serve", "--port", "9"],  # refused before it binds anything
        env=production_env(tmp_path, REPIGMENT_EMAIL_BACKEND=CONSOLE),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        _, stderr = server.communicate(timeout=120)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, 9)
    assert server.returncode == 1
    assert "Refusing to serve in production" in stderr and "repigment.E001" in stderr


def test_the_wsgi_application_refuses_to_load_in_production_with_the_console_backend(
    tmp_path: Path,
) -> None:
    load = [sys.executable, "-c", "import repigment.wsgi"]
    refused = subprocess.run(
        load, capture_output=True, text=True, timeout=120,
        env=production_env(tmp_path, REPIGMENT_EMAIL_BACKEND=CONSOLE),
    )  # fmt: skip
    assert refused.returncode != 0
    assert "repigment.E001" in refused.stderr
    loaded = subprocess.run(
        load, capture_output=True, text=True, timeout=120,
        env=production_env(tmp_path, REPIGMENT_EMAIL_BACKEND=SMTP),
    )  # fmt: skip
    assert loaded.returncode == 0, loaded.stderr
