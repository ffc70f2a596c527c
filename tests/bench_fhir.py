"""`make bench`, FHIR part: bulk export throughput (resources/s) and its peak memory.

Adds synthetic patients to the demo's Johannesburg clinic (``BENCH_EXPORT_PATIENTS``, default
20,000; each with a diagnosis, two scored visits and a consent, so about seven resources per
patient), then runs the export job's function as the demo prescriber, for all of them and for
a quarter of them: the process's peak memory should stay about the same (the export streams).
"""

from __future__ import annotations

import gc
import os
import resource
import time
from datetime import date, timedelta
from decimal import Decimal

PATIENTS = int(os.environ.get("BENCH_EXPORT_PATIENTS", "20000"))


def _add_patients(count: int, prefix: str) -> None:
    from repigment.accounts.models import Clinic
    from repigment.assessments.models import Instrument, ScoreEntry, Visit
    from repigment.patients.models import Consent, Diagnosis, Patient

    clinic = Clinic.objects.get(name__startswith="Johannesburg")
    for start in range(0, count, 2000):
        size = min(2000, count - start)
        patients = Patient.objects.bulk_create(
            Patient(
                clinic=clinic,
                record_number=f"{prefix}-{start + n}",
                given_names="Bench",
                family_name=f"Patient {start + n}",
                date_of_birth=date(1980, 1, 1),
                sex="female",
                phototype=4,
            )
            for n in range(size)
        )
        Diagnosis.objects.bulk_create(
            Diagnosis(patient=p, vitiligo_type="non_segmental", onset_year=2015, activity="stable")
            for p in patients
        )
        Consent.objects.bulk_create(
            Consent(
                patient=p,
                purpose="treatment",
                given_on=date(2025, 1, 1),
                method="in_person",
                given_by="patient",
            )
            for p in patients
        )
        visits = Visit.objects.bulk_create(
            Visit(patient=p, visit_date=date(2025, 1, 1) + timedelta(weeks=12 * k), vns=3)
            for p in patients
            for k in range(2)
        )
        ScoreEntry.objects.bulk_create(
            ScoreEntry(
                visit=v,
                instrument=instrument,
                region=region,
                hand_units=Decimal("1.5"),
                depigmentation=50,
            )
            for v in visits
            for instrument, region in ((Instrument.FVASI, "face"), (Instrument.TVASI, "hands"))
        )


def _export(user_id: int, types: list[str], clinic_id: int | None = None) -> tuple[int, float, int]:
    """(resources, seconds, peak resident bytes) of one export job run in this process: the
    user's patients, or one clinic's (a Group export) when ``clinic_id`` is given."""
    from django.core.files.storage import default_storage

    from repigment.core.jobs import Work
    from repigment.core.models import Job
    from repigment.interop.fhir.bulk import run_export

    job = Job.objects.create(
        kind="bench",
        key=f"bench:{time.time()}",
        task_path="bench",
        params={
            "user": user_id,
            "level": "patient" if clinic_id is None else "group",
            "group": clinic_id,
            "types": types,
            "since": None,
            "request": "bench",
        },
    )
    start = time.perf_counter()
    result = run_export(Work(job))
    seconds = time.perf_counter() - start
    # The process's peak resident size so far (KiB on Linux): it only grows, so an export of
    # four times as much that leaves it where it was streamed in constant memory.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    for output in result["output"]:
        default_storage.delete(output["file"])
    return sum(o["count"] for o in result["output"]), seconds, peak


def bench_export() -> None:
    from repigment.accounts.models import User

    user = User.objects.get(email="prescriber@example.org")
    types = ["Patient", "Condition", "Observation", "Consent"]
    print(f"\n# FHIR bulk export (patient level; {', '.join(types)})")
    _add_patients(PATIENTS // 4, "BQ")
    quarter = _export(user.pk, types)
    _add_patients(PATIENTS - PATIENTS // 4, "BF")
    full = _export(user.pk, types)
    for label, (count, seconds, peak) in (("a quarter", quarter), ("all", full)):
        print(
            f"export of {label} of {PATIENTS} patients: {count} resources in {seconds:.1f} s = "
            f"{count / seconds:,.0f} resources/s, process peak so far {peak / 2**20:.0f} MiB"
        )


IMPORT_RECORDS = int(os.environ.get("BENCH_IMPORT_RECORDS", "5000"))


def _redcap_records(records: int) -> str:
    """The example project's records, repeated: four rows per record (baseline, week 12, two
    adverse events), with the values that vary in a real project varied per record (birth
    days over 55 years, visit and event days over two years, hand units and grades), so that
    the importer cannot convert each value once for the whole file."""
    import csv
    import io
    from pathlib import Path

    example = Path(__file__).resolve().parents[1] / "docs" / "examples" / "redcap-vitiligo"
    header, *rows = csv.reader(io.StringIO((example / "records.csv").read_text()))
    template = [dict(zip(header, row, strict=True)) for row in (rows[0], rows[1], rows[2], rows[7])]
    units, grades = ("0.25", "0.5", "1", "1.5", "2", "2.75"), ("0", "10", "25", "50", "75", "90")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for n in range(records):
        born = date(1950, 1, 1) + timedelta(days=n * 37 % 20_000)
        start = date(2024, 1, 1) + timedelta(days=n % 700)
        days = {
            "dob": born,
            "dx_date": start,
            "rx_start": start,
            "visit_date": start,
            "ae_onset": start + timedelta(days=20 + n % 60),
        }
        for k, row in enumerate(template):
            row = {**row, "record_id": f"B{n:06d}"}
            for name, day in days.items():
                if row[name]:
                    later = {1: timedelta(weeks=12), 3: timedelta(weeks=1)}.get(k, timedelta())
                    row[name] = str(day if name == "dob" else day + later)
            for name, choices in (("face_hu", units), ("hands_hu", units)):
                if row[name]:
                    row[name] = choices[(n + k) % len(choices)]
            for name in ("face_dep", "hands_dep"):
                if row[name]:
                    row[name] = grades[(n * 7 + k) % len(grades)]
            writer.writerow(row.values())
    return out.getvalue()


def bench_redcap_import() -> None:
    from pathlib import Path

    from repigment.interop.redcap.importer import run_import
    from repigment.patients.models import Patient

    example = Path(__file__).resolve().parents[1] / "docs" / "examples" / "redcap-vitiligo"
    dictionary = (example / "dictionary.csv").read_text()
    mapping = (example / "mapping.toml").read_text()
    records = _redcap_records(IMPORT_RECORDS)
    print(f"\n# REDCap import of {IMPORT_RECORDS} records ({IMPORT_RECORDS * 4} rows)")
    for label, dry_run in (("dry run (check only)", True), ("import", False), ("re-run", False)):
        start, cpu = time.perf_counter(), time.process_time()
        report = run_import(dictionary, records, mapping, dry_run=dry_run)
        gc.collect()  # the import pauses the cycle collector: count the pass it put off
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        assert report.ok, report.problems[:3]
        # CPU time too: on the shared machine the wall clock mostly measures the others' load
        # (SQLite runs in-process, so its time is in the CPU figure).
        print(
            f"{label}: {report.rows} rows in {seconds:.1f} s = {report.rows / seconds:,.0f} "
            f"rows/s; CPU {cpu:.1f} s = {report.rows / cpu:,.0f} rows/s "
            f"({sum(report.created.values())} new rows)"
        )
    assert Patient.objects.filter(record_number__startswith="RC-B").count() == IMPORT_RECORDS
