"""`make bench`, REDCap part: the import's rows per second (issue 15: >= 20,000 rows/s).

Builds a throw-away demo world under a temporary folder (SQLite, or DATABASE_URL when set),
then imports the example project's records repeated ``BENCH_IMPORT_RECORDS`` times (default
25,000 records = 100,000 rows): a dry run, the import, and a re-run that changes nothing.
Prints wall-clock and CPU rows/s (on a shared machine the CPU figure is the steadier one).
"""

from __future__ import annotations

import os
import sys
import tempfile


def main() -> None:
    os.environ.setdefault("BENCH_IMPORT_RECORDS", "25000")
    with tempfile.TemporaryDirectory() as folder:
        os.environ["REPIGMENT_VAR_DIR"] = folder
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "repigment.settings")
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", "--no-input", "-v", "0")
        call_command("demo", "--no-progress", stdout=open(os.devnull, "w"))  # noqa: SIM115
        print(f"REDCap import bench on {connection.vendor}, Python {sys.version.split()[0]}")
        from tests.bench_fhir import bench_redcap_import

        bench_redcap_import()


if __name__ == "__main__":
    main()
