"""`repigment serve` stops cleanly on SIGTERM and keeps its control socket to itself
(finding 12 of the security review). Real servers in subprocesses."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from gunicorn.ctl.client import ControlClient

from tests.accounts.test_demo_and_cli import REPIGMENT, cli_env, free_port


def descendants(pid: int) -> set[int]:
    """Every process started under ``pid`` (gunicorn's workers, and any wrapped master)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in map(int, (task / "children").read_text().split()):
            found |= {child, *descendants(child)}
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has stopped; only its parent's wait is missing


@contextmanager
def serving(
    environment: dict[str, str], port: int, workers: int = 2
) -> Iterator[subprocess.Popen[bytes]]:
    """A server answering on ``port``; whatever is left of it is killed at the end."""
    log = Path(environment["REPIGMENT_VAR_DIR"]) / f"serve-{port}.log"
    with log.open("wb") as output:  # the server keeps its own copy of the file
        server = subprocess.Popen(
            [REPIGMENT, "serve", "--port", str(port), "--workers", str(workers)],
            env=environment, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 180  # collectstatic compresses on a loaded machine
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        while len(descendants(server.pid)) < workers and time.monotonic() < deadline:
            time.sleep(0.1)
        yield server
    finally:
        with suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)


def migrated_env(tmp_path: Path) -> dict[str, str]:
    environment = cli_env(tmp_path)
    environment["HOME"] = str(tmp_path / "home")  # gunicorn's default control socket lives here
    environment.pop("XDG_RUNTIME_DIR", None)
    subprocess.run([REPIGMENT, "migrate"], check=True, env=environment, timeout=120)
    return environment


def test_sigterm_stops_the_server_and_its_workers(tmp_path: Path) -> None:
    port = free_port()
    with serving(migrated_env(tmp_path), port) as server:
        workers = descendants(server.pid)
        assert len(workers) >= 2
        server.send_signal(signal.SIGTERM)  # to the process `repigment serve` started, only
        assert server.wait(timeout=60) == 0, (tmp_path / f"serve-{port}.log").read_text()
        deadline = time.monotonic() + 10
        while any(map(alive, workers)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in workers if alive(pid)], "orphaned gunicorn processes"
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5)
            raise AssertionError("still answering after SIGTERM")
        except OSError:
            pass


def test_two_servers_each_keep_their_own_control_socket(tmp_path: Path) -> None:
    environment = migrated_env(tmp_path)
    first_port, second_port = free_port(), free_port()
    with serving(environment, first_port, workers=1) as first:
        with serving(environment, second_port, workers=1):
            assert not (tmp_path / "home" / ".gunicorn").exists(), "a socket shared per user"
            for port in (first_port, second_port):
                socket_path = tmp_path / "run" / f"gunicorn-127.0.0.1-{port}.ctl"
                with ControlClient(str(socket_path), timeout=10) as client:
                    listeners = client.send_command("show listeners")
                assert f"127.0.0.1:{port}" in repr(listeners)
        # The second server stopped: the first's socket is still its own and still answers.
        first_socket = tmp_path / "run" / f"gunicorn-127.0.0.1-{first_port}.ctl"
        with ControlClient(str(first_socket), timeout=10) as client:
            assert f"127.0.0.1:{first_port}" in repr(client.send_command("show listeners"))
        assert first.poll() is None


def test_idle_connections_do_not_keep_others_from_their_pages(tmp_path: Path) -> None:
    """One worker process with eight threads, held by twelve clients that connect and send
    nothing: a thread waits a few seconds for a request, then parks the connection in the
    poller, so pages still come (a sync worker stays stuck on the first idle client until its
    30-second timeout kills it)."""
    environment = migrated_env(tmp_path)
    port = free_port()
    with serving(environment, port, workers=1):
        idle = [socket.create_connection(("127.0.0.1", port), timeout=20) for _ in range(12)]
        kept = socket.create_connection(("127.0.0.1", port), timeout=20)
        try:
            kept.sendall(b"GET /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            assert kept.recv(12).startswith(b"HTTP/1.1 200")
            for _ in range(5):
                url = f"http://127.0.0.1:{port}/accounts/login/"
                with urllib.request.urlopen(url, timeout=20) as answer:
                    assert answer.status == 200
        finally:
            for connection in [*idle, kept]:
                connection.close()
