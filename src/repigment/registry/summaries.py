"""Each patient's row of the registry analysis, stored (``PatientSummary``) and kept current.

A report over the live registry reads one summary per patient instead of every visit, diary day
and dispensing. A summary is what :func:`analysis.per_patient_totals` computes from that
patient's dataset rows, run here on a batch of patients: the rules stay in one place. Writes
mark a patient's summary stale (:func:`stale.mark_stale`, from signals and the bulk paths); a report
first recomputes the stale and missing summaries of its patients (:func:`current`), so the work
per view is bounded by the writes since the last one. Importing this module loads Polars.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import polars as pl
from django.db import connection, transaction
from django.db.models import IntegerField
from django.db.models.functions import Cast

from repigment.accounts.models import Clinic
from repigment.patients.models import Patient
from repigment.registry import analysis
from repigment.registry import dataset as data
from repigment.registry.models import PatientSummary

TABLE = PatientSummary._meta.db_table
WORK = "registry_summary_patients"
#: The per-patient columns of the analysis and the names the summaries give them.
FIELDS = {
    "visits": "visits",
    "last_day": "last_day",
    "F-VASI baseline": "fvasi_baseline",
    "F-VASI 24": "fvasi_24",
    "F-VASI 52": "fvasi_52",
    "T-VASI baseline": "tvasi_baseline",
    "T-VASI 24": "tvasi_24",
    "T-VASI 52": "tvasi_52",
    "last_after_start": "last_after_start",
    "first_response": "first_response",
    **{name: name for name in analysis.ADHERENCE_TOTALS},
    **{name: name for name in analysis.DISPENSED_TOTALS},
}
#: What ``PatientSummary.figures`` packs, in this order: the start (days since 1970-01-01) and
#: the per-patient columns, each a little-endian 64-bit integer, NULL for none.
STORED = ["start", *FIELDS.values()]
NULL = np.iinfo(np.int64).min
PACKED = np.dtype("<i8")


def pack(summaries: pl.DataFrame) -> list[bytes]:
    """Each row's ``STORED`` columns as the bytes of ``PatientSummary.figures``."""
    numbers = summaries.select(
        pl.col("start").cast(pl.Int32).cast(pl.Int64).fill_null(NULL),
        *(pl.col(field).cast(pl.Int64).fill_null(NULL) for field in FIELDS.values()),
    ).to_numpy()
    packed = np.ascontiguousarray(numbers, dtype=PACKED)
    return [row.tobytes() for row in packed]


def unpack(figures: list[bytes | None]) -> pl.DataFrame:
    """The ``STORED`` columns of packed summaries (none stored: every column null)."""
    empty = np.full(len(STORED), NULL, dtype=PACKED).tobytes()
    joined = b"".join(empty if found is None else bytes(found) for found in figures)
    numbers = np.frombuffer(joined, dtype=PACKED).reshape(len(figures), len(STORED))
    columns = {
        name: pl.Series(name, numbers[:, n], dtype=pl.Int64) for n, name in enumerate(STORED)
    }
    frame = pl.DataFrame(columns).with_columns(
        pl.when(pl.col(name) != NULL).then(pl.col(name)).alias(name) for name in STORED
    )
    return frame.with_columns(pl.col("start").cast(pl.Int32).cast(pl.Date))


def compute(ids: Iterable[int]) -> pl.DataFrame:
    """The summaries of these patients (``STORED`` columns and ``patient_id``), computed from
    their rows in one batch; a patient without a treatment start has only nulls."""
    wanted = sorted(set(ids))
    with data._chosen_ids(wanted, WORK) as chosen:
        computed = _computed(chosen)
    every = pl.DataFrame({"patient_id": wanted}, schema={"patient_id": pl.Int64})
    return (
        every.join(computed, on="patient_id", how="left")
        .select(
            "patient_id",
            "start",
            *(pl.col(field).cast(pl.Int64) for field in FIELDS.values()),
        )
        .with_columns(pl.col("visits").fill_null(0))
    )


def _computed(chosen: data.Ids) -> pl.DataFrame:
    """The dataset rows of the chosen patients, through the analysis's own per-patient code."""
    people = data._people(Patient.objects.none(), chosen)
    frames = {
        "visits": data._visits(people, chosen),
        "adherence": data._adherence(people, chosen),
        "dispensed": data._dispensed(people, chosen),
    }
    tables = analysis.tables_from_frames(
        {name: frame.select(data.columns(name)) for name, frame in frames.items()}
    )
    rows = analysis.per_patient_totals(tables).rename(FIELDS).select(analysis.KEY, *FIELDS.values())
    keyed = people.select("patient_id", "start", analysis.patient_key())
    return keyed.join(rows, on=analysis.KEY, how="left").drop(analysis.KEY)


def stored(chosen: data.Ids | None = None) -> pl.DataFrame:
    """The stored summaries (of the patients in ``chosen``, all when None), with their marks.

    Packed, one value of bytes per patient: read column by column, a patient's twenty numbers
    cost SQLite's driver more than the rest of the report."""
    rows = PatientSummary.objects.all()
    if chosen is not None:
        rows = rows.filter(patient_id__in=chosen)
    # the mark as a number: SQLite's driver converts a boolean column one Python call a row
    marked = rows.order_by().annotate(mark=Cast("stale", IntegerField()))
    found = data._raw(marked.values_list("patient_id", "mark", "version", "figures"))
    marks = pl.DataFrame(
        found,
        schema={"patient_id": pl.Int64, "stale": pl.Int64, "version": pl.Int64, "f": pl.Binary},
        orient="row",
    )
    return marks.select("patient_id", pl.col("stale").cast(pl.Boolean), "version").hstack(
        unpack(marks.get_column("f").to_list())
    )


def save(summaries: pl.DataFrame, versions: dict[int, int]) -> int:
    """Store computed summaries: a patient's row is replaced only while its ``version`` is the
    one read before computing (a write meanwhile keeps it stale); a missing row is inserted
    unless a writer made one meanwhile. Returns the rows stored."""
    rows = list(zip(pack(summaries), summaries.get_column("patient_id").to_list(), strict=True))
    known = [(figures, False, pk, versions[pk]) for figures, pk in rows if pk in versions]
    new = [(pk, figures, False) for figures, pk in rows if pk not in versions]
    with transaction.atomic(), connection.cursor() as cursor:
        if known:
            cursor.executemany(
                f"UPDATE {TABLE} SET figures = %s, stale = %s"
                " WHERE patient_id = %s AND version = %s",
                known,
            )
        if new:
            cursor.executemany(
                f"INSERT INTO {TABLE} (patient_id, figures, stale, version)"
                " VALUES (%s, %s, %s, 0) ON CONFLICT (patient_id) DO NOTHING",
                new,
            )
    return len(rows)


def current(people: pl.DataFrame, chosen: data.Ids) -> pl.DataFrame:
    """The summaries of ``people`` (the dataset's patients, with their start), recomputing first
    those missing, marked stale, or made from another start than the patient's now."""
    found = stored(chosen)
    checked = people.select("patient_id", pl.col("start").alias("now")).join(
        found, on="patient_id", how="left"
    )
    needing = checked.filter(
        pl.col("stale").is_null() | pl.col("stale") | (pl.col("start") != pl.col("now"))
    )
    if needing.is_empty():
        return found
    versions = {
        pk: version
        for pk, version in needing.select("patient_id", "version").iter_rows()
        if version is not None
    }
    fresh = compute(needing.get_column("patient_id").to_list())
    save(fresh, versions)
    kept = found.join(fresh.select("patient_id"), on="patient_id", how="anti")
    return pl.concat([kept.select(fresh.columns), fresh])


def build_summarised(
    clinics: Iterable[Clinic] | None = None, started: tuple[date | None, date | None] = (None, None)
) -> data.Dataset:
    """What :func:`build` reads, for a report: the per-patient rows from the stored summaries
    (``per_patient``) instead of every visit, diary day and dispensing, whose tables are left
    out; the patients table's follow-up from the summaries and the adverse events."""
    chosen = data.chosen_patients(clinics)
    with data._without_jit(), data._chosen_ids(chosen) as ids:
        people = data._people(chosen, ids, started)
        summary = current(people, ids)
        events = data._adverse_events(people, ids)
        frames = {
            "patients": data._patients(
                people,
                summary.select("patient_id", pl.col("last_day").alias("day")),
                events,
                summary.select("patient_id", pl.col("diary_last_week").alias("week")),
                summary.select("patient_id", pl.col("last_week").alias("week")),
            ),
            "adverse_events": events,
            "authorisations": data._authorisations(people, ids),
            "screenings": data._screenings(people, ids),
        }
    return data.Dataset(
        frames={table: frames[table].select(data.columns(table)) for table in frames},
        patient_ids=people.get_column("patient_id").to_list(),
        per_patient=_per_patient(people, summary),
    )


def _per_patient(people: pl.DataFrame, summary: pl.DataFrame) -> pl.DataFrame:
    """The analysis's per-patient rows (``analysis.per_patient_totals``) of the patients with a
    scored visit: the person columns from ``people``, the rest from their summaries."""
    person = {"site": pl.String, "sex": pl.String} | dict.fromkeys(
        ("age_at_start", "phototype", "disease_years"), pl.Int64
    )
    stored = {field: name for name, field in FIELDS.items()}
    return (
        people.join(summary, on="patient_id", how="inner", maintain_order="left")
        .filter(pl.col("visits") > 0)
        .select(
            analysis.patient_key(),
            *(pl.col(name).cast(kind) for name, kind in person.items()),
            *(
                pl.col(field).cast(pl.UInt32 if field == "visits" else pl.Int64).alias(name)
                for field, name in stored.items()
            ),
        )
    )


def rebuild() -> int:
    """Recompute every patient's summary (one batch), replacing the table. Returns the rows."""
    fresh = compute(Patient.objects.values_list("pk", flat=True))
    with transaction.atomic():
        PatientSummary.objects.all().delete()
        save(fresh, {})
    return fresh.height


@dataclass(frozen=True)
class Difference:
    patient_id: int
    field: str
    stored: Any
    computed: Any


@dataclass(frozen=True)
class Check:
    rows: int
    stale: int
    missing: int
    differences: list[Difference]


def check() -> Check:
    """Recompute every summary in memory and compare it with the stored, current rows (a stale
    or missing row is not a difference: the next report recomputes it)."""
    fresh = compute(Patient.objects.values_list("pk", flat=True))
    found = stored()
    both = fresh.join(found, on="patient_id", how="left", suffix=" stored")
    current_rows = both.filter(pl.col("stale").is_not_null() & ~pl.col("stale"))
    differences: list[Difference] = []
    for field in STORED:
        differing = current_rows.filter(pl.col(field).ne_missing(pl.col(f"{field} stored")))
        differences.extend(
            Difference(pk, field, was, now)
            for pk, now, was in differing.select("patient_id", field, f"{field} stored").iter_rows()
        )
    return Check(
        rows=found.height,
        stale=int(found.get_column("stale").sum()),
        missing=int(both.get_column("stale").is_null().sum()),
        differences=sorted(differences, key=lambda d: (d.patient_id, d.field)),
    )
