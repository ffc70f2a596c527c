"""`make bench SCALE=N`: a large synthetic world measured from outside, through gunicorn.

Builds the world once (``repigment demo --scale N``) in a folder of its own (SQLite there, or
``DATABASE_URL`` when set), then:

- times each page and API list over HTTP on loopback (p50 / p95 of sequential requests, the
  compressed size), and counts the queries each asks (in-process, Django's test client);
- runs ``repigment remind`` and reads its time and peak memory;
- puts 16 concurrent clients on the server for a while (requests/s, p95, errors);

and writes the table to ``bench/results.md``, saying which database and scale it ran on.
Figures, never assertions: the machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import gzip
import http.cookiejar
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REPIGMENT = Path(sys.executable).with_name("repigment")
PASSWORD = "repigment-demo-2026"
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "30"))
LOAD_SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "20"))


@dataclass
class Figure:
    label: str
    url: str
    p50: float = 0.0
    p95: float = 0.0
    kb_gzip: float = 0.0
    queries: int = 0


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run(args: list[str], env: dict[str, str]) -> float:
    started = time.monotonic()
    subprocess.run([str(REPIGMENT), *args], env=env, check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - started


def peak_of(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds and peak resident memory (MB) of one command, in a parent of its own."""
    probe = (
        "import resource, subprocess, sys, time; t = time.monotonic(); "
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
        "print(time.monotonic() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, str(REPIGMENT), *args],
        env=env, check=True, capture_output=True, text=True,
    ).stdout.split()  # fmt: skip
    return float(out[0]), int(out[1]) / 1024


class Browser:
    """A signed-in session over HTTP, cookies and CSRF as a browser would."""

    def __init__(self, base: str, email: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        page = self.get("/accounts/login/")[1].decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, "no CSRF token on the login page"
        body = urllib.parse.urlencode(
            {"username": email, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)}
        ).encode()
        request = urllib.request.Request(
            base + "/accounts/login/", body, headers={"Referer": base + "/accounts/login/"}
        )
        self.opener.open(request, timeout=60).read()

    def get(self, path: str) -> tuple[int, bytes, int]:
        """Status, body and the bytes that crossed the wire (gzip when the server compressed)."""
        request = urllib.request.Request(self.base + path, headers={"Accept-Encoding": "gzip"})
        with self.opener.open(request, timeout=60) as answer:
            wire = answer.read()
            packed = answer.headers.get("Content-Encoding") == "gzip"
            return answer.status, gzip.decompress(wire) if packed else wire, len(wire)


def serve(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [str(REPIGMENT), "serve", "--port", str(port)], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while True:
        try:
            urllib.request.urlopen(base + "/accounts/login/", timeout=5).read()
            return server, base
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise
            time.sleep(0.5)


def time_page(browser: Browser, figure: Figure) -> None:
    browser.get(figure.url)  # warm
    samples = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        status, body, _ = browser.get(figure.url)
        samples.append((time.perf_counter() - started) * 1000)
        assert status == 200, f"{figure.url}: {status}"
    figure.p50, figure.p95 = statistics.median(samples), percentile(samples, 0.95)
    figure.kb_gzip = len(gzip.compress(body)) / 1024


def load(base: str, email: str, urls: list[str], clients: int = 16) -> tuple[float, float, int]:
    """Requests per second, p95 (ms) and errors of ``clients`` sessions for LOAD_SECONDS."""
    samples: list[float] = []
    errors = [0]
    sessions = [Browser(base, email) for _ in range(clients)]
    stop = time.monotonic() + LOAD_SECONDS

    def client(browser: Browser, offset: int) -> None:
        n = offset
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                status, _, _ = browser.get(urls[n % len(urls)])
                if status != 200:
                    errors[0] += 1
            except OSError:
                errors[0] += 1
            samples.append((time.perf_counter() - started) * 1000)
            n += 1

    threads = [threading.Thread(target=client, args=(s, i)) for i, s in enumerate(sessions)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(samples) / (time.monotonic() - began), percentile(samples, 0.95), errors[0]


def count_queries(readers: list[tuple[list[Figure], str]]) -> None:
    """Queries of each page, in-process (the same database, Django's test client)."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from repigment.accounts.models import User

    setup_test_environment()
    for figures, email in readers:
        client = Client()
        client.force_login(User.objects.get(email=email))
        for figure in figures:
            client.get(figure.url)
            with CaptureQueriesContext(connection) as captured:
                client.get(figure.url)
            figure.queries = len(captured)


def sample_urls(env: dict[str, str]) -> dict[str, str]:
    """A patient of the scale world with visits, their record number and a family name."""
    script = (
        "import django; django.setup()\n"
        "from repigment.patients.models import Patient\n"
        "p = Patient.objects.filter(clinic__name__startswith='Scale clinic', "
        "visits__isnull=False).order_by('pk').first()\n"
        "print(p.pk, p.record_number, p.family_name.split()[0])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, check=True, capture_output=True, text=True
    ).stdout.split()
    return {"pk": out[0], "record": out[1], "name": out[2]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results.md")
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix=f"repigment-bench-{options.scale}-"))
    env = {**os.environ, "REPIGMENT_VAR_DIR": str(folder)}
    env["DJANGO_SETTINGS_MODULE"] = "repigment.settings"
    os.environ.update(env)
    database = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite"
    print(f"Building {options.scale} patients on {database} in {folder} ...", flush=True)
    migrate_s = run(["migrate"], env)
    build_s = run(["demo", "--no-progress", "--no-logins", "--scale", str(options.scale),
                   "--seed", str(options.seed)], env)  # fmt: skip
    remind_s, remind_mb = peak_of(["remind"], env)
    again_s, again_mb = peak_of(["remind"], env)
    sample = sample_urls(env)
    figures = [
        Figure("prescriber dashboard", "/dashboard/"),
        Figure("patient list", "/patients/"),
        Figure("search: family name", f"/patients/?q={sample['name']}"),
        Figure("search: record number", f"/patients/?q={sample['record']}"),
        Figure("patient record", f"/patients/{sample['pk']}/"),
        Figure("course page", f"/patients/{sample['pk']}/course/"),
        Figure("API: patients", "/api/v1/patients"),
        Figure("API: adverse events", "/api/v1/adverse-events"),
        Figure("API: a patient's visits", f"/api/v1/patients/{sample['pk']}/visits"),
    ]
    audit = [Figure("audit trail, first page", "/audit/")]
    server, base = serve(env)
    try:
        prescriber = Browser(base, "prescriber@example.org")
        for figure in figures:
            time_page(prescriber, figure)
        auditor = Browser(base, "auditor@example.org")
        for figure in audit:
            time_page(auditor, figure)
        rps, load_p95, errors = load(base, "prescriber@example.org", [f.url for f in figures])
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=60)
    count_queries([(figures, "prescriber@example.org"), (audit, "auditor@example.org")])
    write(options, database, migrate_s + build_s, (remind_s, remind_mb, again_s, again_mb),
          figures + audit, (rps, load_p95, errors))  # fmt: skip
    print(options.out.read_text())
    shutil.rmtree(folder, ignore_errors=True)


def write(
    options: argparse.Namespace,
    database: str,
    build_s: float,
    remind: tuple[float, float, float, float],
    figures: list[Figure],
    loaded: tuple[float, float, int],
) -> None:
    cores = len(os.sched_getaffinity(0))
    title = f"## {database}, {options.scale} patients"
    lines = [
        title,
        "",
        f"`make bench SCALE={options.scale}` on {database}, {cores} cores, "
        f"{time.strftime('%Y-%m-%d', time.gmtime())}; seed {options.seed}. Pages through "
        "`repigment serve` (gunicorn, gthread) over loopback, "
        f"{ROUNDS} sequential requests each after one to warm up; sizes gzip-compressed "
        "(the page only, not its assets); queries counted in-process.",
        "",
        f"World built (migrate + demo + `--scale {options.scale}`): {build_s:.0f} s.",
        "",
        "| page | p50 ms | p95 ms | KB (gzip) | queries |",
        "|---|---:|---:|---:|---:|",
        *[
            f"| {f.label} | {f.p50:.1f} | {f.p95:.1f} | {f.kb_gzip:.1f} | {f.queries} |"
            for f in figures
        ],
        "",
        f"`repigment remind`: first run {remind[0]:.1f} s, peak {remind[1]:.0f} MB; "
        f"second run (nothing new) {remind[2]:.1f} s, peak {remind[3]:.0f} MB.",
        "",
        f"Loopback load, 16 clients for {LOAD_SECONDS} s over the pages above: "
        f"{loaded[0]:.0f} requests/s, p95 {loaded[1]:.0f} ms, {loaded[2]} errors.",
        "",
    ]
    options.out.parent.mkdir(exist_ok=True)
    old = options.out.read_text() if options.out.exists() else HEADER
    head, *sections = old.split("\n## ")
    kept = [
        "## " + part.rstrip() + "\n" for part in sections if ("## " + part).split("\n")[0] != title
    ]
    options.out.write_text("\n".join([head.rstrip() + "\n", *sorted([*kept, "\n".join(lines)])]))


HEADER = """# Benchmark results

Written by `make bench SCALE=N` (`tests/bench_scale.py`); one section per database and scale,
the newest run replacing its own section. Targets (issue 13): at 100,000 patients every page
listed p95 <= 50 ms (the audit trail's first page <= 100 ms), `remind` <= 60 s, loopback load
at 16 clients p95 <= 150 ms with no errors.
"""


if __name__ == "__main__":
    main()
