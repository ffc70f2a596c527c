"""`make bench SCALE=N`: a large synthetic world measured from outside, through gunicorn.

Builds the world once (``repigment demo --scale N``) in a folder of its own (SQLite there, or
``DATABASE_URL`` when set), then:

- times each page and API list over HTTP on loopback (p50 / p95 of sequential requests, the
  compressed size), and counts the queries each asks (in-process, Django's test client);
- runs ``repigment remind`` and reads its time and peak memory;
- puts 16 concurrent clients on the server for a while (requests/s, p95, errors);
- re-runs, in-process, the SELECTs each page asked (same SQL, same parameters) to give the
  page's bare SQL time beside its HTTP time (the ratio, for the patient list and search), and
  lists the dashboard's slowest queries;
- measures the audit CSV export's peak memory (tracemalloc and resident growth) while it
  streams a trail of two sizes, and the recall import's rows per second;

and writes the table to ``bench/results.md``, saying which database and scale it ran on.
Figures, never assertions: the machine is shared and noisy.

``--world DIR`` measures a world already built there (``REPIGMENT_VAR_DIR=DIR repigment
migrate && repigment demo --scale N``; ``--built-seconds`` says how long that took), so a
100,000-patient world is built once and measured again after a change.
"""

from __future__ import annotations

import argparse
import gzip
import http.cookiejar
import json
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
from typing import Any

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
    #: The page and the assets it links (style sheets, scripts, images), gzip-compressed.
    kb_with_assets: float = 0.0
    queries: int = 0
    #: Median time of re-running the page's SELECTs: all of them, and those reading patients.
    sql_ms: float = 0.0
    patient_sql_ms: float = 0.0
    slowest: list[tuple[float, str]] | None = None


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
    assets = sum(len(gzip.compress(browser.get(url)[1])) for url in linked_assets(body))
    figure.kb_with_assets = figure.kb_gzip + assets / 1024


ASSET = re.compile(rb"""<(?:link|script|img)\b[^>]*?\b(?:href|src)=["'](/[^"'/][^"']*)["']""")


def linked_assets(page: bytes) -> set[str]:
    """The same-site files a browser fetches to show the page (links to other pages left out)."""
    found = {match.decode() for match in ASSET.findall(page)}
    return {url for url in found if not url.endswith("/") and "." in url.rsplit("/", 1)[-1]}


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
            asked: list[tuple[str, object]] = []

            def keep(execute, sql, params, many, context, asked=asked):  # type: ignore[no-untyped-def]
                asked.append((sql, params))
                return execute(sql, params, many, context)

            with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(keep):
                client.get(figure.url)
            figure.queries = len(captured)
            bare_sql(figure, asked)


def bare_sql(figure: Figure, asked: list[tuple[str, object]]) -> None:
    """Re-run each SELECT the page asked, with its parameters, fetching every row: the
    median of 5 runs each, summed (all of them, and those that read the patients table)."""
    from django.db import connection

    timed = []
    for sql, params in asked:
        if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        runs = []
        for _ in range(5):
            with connection.cursor() as cursor:
                started = time.perf_counter()
                cursor.execute(sql, params)
                cursor.fetchall()
                runs.append((time.perf_counter() - started) * 1000)
        timed.append((statistics.median(runs), sql))
    figure.sql_ms = sum(ms for ms, _ in timed)
    figure.patient_sql_ms = sum(ms for ms, sql in timed if "patients_patient" in sql)
    figure.slowest = sorted(timed, reverse=True)[:5]


def probe_export(sizes: list[int]) -> dict[str, object]:
    """The audit CSV export streamed whole after adding ``size`` entries (each naming 25
    patients, like a list page) to the trail, in a transaction then undone: its peak Python
    memory (tracemalloc), the growth of the resident set, the time and the lines."""
    import resource
    import tracemalloc

    import django

    django.setup()
    from django.db import transaction
    from django.test import Client
    from django.test.utils import setup_test_environment

    from repigment.accounts.models import AuditAction, AuditEntry, User
    from repigment.patients.models import Patient

    setup_test_environment()
    auditor = User.objects.get(email="auditor@example.org")
    patient_ids = list(Patient.objects.order_by("pk").values_list("pk", flat=True)[:5000])
    results = {}
    for size in sizes:
        with transaction.atomic():
            for first in range(0, size, 5000):
                rows = []
                for n in range(first, min(size, first + 5000)):
                    entry = AuditEntry(
                        actor=auditor, actor_email=auditor.email, role="prescriber",
                        action=AuditAction.VIEW, object_type="patient_list",
                        path="/patients/", request_id=f"bench-{n}",
                    )  # fmt: skip
                    start = (n * 25) % (len(patient_ids) - 25)
                    entry.name_patients(patient_ids[start : start + 25])
                    rows.append(entry)
                AuditEntry.objects.bulk_create(rows, batch_size=500)
            entries = AuditEntry.objects.count()
            client = Client()
            client.force_login(auditor)
            for _ in client.get("/audit/export.csv?action=login").streaming_content:  # type: ignore[attr-defined]
                pass  # warm: the modules a request imports are not counted
            rss_before = _rss_mb()
            tracemalloc.start()
            started = time.perf_counter()
            response = client.get("/audit/export.csv")
            lines = bytes_out = 0
            rss_peak = rss_before
            for part in response.streaming_content:  # type: ignore[attr-defined]
                lines += 1
                bytes_out += len(part)
                if lines % 5000 == 0:
                    rss_peak = max(rss_peak, _rss_mb())
            seconds = time.perf_counter() - started
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            results[str(size)] = {
                "entries": entries, "lines": lines, "mb_out": bytes_out / 2**20,
                "seconds": seconds, "traced_peak_mb": peak / 2**20,
                "rss_growth_mb": max(rss_peak, _rss_mb()) - rss_before,
                "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }  # fmt: skip
            transaction.set_rollback(True)
    return results


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def probe_import(rows: int = 5000) -> dict[str, object]:
    """The recall import of a ``rows``-row file (both recall kinds, every pack size), in a
    transaction then undone: median of 3 runs, wall and CPU seconds."""
    import django

    django.setup()
    from django.db import transaction

    from repigment.accounts.models import User
    from repigment.supply.models import ProductPack
    from repigment.supply.recalls import import_recalls

    gtins = list(ProductPack.objects.exclude(gtin="").values_list("gtin", flat=True))
    lines = ["gtin,lot,serial,recalled_on,reason,source_url,source_document"]
    for n in range(rows):
        gtin = gtins[n % len(gtins)]
        if n % 3:
            lines.append(f"{gtin},,BX{n:07d},2026-11-20,Pack reported stolen,"
                         f"https://example.org/notice/{n},")  # fmt: skip
        else:
            lines.append(f'{gtin},BL{n:07d},,2026-11-21,"Crystals, in the cream",,"Letter {n}"')
    data = ("\n".join(lines) + "\n").encode()
    pharmacist = User.objects.get(email="pharmacist@example.org")
    walls, cpus = [], []
    for _ in range(3):
        with transaction.atomic():
            wall, cpu = time.perf_counter(), time.process_time()
            report = import_recalls(data, entered_by=pharmacist, file_name="bench.csv")
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
            assert report.ok and len(report.created) == rows, report.errors[:3]
            transaction.set_rollback(True)
    wall_s, cpu_s = statistics.median(walls), statistics.median(cpus)
    return {"rows": rows, "wall_s": wall_s, "cpu_s": cpu_s, "rows_per_s": rows / wall_s,
            "rows_per_cpu_s": rows / cpu_s}  # fmt: skip


def probe_fhir() -> dict[str, object]:
    """The FHIR bulk export job (patient level, every type it offers) run as the demo
    prescriber, who works in every clinic: the whole world's resources (issue 15: >= 5,000
    resources/s in constant memory); the process's peak resident size after one clinic's
    export (a Group export) and after the whole world's."""
    import django

    django.setup()
    from repigment.accounts.models import User
    from repigment.interop.fhir.bulk import PATIENT_TYPES
    from repigment.patients.models import Patient
    from tests.bench_fhir import _export

    user = User.objects.get(email="prescriber@example.org")
    types = list(PATIENT_TYPES)
    clinic = Patient.objects.order_by("pk").values_list("clinic_id", flat=True).last()
    small, _, small_peak = _export(user.pk, types, clinic)  # one clinic's: a Group export
    count, seconds, peak = _export(user.pk, types)
    return {"patients": Patient.objects.count(), "types": types, "resources": count,
            "seconds": seconds, "per_s": count / seconds, "small": small,
            "small_peak_mb": small_peak / 2**20, "peak_mb": peak / 2**20}  # fmt: skip


def probe(kind: str, env: dict[str, str], *args: str) -> dict[str, object]:
    """A probe run in a fresh process (its memory its own), answering one JSON line."""
    out = subprocess.run(
        [sys.executable, "-m", "tests.bench_scale", "--probe", kind, *args],
        env=env, check=True, capture_output=True, text=True, cwd=REPO,
    ).stdout  # fmt: skip
    return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]


def sample_urls(env: dict[str, str]) -> dict[str, str]:
    """A patient of the scale world with visits, their record number, a family name, and a
    prescriber of that patient's clinic who works in that clinic only."""
    script = (
        "import django; django.setup()\n"
        "from django.db.models import Count\n"
        "from repigment.patients.models import Patient\n"
        "p = Patient.objects.filter(clinic__name__startswith='Scale clinic', "
        "visits__isnull=False).order_by('pk').first()\n"
        "from repigment.accounts.models import Membership\n"
        "one = Membership.objects.filter(user__memberships__clinic=p.clinic, "
        "role='prescriber').values('user__email').annotate(n=Count('pk')).filter(n=1)\n"
        "print(p.pk, p.record_number, p.family_name.split()[0], "
        "one.order_by('user__email').first()['user__email'])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, check=True, capture_output=True, text=True
    ).stdout.split()
    return {"pk": out[0], "record": out[1], "name": out[2], "one_clinic": out[3]}


def typo(name: str) -> str:
    """``name`` with one letter dropped from its middle ("Naidoo" -> "Nadoo"): found by trigrams
    on PostgreSQL, by nothing on SQLite; timed either way, the fuzzy path being the slow one."""
    middle = len(name) // 2
    return name[:middle] + name[middle + 1 :] if len(name) > 3 else name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results.md")
    parser.add_argument("--world", type=Path, help="a world already built there (kept)")
    parser.add_argument("--built-seconds", type=float, default=0.0)
    parser.add_argument("--export-sizes", default="10000,50000")
    parser.add_argument("--no-remind", action="store_true", help="leave repigment remind out")
    parser.add_argument("--probe", choices=("export", "import", "fhir"), help=argparse.SUPPRESS)
    parser.add_argument("probe_args", nargs="*", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.probe:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "repigment.settings")
        found = (
            probe_export([int(n) for n in options.probe_args])
            if options.probe == "export"
            else probe_fhir()
            if options.probe == "fhir"
            else probe_import()
        )
        print(json.dumps(found))
        return
    folder = options.world or Path(tempfile.mkdtemp(prefix=f"repigment-bench-{options.scale}-"))
    env = {**os.environ, "REPIGMENT_VAR_DIR": str(folder)}
    env["DJANGO_SETTINGS_MODULE"] = "repigment.settings"
    os.environ.update(env)
    database = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite"
    load_before = os.getloadavg()
    if options.world:
        print(f"Measuring the world in {folder} on {database} ...", flush=True)
        migrate_s, build_s = 0.0, options.built_seconds
    else:
        print(f"Building {options.scale} patients on {database} in {folder} ...", flush=True)
        migrate_s = run(["migrate"], env)
        build_s = run(["demo", "--no-progress", "--no-logins", "--scale", str(options.scale),
                       "--seed", str(options.seed)], env)  # fmt: skip
    if options.no_remind:
        remind_s = remind_mb = again_s = again_mb = float("nan")
    else:
        remind_s, remind_mb = peak_of(["remind"], env)
        again_s, again_mb = peak_of(["remind"], env)
    sample = sample_urls(env)
    figures = [
        Figure("prescriber dashboard", "/dashboard/"),
        Figure("patient list", "/patients/"),
        Figure("search: family name", f"/patients/?q={sample['name']}"),
        Figure("search: record number", f"/patients/?q={sample['record']}"),
        Figure("search: name prefix", f"/patients/?q={sample['name'][:4]}"),
        Figure("search: name typo", f"/patients/?q={typo(sample['name'])}"),
        Figure("patient record", f"/patients/{sample['pk']}/"),
        Figure("course page", f"/patients/{sample['pk']}/course/"),
        Figure("API: patients", "/api/v1/patients"),
        Figure("API: adverse events", "/api/v1/adverse-events"),
        Figure("API: a patient's visits", f"/api/v1/patients/{sample['pk']}/visits"),
    ]
    # the demo prescriber works in every clinic of the world (a national view); most work in one
    readers = [
        (figures, "prescriber@example.org"),
        ([Figure("prescriber dashboard, one clinic", "/dashboard/")], sample["one_clinic"]),
        ([Figure("pharmacist dashboard", "/dashboard/")], "pharmacist@example.org"),
        ([Figure("audit trail, first page", "/audit/")], "auditor@example.org"),
    ]
    server, base = serve(env)
    try:
        for read, email in readers:
            browser = Browser(base, email)
            for figure in read:
                time_page(browser, figure)
        rps, load_p95, errors = load(base, "prescriber@example.org", [f.url for f in figures])
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=60)
    count_queries(readers)
    sizes = options.export_sizes.split(",")
    extra = {"export": probe("export", env, *sizes), "import": probe("import", env),
             "fhir": probe("fhir", env), "load": (load_before, os.getloadavg())}  # fmt: skip
    print(json.dumps(extra), flush=True)
    write(options, database, migrate_s + build_s, (remind_s, remind_mb, again_s, again_mb),
          [f for read, _ in readers for f in read], (rps, load_p95, errors), extra)  # fmt: skip
    print(options.out.read_text())
    if not options.world:
        shutil.rmtree(folder, ignore_errors=True)


def write(
    options: argparse.Namespace,
    database: str,
    build_s: float,
    remind: tuple[float, float, float, float],
    figures: list[Figure],
    loaded: tuple[float, float, int],
    extra: dict[str, object],
) -> None:
    cores = len(os.sched_getaffinity(0))
    title = f"## {database}, {options.scale} patients"
    lines = [
        title,
        "",
        f"`make bench SCALE={options.scale}` on {database}, {cores} cores, "
        f"{time.strftime('%Y-%m-%d', time.gmtime())}; seed {options.seed}. Pages through "
        "`repigment serve` (gunicorn, gthread) over loopback, "
        f"{ROUNDS} sequential requests each after one to warm up; sizes gzip-compressed, "
        "the page alone and with the files it links; queries counted in-process.",
        "",
        f"World built (migrate + demo + `--scale {options.scale}`): {build_s:.0f} s.",
        "",
        "| page | p50 ms | p95 ms | KB (gzip) | KB with assets | queries | bare SQL ms "
        "| page / SQL |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        *[
            f"| {f.label} | {f.p50:.1f} | {f.p95:.1f} | {f.kb_gzip:.1f} "
            f"| {f.kb_with_assets:.1f} | {f.queries} "
            f"| {f.sql_ms:.1f} | {f.p50 / f.sql_ms if f.sql_ms else 0:.1f} |"
            for f in figures
        ],
        "",
        "Bare SQL: the page's SELECTs re-run in-process with their parameters, every row "
        "fetched (median of 5 each, summed). The patient list and search against the SELECTs "
        "that read patients only: "
        + "; ".join(
            f"{f.label} {f.patient_sql_ms:.1f} ms, page p50 {f.p50 / f.patient_sql_ms:.0f}x"
            for f in figures
            if (f.label == "patient list" or f.label.startswith("search")) and f.patient_sql_ms
        )
        + ".",
        "",
        "Prescriber dashboard, its slowest SELECTs (median ms):",
        "",
        *[
            f"- {ms:.1f} ms: `{' '.join(sql.split())[:110]}…`"
            for f in figures
            if f.label == "prescriber dashboard"
            for ms, sql in (f.slowest or [])
        ],
        "",
        (
            f"`repigment remind`: first run {remind[0]:.1f} s, peak {remind[1]:.0f} MB; "
            f"second run (nothing new) {remind[2]:.1f} s, peak {remind[3]:.0f} MB."
            if remind[0] == remind[0]  # not NaN: it was run
            else "`repigment remind`: not run (--no-remind)."
        ),
        "",
        f"Loopback load, 16 clients for {LOAD_SECONDS} s over the pages above: "
        f"{loaded[0]:.0f} requests/s, p95 {loaded[1]:.0f} ms, {loaded[2]} errors.",
        "",
        *_extra_lines(extra),
    ]
    options.out.parent.mkdir(exist_ok=True)
    old = options.out.read_text() if options.out.exists() else HEADER
    options.out.write_text(_with_section(old, title, "\n".join(lines)))


def _with_section(document: str, title: str, section: str) -> str:
    """The document with its section headed ``title`` replaced where it stands (or appended)."""
    head, *sections = document.split("\n## ")
    parts = ["## " + part.rstrip() + "\n" for part in sections]
    titles = [part.split("\n")[0] for part in parts]
    if title in titles:
        parts[titles.index(title)] = section
    else:
        parts.append(section)
    return "\n".join([head.rstrip() + "\n", *parts])


def _extra_lines(extra: dict[str, object]) -> list[str]:
    export: dict[str, dict[str, float]] = extra["export"]  # type: ignore[assignment]
    imported: dict[str, float] = extra["import"]  # type: ignore[assignment]
    fhir: dict[str, Any] = extra["fhir"]  # type: ignore[assignment]
    before, after = extra["load"]  # type: ignore[misc]
    lines = [
        "Audit CSV export, streamed whole (entries naming 25 patients added, then undone):",
        "",
    ]
    lines += [
        f"- {int(e['entries']):,} entries, {int(e['lines']):,} lines, {e['mb_out']:.0f} MB of "
        f"CSV in {e['seconds']:.1f} s (under tracemalloc): Python peak "
        f"{e['traced_peak_mb']:.1f} MB, "
        f"resident growth {e['rss_growth_mb']:.0f} MB"
        for e in export.values()
    ]
    lines += [
        "",
        f"Recall import, {int(imported['rows']):,} rows (median of 3, undone): "
        f"{imported['rows_per_s']:,.0f} rows/s wall ({imported['wall_s'] * 1000:.0f} ms), "
        f"{imported['rows_per_cpu_s']:,.0f} rows per CPU second.",
        "",
        f"FHIR bulk export, patient level ({', '.join(fhir['types'])}), as the demo prescriber "
        f"(every clinic, {int(fhir['patients']):,} patients): {int(fhir['resources']):,} "
        f"resources in {fhir['seconds']:.0f} s = {fhir['per_s']:,.0f} resources/s; the "
        f"process's peak resident size {fhir['small_peak_mb']:.0f} MB after one clinic's "
        f"{int(fhir['small']):,} resources, {fhir['peak_mb']:.0f} MB after all of them.",
        "",
        f"Load average (1, 5, 15 min) at the start: {before[0]:.1f}, {before[1]:.1f}, "
        f"{before[2]:.1f}; at the end: {after[0]:.1f}, {after[1]:.1f}, {after[2]:.1f}.",
        "",
    ]
    return lines


HEADER = """# Benchmark results

Written by `make bench SCALE=N` (`tests/bench_scale.py`); one section per database and scale,
the newest run replacing its own section. Targets (issue 13): at 100,000 patients every page
listed p95 <= 50 ms (the audit trail's first page <= 100 ms), `remind` <= 60 s, loopback load
at 16 clients p95 <= 150 ms with no errors.
"""


if __name__ == "__main__":
    main()
