"""p95 of the patient search page in-process (test client) on a built world, the fuzzy name
branch off ("before", the prefix-only search) and on ("after"), 20 requests each after a warm-up.

    REPIGMENT_VAR_DIR=<world> DJANGO_SETTINGS_MODULE=repigment.settings \\
        .venv/bin/python tests/bench_search.py      # DATABASE_URL=... for PostgreSQL
"""

from __future__ import annotations

import os
import statistics
import time
from typing import Any


def main() -> None:
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import override_settings

    from repigment.accounts.models import User
    from repigment.patients import models as patient_models
    from repigment.patients.models import Patient

    patient = Patient.objects.filter(clinic__name__startswith="Scale clinic").order_by("pk")[137]
    name = patient.family_name.split()[0]
    middle = len(name) // 2
    queries = {
        "record number": patient.record_number,
        "name prefix": name[:4],
        "family name": name,
        "name typo": name[:middle] + name[middle + 1 :],
        "given + family": f"{patient.given_names.split()[0]} {name[:3]}",
    }
    database = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite"
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }

    def off(every: Any, words: list[str]) -> Any:
        return every.none()

    with override_settings(ALLOWED_HOSTS=["*"], STORAGES=storages):
        client = Client()
        client.force_login(User.objects.get(email="prescriber@example.org"))
        fuzzy = patient_models._fuzzy
        for label, branch in (("before (prefix only)", off), ("after (with fuzzy)", fuzzy)):
            patient_models._fuzzy = branch  # type: ignore[assignment]
            for what, text in queries.items():
                client.get("/patients/", {"q": text})
                times = []
                for _ in range(20):
                    start = time.perf_counter()
                    response = client.get("/patients/", {"q": text})
                    times.append((time.perf_counter() - start) * 1000)
                    assert response.status_code == 200, response.status_code
                times.sort()
                rows = response.content.decode().count('href="/patients/') - 1
                print(
                    f"{database} | {label} | {what} | {text} | p50 {statistics.median(times):.1f}"
                    f" | p95 {times[18]:.1f} | rows ~{rows}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
