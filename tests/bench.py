"""`make bench`: performance figures, as medians of repeated runs (never asserted in tests).

Builds a throw-away demo world under a temporary folder (SQLite, or DATABASE_URL when set),
then times the clinical core, GS1 parsing and a few pages end to end through Django's test
client. The machine is noisy, so each figure is the median of many runs, with the spread.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "30"))


def timed(label: str, action: Callable[[], object], rounds: int = ROUNDS) -> None:
    action()  # warm caches and lazy imports
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    median = statistics.median(samples) * 1000
    low, high = min(samples) * 1000, max(samples) * 1000
    print(f"{label:<48} median {median:9.3f} ms   (min {low:.3f}, max {high:.3f}, n={rounds})")


def bench_pure() -> None:
    from repigment.clinical.label import LabelInput, check_label
    from repigment.clinical.scoring import VasiEntry, score_tvasi
    from repigment.supply.gs1 import parse_code

    regions = ("head_neck", "hands", "upper_limbs", "trunk", "lower_limbs", "feet")
    entries = [VasiEntry.from_values(region, "1.25", 75) for region in regions for _ in range(4)]
    label_input = LabelInput.from_mapping(
        {
            "jurisdiction": "EMA", "age_years": 34, "vitiligo_type": "non-segmental",
            "facial_involvement": True, "treated_bsa_percent": 6, "pregnant": False,
            "breastfeeding": False, "active_serious_infection": False,
            "co_medications": ["methotrexate", "topical tacrolimus"], "grams_per_week": 30,
        }
    )  # fmt: skip
    scan = "]d2010952000000100117280930\x1d10DEMO24B\x1d21DEMO0700"
    print("\n# Pure functions (each sample is 1000 calls, so ms per sample = µs per call)")
    timed("T-VASI of 24 entries", lambda: [score_tvasi(entries) for _ in range(1000)])
    timed(
        "label check, EMA, two co-medications",
        lambda: [check_label(label_input) for _ in range(1000)],
    )
    timed("GS1 scanner text parsed", lambda: [parse_code(scan) for _ in range(1000)])


def bench_pages() -> None:
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    call_command("migrate", "--no-input", "-v", "0")
    call_command("collectstatic", "--no-input", "-v", "0", "--ignore", "redoc.standalone.js*")
    call_command("demo", "--no-progress", stdout=open(os.devnull, "w"))  # noqa: SIM115
    setup_test_environment()
    visitor, prescriber, auditor, analyst = Client(), Client(), Client(), Client()
    for client, email in (
        (prescriber, "prescriber@example.org"),
        (auditor, "auditor@example.org"),
        (analyst, "analyst@example.org"),
    ):
        client.post("/accounts/login/", {"username": email, "password": "repigment-demo-2026"})
    from repigment.patients.models import Patient

    patient = Patient.objects.filter(clinic__name__startswith="Johannesburg").first()
    assert patient is not None
    pages = [
        ("public: evidence page (fr)", visitor, "/fr/evidence/"),
        ("public: country list", visitor, "/en/access/"),
        ("public: South Africa page", visitor, "/en/access/za/"),
        ("prescriber: dashboard", prescriber, "/dashboard/"),
        ("prescriber: patient list", prescriber, "/patients/"),
        ("prescriber: patient record", prescriber, f"/patients/{patient.pk}/"),
        ("prescriber: course with SVG chart", prescriber, f"/patients/{patient.pk}/course/"),
        ("API: countries (JSON)", visitor, "/api/v1/countries"),
        ("API: patients (JSON)", prescriber, "/api/v1/patients"),
        ("auditor: audit trail", auditor, "/audit/"),
        ("analyst: registry outcomes (live database)", analyst, "/registry/"),
        ("API: registry outcomes (JSON)", analyst, "/api/v1/registry/outcomes"),
    ]
    print("\n# Pages through the full Django stack (one request per sample)")
    for label, client, url in pages:
        response = client.get(url)
        assert response.status_code == 200, f"{url} answered {response.status_code}"
        size = len(response.content)
        print(f"{label}: {_queries_and_audit_rows(client, url)}")
        timed(f"{label} [{size // 1024} KB]", lambda c=client, u=url: c.get(u))
    bench_audit_write()


def bench_audit_write() -> None:
    """Writing one chained entry: the chain's lock is held from its head read to the commit."""
    from repigment.accounts import audit

    print("\n# The audit trail's chained write (the chain lock is held this long)")
    for patients in (1, 50):
        timed(
            f"one entry naming {patients} patient(s)",
            lambda n=patients: audit.record(None, "view", patient_ids=range(n)),
        )


def _queries_and_audit_rows(client: object, url: str) -> str:
    """Queries one request makes, and the audit rows (entries, patients named) it writes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from repigment.accounts.models import AuditEntry

    def rows() -> tuple[int, int]:
        return AuditEntry.objects.count(), _named_patients()

    before = rows()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)  # type: ignore[attr-defined]
    after = rows()
    return (
        f"{len(queries)} queries, {after[0] - before[0]} audit entries naming "
        f"{after[1] - before[1]} patients"
    )


def _named_patients() -> int:
    from repigment.accounts.models import AuditPatient

    return AuditPatient.objects.count()


# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across fork and exec.
_PEAK_RSS = """
import sys
import django
django.setup()
import repigment.urls  # a worker has every app loaded
from repigment.patients import uploads
data = open(sys.argv[1], "rb").read()
assert len(data) <= uploads.max_upload_bytes(), "not an upload that would be accepted"
def peak():
    status = open("/proc/self/status").read()
    return int(status.split("VmHWM:")[1].split()[0]) // 1024
before = peak()
cleaned = uploads.clean_image(data, "upload")
uploads.thumbnail(cleaned.content)
print(before, peak(), cleaned.width, cleaned.height)
"""


def bench_upload_memory() -> None:
    """Peak memory of a fresh process cleaning the largest accepted uploads (finding 8)."""
    import subprocess

    import pillow_heif
    from PIL import Image

    pillow_heif.register_heif_opener()

    print("\n# Peak RSS of a worker process cleaning the largest accepted upload (limit 300 MB)")
    with tempfile.TemporaryDirectory() as folder:
        cases = {
            "JPEG, 40 MP (7300 x 5475)": ("RGB", (7300, 5475), "JPEG"),
            "PNG with transparency, 26 MP (5880 x 4420)": ("RGBA", (5880, 4420), "PNG"),
            "HEIC, 26 MP (5880 x 4420)": ("RGB", (5880, 4420), "HEIF"),
        }
        for label, (mode, size, kind) in cases.items():
            path = f"{folder}/upload"
            # Smooth content, as a photo: an upload is also limited to 15 MB of file.
            ramp = Image.linear_gradient("L").resize(size)
            Image.merge(mode, [ramp] * len(mode)).save(path, kind)
            done = subprocess.run(
                [sys.executable, "-c", _PEAK_RSS, path],
                capture_output=True, text=True, check=True, env=os.environ,
            )  # fmt: skip
            before, after, width, height = done.stdout.split()
            print(
                f"{label:<48} peak {after:>4} MB (after start-up {before} MB), "
                f"stored {width} x {height}"
            )


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        os.environ["REPIGMENT_VAR_DIR"] = folder
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "repigment.settings")
        import django

        django.setup()
        from django.db import connection

        print(f"Repigment benchmarks on {connection.vendor}, Python {sys.version.split()[0]}")
        bench_pure()
        bench_upload_memory()
        bench_pages()
        from tests.bench_fhir import bench_export, bench_redcap_import

        bench_export()
        bench_redcap_import()
        from tests.bench_registry import bench_registry

        bench_registry()


if __name__ == "__main__":
    main()
