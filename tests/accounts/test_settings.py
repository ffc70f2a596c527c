"""Settings are read strictly from the environment and refuse unsafe production set-ups."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from repigment import env
from repigment import settings as project_settings

REPO = Path(__file__).resolve().parents[2]


def run_django(*args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("REPIGMENT_", "DJANGO_", "DATABASE_URL"))
    }
    environment.update(DJANGO_SETTINGS_MODULE="repigment.settings", **extra_env)
    return subprocess.run(
        [sys.executable, str(REPO / "manage.py"), *args],
        capture_output=True, text=True, env=environment, cwd=REPO, timeout=120,
    )  # fmt: skip


@pytest.mark.parametrize("raw", ["maybe", "2", "yes please"])
def test_env_bool_refuses_anything_but_a_yes_or_no(
    monkeypatch: pytest.MonkeyPatch, raw: str
) -> None:
    monkeypatch.setenv("REPIGMENT_X", raw)
    with pytest.raises(ImproperlyConfigured, match="REPIGMENT_X must be true or false"):
        env.env_bool("REPIGMENT_X", False)


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("False", False), ("1", True)])
def test_env_bool_reads_the_usual_spellings(
    monkeypatch: pytest.MonkeyPatch, raw: str, expected: bool
) -> None:
    monkeypatch.setenv("REPIGMENT_X", raw)
    assert env.env_bool("REPIGMENT_X", not expected) is expected


def test_env_secret_reads_a_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secret = tmp_path / "key"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("REPIGMENT_S_FILE", str(secret))
    assert env.env_secret("REPIGMENT_S") == "from-a-file"


def test_env_int_refuses_words(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPIGMENT_N", "ten")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env.env_int("REPIGMENT_N", 1)


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = run_django("check", REPIGMENT_ENV="production", REPIGMENT_ALLOWED_HOSTS="x.org")
    assert result.returncode != 0
    assert "REPIGMENT_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts() -> None:
    result = run_django("check", REPIGMENT_ENV="production", REPIGMENT_SECRET_KEY="k" * 60)
    assert result.returncode != 0
    assert "REPIGMENT_ALLOWED_HOSTS" in result.stderr


def test_deployment_checks_are_clean_in_production(tmp_path: Path) -> None:
    result = run_django(
        "check", "--deploy", "--fail-level", "WARNING",
        REPIGMENT_ENV="production",
        REPIGMENT_SECRET_KEY="prod-" + "a1B2c3D4e5F6g7H8i9J0" * 3,
        REPIGMENT_ALLOWED_HOSTS="repigment.example.org",
        REPIGMENT_VAR_DIR=str(tmp_path),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_development_generates_a_secret_key_into_var(tmp_path: Path) -> None:
    result = run_django("check", REPIGMENT_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_passwords_are_hashed_with_argon2_outside_tests() -> None:
    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_database_is_the_one_ci_asked_for() -> None:
    expected = os.environ.get("REPIGMENT_EXPECT_DB")
    if expected:
        assert connection.vendor == expected
    else:
        assert connection.vendor in {"sqlite", "postgresql"}


def test_default_store_is_sqlite_under_var_in_wal_mode_with_a_busy_timeout(tmp_path: Path) -> None:
    probe = (
        "from django.db import connection as c; k = c.cursor(); "
        "k.execute('PRAGMA journal_mode'); print(k.fetchone()[0]); "
        "k.execute('PRAGMA busy_timeout'); print(k.fetchone()[0])"
    )
    result = run_django("shell", "--no-imports", "-c", probe, REPIGMENT_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    journal, busy_ms = result.stdout.split()[-2:]
    assert journal == "wal"
    assert int(busy_ms) >= 5000
    assert (tmp_path / "repigment.sqlite3").exists()


def test_database_url_must_be_postgres(tmp_path: Path) -> None:
    result = run_django("check", DATABASE_URL="mysql://x@y/z", REPIGMENT_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "postgres://" in result.stderr
