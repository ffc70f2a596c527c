"""`make bench`: the registry report for 100 000 patients / 1 000 000 visits (issue 14: <= 1 s).

A synthetic pooled dataset (two sites, ten visits per patient around weeks 0-52, adverse events
for a third of them) is written as Parquet, then read and reported as the analyst's page does:
``load`` (read and check every cell) and ``report`` + ``as_json`` (every figure, suppressed).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

PATIENTS = 100_000
DAYS = (0, 28, 56, 84, 112, 140, 168, 224, 280, 364)


def write_dataset(folder: Path, patients: int = PATIENTS) -> int:
    import numpy as np
    import polars as pl

    rng = np.random.default_rng(14)
    count = len(DAYS)
    patient = np.repeat(np.arange(patients), count)
    day = np.tile(np.array(DAYS), patients) + rng.integers(-5, 6, size=patients * count)
    day[::count] = rng.integers(-14, 1, size=patients)
    fraction = np.clip(
        1
        - np.tile(np.array(DAYS), patients) / 364 * np.repeat(rng.uniform(0, 1.2, patients), count),
        0,
        1,
    )
    names = np.array([f"{n:016x}" for n in range(patients)])
    pl.DataFrame(
        {
            "patient": names[patient],
            "site": np.where(patient % 2 == 0, "JHB", "CPT"),
            "sex": np.where(patient % 3 == 0, "male", "female"),
            "age_at_start": np.repeat(rng.integers(12, 80, patients), count),
            "phototype": np.repeat(rng.integers(1, 7, patients), count),
            "disease_years": np.repeat(rng.integers(0, 30, patients), count),
            "day": day,
            "fvasi": np.round(np.repeat(rng.uniform(0.2, 3, patients), count) * fraction, 4),
            "tvasi": np.round(np.repeat(rng.uniform(1, 50, patients), count) * fraction, 4),
        }
    ).write_parquet(folder / "visits.parquet")
    chosen = np.arange(0, patients, 3)
    pl.DataFrame(
        {
            "patient": names[chosen],
            "site": np.where(chosen % 2 == 0, "JHB", "CPT"),
            "day": rng.integers(0, 364, len(chosen)),
            "term": "application_site_acne",
            "serious": False,
        }
    ).write_parquet(folder / "adverse_events.parquet")
    return patients * count


def bench_registry() -> None:
    from repigment.registry.analysis import as_json, load, report
    from tests.bench import timed

    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        visits = write_dataset(folder)
        print(f"\n# Registry report, {PATIENTS} patients / {visits} visits (Polars on Parquet)")
        timed("read and check the dataset", lambda: load([folder]), rounds=5)
        tables = load([folder])
        timed(
            "every figure of the report, as JSON",
            lambda: as_json(report(tables), suppress=True),
            rounds=5,
        )
        timed(
            "both together (what 'registry analyse' does)",
            lambda: as_json(report(load([folder])), suppress=True),
            rounds=5,
        )
        # On a shared machine the wall clock mostly measures the neighbours; the CPU time used
        # (all threads) bounds what two idle cores need: wall >= CPU / 2.
        spent = []
        for _ in range(5):
            start = time.process_time()
            as_json(report(load([folder])), suppress=True)
            spent.append(time.process_time() - start)
        label = "CPU time of both together, all threads"
        print(f"{label:<48} median {statistics.median(spent) * 1000:9.3f} ms")


def bench_registry_live(rounds: int = 5) -> None:
    """The analyst's report over the live database (a world built by ``repigment demo --scale``):
    the dataset read from the database, then every figure, as the page does. Wall and CPU
    medians: on a shared machine the CPU time of this process (SQLite runs inside it; a
    PostgreSQL server's time is not counted) is the steadier figure."""
    import os
    import resource

    from repigment.registry.analysis import as_json, report, tables_from_frames
    from repigment.registry.dataset import build
    from repigment.registry.summaries import build_summarised

    dataset = build()
    visits = len(dataset.frames["visits"])
    patients = len(dataset.patient_ids)
    print(f"\n# Registry report on the live database: {patients} patients, {visits} visits")

    def from_summaries() -> None:
        found = build_summarised()
        as_json(report(tables_from_frames(found.frames), None, found.per_patient), suppress=True)

    for label, action in (
        ("read the dataset from the database", build),
        (
            "read every row and report (the export's read)",
            lambda: as_json(report(tables_from_frames(build().frames)), suppress=True),
        ),
        ("read the summarised dataset", build_summarised),
        ("read summaries and report (the analyst's page)", from_summaries),
    ):
        action()  # warm caches and lazy imports
        walls, cpus = [], []
        for _ in range(rounds):
            wall, cpu = time.perf_counter(), time.process_time()
            action()
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        print(
            f"{label:<48} median {statistics.median(walls) * 1000:7.0f} ms wall"
            f" {statistics.median(cpus) * 1000:7.0f} ms CPU (n={rounds})"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"{'process peak so far':<48} {peak} MB; load average {os.getloadavg()}")


if __name__ == "__main__":
    # python -m tests.bench_registry [--world DIR]: the Parquet benchmark, or with --world a
    # folder of a scale world (REPIGMENT_VAR_DIR of `repigment demo --scale N`) the live one.
    import os
    import sys

    if "--world" in sys.argv:
        os.environ["REPIGMENT_VAR_DIR"] = sys.argv[sys.argv.index("--world") + 1]
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "repigment.settings")
        import django

        django.setup()
        bench_registry_live()
    else:
        bench_registry()
