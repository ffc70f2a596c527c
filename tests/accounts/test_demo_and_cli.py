"""The demo world, the `repigment` command and the served application."""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

from repigment.accounts.demo import DEMO_PASSWORD, USERS
from repigment.accounts.models import User

REPO = Path(__file__).resolve().parents[2]
REPIGMENT = Path(sys.executable).with_name("repigment")


def snapshot() -> dict[str, list[tuple[object, ...]]]:
    """Every row of every project table, to compare before and after."""
    tables: dict[str, list[tuple[object, ...]]] = {}
    for model in apps.get_models():
        if model._meta.app_label in {"sessions", "admin", "contenttypes", "auth"} or not (
            model._meta.managed
        ):
            continue
        if model._meta.db_table == "accounts_auditentry":
            continue
        tables[model._meta.label] = sorted(map(repr, model.objects.values_list()))  # type: ignore[arg-type]
    return tables


@pytest.mark.django_db
def test_the_demo_world_is_built_and_a_second_run_changes_nothing() -> None:
    call_command("demo", "--no-progress", stdout=io.StringIO())
    first = snapshot()
    call_command("demo", "--no-progress", stdout=io.StringIO())
    assert snapshot() == first
    for person in USERS:
        user = User.objects.get(email=person.email)
        assert user.check_password(DEMO_PASSWORD)
        assert user.memberships.count() == len(person.roles)


def cli_env(tmp_path: Path) -> dict[str, str]:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("REPIGMENT_", "DJANGO_"))
    }
    environment.pop("DATABASE_URL", None)
    environment["REPIGMENT_VAR_DIR"] = str(tmp_path)
    return environment


def test_the_command_line_lists_its_commands(tmp_path: Path) -> None:
    result = subprocess.run(
        [REPIGMENT, "--help"], capture_output=True, text=True, env=cli_env(tmp_path), timeout=60
    )
    assert result.returncode == 0
    for command in ("serve", "demo", "check", "migrate", "score", "label", "quantity", "id"):
        assert command in result.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_answers_with_pages_and_compressed_static_files_and_stops_on_ctrl_c(
    tmp_path: Path,
) -> None:
    environment = cli_env(tmp_path)
    subprocess.run([REPIGMENT, "migrate"], check=True, env=environment, timeout=120)
    port = free_port()
    server = subprocess.Popen(
        [REPIGMENT, "serve", "--port", str(port), "--workers", "1"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 180  # collectstatic compresses on a loaded machine
        while True:
            try:
                page = urllib.request.urlopen(base + "/accounts/login/", timeout=5)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        assert page.status == 200
        html = page.read().decode()
        stylesheet = html.split('rel="stylesheet" href="')[1].split('"')[0]
        assert stylesheet.startswith("/static/repigment/site.") and stylesheet != (
            "/static/repigment/site.css"
        ), "static names carry a content hash"
        request = urllib.request.Request(base + stylesheet, headers={"Accept-Encoding": "gzip"})
        css = urllib.request.urlopen(request, timeout=5)
        assert css.headers["Content-Encoding"] == "gzip"
        assert "max-age" in css.headers["Cache-Control"]
    finally:
        os.killpg(server.pid, signal.SIGINT)
        output = server.communicate(timeout=30)[0].decode()
    assert server.returncode == 0, output
    assert f"Serving on http://127.0.0.1:{port}/" in output
