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

from repigment.accounts.models import Clinic
from repigment.patients.models import Patient, Sex
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
#: The patient's row the person columns come from (``dataset.persons``, the clinic's code
#: aside: it is looked up when read, so a renamed clinic needs no recomputation).
PERSON = ["start", "born", "clinic_id", "sex", "phototype", "onset_year"]
#: What ``PatientSummary.figures`` packs, in this order, each a little-endian 64-bit integer,
#: NULL for none: dates as days since 1970-01-01, the sex as its place in ``SEXES``.
STORED = [*PERSON, *FIELDS.values()]
SEXES = tuple(str(sex) for sex in Sex.values)
DATES = ("start", "born")
NULL = np.iinfo(np.int64).min
PACKED = np.dtype("<i8")


def pack(summaries: pl.DataFrame) -> list[bytes]:
    """Each row's ``STORED`` columns as the bytes of ``PatientSummary.figures``."""
    numbers = summaries.select(
        (
            pl.col(name).cast(pl.Int32).cast(pl.Int64)
            if name in DATES
            else pl.col(name).replace_strict(SEXES, range(len(SEXES)), return_dtype=pl.Int64)
            if name == "sex"
            else pl.col(name).cast(pl.Int64)
        ).fill_null(NULL)
        for name in STORED
    ).to_numpy()
    packed = np.ascontiguousarray(numbers, dtype=PACKED)
    return [row.tobytes() for row in packed]


def fits(figures: bytes | None) -> bool:
    """Packed as ``STORED`` says now (a row of another layout is recomputed, as if missing)."""
    return figures is not None and len(figures) == len(STORED) * PACKED.itemsize


def unpack(figures: list[bytes | None]) -> pl.DataFrame:
    """The ``STORED`` columns of packed summaries (none stored: every column null)."""
    empty = np.full(len(STORED), NULL, dtype=PACKED).tobytes()
    joined = b"".join(empty if not fits(found) else bytes(found) for found in figures)
    numbers = np.frombuffer(joined, dtype=PACKED).reshape(len(figures), len(STORED))
    frame = pl.DataFrame(
        {name: pl.Series(name, numbers[:, n], dtype=pl.Int64) for n, name in enumerate(STORED)}
    ).with_columns(pl.when(pl.col(name) != NULL).then(pl.col(name)).alias(name) for name in STORED)
    return frame.with_columns(
        *(pl.col(name).cast(pl.Int32).cast(pl.Date) for name in DATES),
        pl.col("sex").replace_strict(
            range(len(SEXES)), SEXES, default=None, return_dtype=pl.String
        ),
    )


def compute(ids: Iterable[int]) -> pl.DataFrame:
    """The summaries of these patients (``patient_id`` and the ``STORED`` columns), computed
    from their rows in one batch; a patient without a treatment start has no figures."""
    wanted = sorted(set(ids))
    with data._chosen_ids(wanted, WORK) as chosen:
        computed = _computed(chosen)
    every = pl.DataFrame({"patient_id": wanted}, schema={"patient_id": pl.Int64})
    return (
        every.join(computed, on="patient_id", how="left")
        .select(
            "patient_id",
            *(pl.col(name).cast(data.PERSONS[name]) for name in PERSON),
            *(pl.col(field).cast(pl.Int64) for field in FIELDS.values()),
        )
        .with_columns(pl.col("visits").fill_null(0))
    )


def _computed(chosen: data.Ids) -> pl.DataFrame:
    """The dataset rows of the chosen patients, through the analysis's own per-patient code."""
    persons = data.persons(chosen)
    people = data.people_of(persons)
    frames = {
        "visits": data._visits(people, chosen),
        "adherence": data._adherence(people, chosen),
        "dispensed": data._dispensed(people, chosen),
    }
    tables = analysis.tables_from_frames(
        {name: frame.select(data.columns(name)) for name, frame in frames.items()}
    )
    rows = analysis.per_patient_totals(tables).rename(FIELDS).select(analysis.KEY, *FIELDS.values())
    keyed = people.select("patient_id", analysis.patient_key()).join(
        rows, on=analysis.KEY, how="inner"
    )
    return persons.select("patient_id", *PERSON).join(
        keyed.drop(analysis.KEY), on="patient_id", how="left"
    )


def stored(chosen: data.Ids | None = None) -> pl.DataFrame:
    """The stored summaries (of the patients in ``chosen``, all when None), with their marks;
    with ``chosen``, a chosen patient without a summary has a row with the marks null.

    Packed, one value of bytes per patient: read column by column, a patient's twenty numbers
    cost SQLite's driver more than the rest of the report."""
    # the mark as a number: SQLite's driver converts a boolean column one Python call a row
    marks = "CAST(s.stale AS integer), s.version, s.figures"
    if chosen is None:
        sql = f"SELECT s.patient_id, {marks} FROM {TABLE} s"
    else:
        sql = (
            f"SELECT c.id, {marks} FROM ({chosen.sql}) c LEFT JOIN {TABLE} s ON s.patient_id = c.id"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        found = cursor.fetchall()
    marks = pl.DataFrame(
        found,
        schema={"patient_id": pl.Int64, "stale": pl.Int64, "version": pl.Int64, "f": pl.Binary},
        orient="row",
    )
    figures = marks.get_column("f").to_list()
    unusable = pl.Series([not fits(found) for found in figures])
    return marks.select(
        "patient_id",
        pl.when(pl.col("stale").is_not_null() & unusable)
        .then(pl.lit(1))
        .otherwise(pl.col("stale"))
        .cast(pl.Boolean)
        .alias("stale"),
        "version",
    ).hstack(unpack(figures))


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


def current(chosen: data.Ids) -> pl.DataFrame:
    """The summaries of the chosen patients, recomputing first those missing or marked stale."""
    found = stored(chosen)
    needing = found.filter(pl.col("stale").is_null() | pl.col("stale"))
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
    """What :func:`dataset.build` reads, for a report: the patients and their per-patient rows
    from the stored summaries (``per_patient``) instead of every visit, diary day and dispensing,
    whose tables are left out; the patients table's follow-up from the summaries and the
    adverse events."""
    chosen = data.chosen_patients(clinics)
    with data._without_jit(), data._chosen_ids(chosen) as ids:
        summary = current(ids)
        codes = pl.DataFrame(
            list(Clinic.objects.values_list("pk", "code")),
            schema={"clinic_id": pl.Int64, "code": pl.String},
            orient="row",
        )
        persons = summary.select("patient_id", *PERSON).join(
            codes, on="clinic_id", how="left", maintain_order="left"
        )
        people = data.people_of(persons.select(list(data.PERSONS)).sort("patient_id"), started)
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
        people.join(
            summary.select("patient_id", *FIELDS.values()),
            on="patient_id",
            how="inner",
            maintain_order="left",
        )
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
