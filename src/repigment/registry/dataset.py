"""The de-identified registry dataset: tables of days from treatment start, keyed by pseudonym.

Only patients whose registry consent is current are read. Importing this module loads Polars:
import it where a dataset is made, not at start-up. The columns and their meaning are the
data dictionary (``data/registry-dataset.json``, documented in docs/registry-dataset.md); every
export carries a copy of it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl
from django.db import DatabaseError, connection, transaction
from django.db.models import (
    Case,
    CharField,
    F,
    FloatField,
    Min,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce

from repigment.accounts.models import Clinic
from repigment.assessments.models import Visit
from repigment.authorisations.models import AuthorisationApplication
from repigment.patients.models import Diagnosis, Patient
from repigment.patients.services import registry_patients
from repigment.registry.models import PseudonymKey
from repigment.safety.models import AdverseEvent
from repigment.supply.models import Dispense
from repigment.treatment.models import DiaryEntry, Prescription, SkinExam, TbScreening

DICTIONARY_PATH = Path(__file__).parent / "data" / "registry-dataset.json"
FORMATS = ("csv", "parquet")

Row = dict[str, Any]
Ids = RawSQL  # the chosen patients' ids, as a subquery of a temporary table
CHOSEN = "registry_chosen_patients"


@cache
def dictionary() -> dict[str, Any]:
    """The data dictionary: tables, their columns and types, and the analysis rules."""
    loaded: dict[str, Any] = json.loads(DICTIONARY_PATH.read_text(encoding="utf-8"))
    return loaded


def columns(table: str) -> list[str]:
    return [column["name"] for column in dictionary()["tables"][table]["columns"]]


@dataclass
class Dataset:
    """The tables as Polars frames (columns in dictionary order) and the patients they came from.

    Built column-wise: a year of visits for every patient of a national registry is a few hundred
    thousand rows, which as one dict each cost seconds and hundreds of megabytes per request.
    """

    frames: dict[str, pl.DataFrame] = field(default_factory=dict)
    patient_ids: list[int] = field(default_factory=list)
    #: The analysis's per-patient rows when read from the stored summaries (``visits``,
    #: ``adherence`` and ``dispensed`` are then not read).
    per_patient: pl.DataFrame | None = None

    @property
    def tables(self) -> dict[str, list[Row]]:
        """The same tables as rows (dicts): for a reader that wants them one at a time."""
        return {table: frame.to_dicts() for table, frame in self.frames.items()}


def chosen_patients(clinics: Iterable[Clinic] | None = None) -> QuerySet[Patient]:
    """Patients of these clinics (all when None) whose registry consent is current."""
    patients = Patient.objects.all()
    if clinics is not None:
        patients = patients.filter(clinic__in=list(clinics))
    return registry_patients(patients)


def build(
    clinics: Iterable[Clinic] | None = None, started: tuple[date | None, date | None] = (None, None)
) -> Dataset:
    """Read the dataset of the consenting patients of ``clinics`` (all clinics when None) whose
    treatment started within ``started`` (either end open when None)."""
    chosen = chosen_patients(clinics)
    with _without_jit(), _chosen_ids(chosen) as ids:
        people = _people(chosen, ids, started)
        visits = _visits(people, ids)
        events = _adverse_events(people, ids)
        adherence = _adherence(people, ids)
        dispensed = _dispensed(people, ids)
        frames = {
            "patients": _patients(people, visits, events, adherence, dispensed),
            "visits": visits,
            "adverse_events": events,
            "adherence": adherence,
            "dispensed": dispensed,
            "authorisations": _authorisations(people, ids),
            "screenings": _screenings(people, ids),
        }
    return Dataset(
        frames={table: frames[table].select(columns(table)) for table in frames},
        patient_ids=people.get_column("patient_id").to_list(),
    )


@contextmanager
def _without_jit() -> Iterator[None]:
    """PostgreSQL: no JIT compilation for the dataset's queries, in a transaction of their own.

    At a national registry's size their cost estimates pass ``jit_above_cost`` and PostgreSQL
    compiles them, which took longer than running them: JIT pays off only for queries that run
    for many seconds, not for a page.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        yield


@contextmanager
def _chosen_ids(chosen: QuerySet[Patient] | Iterable[int], table: str = CHOSEN) -> Iterator[RawSQL]:
    """The chosen patients' ids (a query's, or listed) in a temporary table of this connection,
    for the duration.

    Each table is read with ``patient_id IN (that table)``: the consent check runs once, not
    once per table, and no parameter list grows with the registry.
    """
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(f"CREATE TEMPORARY TABLE {table} (id bigint PRIMARY KEY)")
        if isinstance(chosen, QuerySet):
            sql, params = chosen.order_by().values("pk").query.sql_with_params()
            cursor.execute(f"INSERT INTO {table} (id) {sql}", params)
        else:
            cursor.executemany(f"INSERT INTO {table} (id) VALUES (%s)", [(i,) for i in chosen])
    try:
        yield RawSQL(f"SELECT id FROM {table}", ())
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {table}")
        except DatabaseError:  # a failed transaction: its rollback drops the table anyway
            pass


def _read(query: QuerySet[Any, Any], **columns: tuple[Any, type[pl.DataType]]) -> pl.DataFrame:
    """A query's columns (name=(field path or expression, Polars type)) as a typed frame, read
    from the cursor.

    Dates travel as ISO text and numbers as floats, cast by the database: Polars parses a column
    of them faster than the driver converts them one value at a time.
    """
    casts: dict[Any, Any] = {pl.Date: CharField(), pl.Float64: FloatField()}
    selected = {
        f"_{name}": Cast(path, output_field=casts[kind])
        if kind in casts
        else F(path)
        if isinstance(path, str)
        else path
        for name, (path, kind) in columns.items()
    }
    chosen = query.annotate(**selected).values_list(*selected)
    schema = {name: pl.String if kind is pl.Date else kind for name, (_, kind) in columns.items()}
    if connection.vendor == "postgresql":
        frame = _copied(chosen, schema)
    else:
        frame = pl.DataFrame(_raw(chosen), schema=schema, orient="row")
    return frame.with_columns(
        pl.col(name).str.to_date("%Y-%m-%d")
        for name, (_, kind) in columns.items()
        if kind is pl.Date
    )


def _copied(query: QuerySet[Any, Any], schema: dict[str, type[pl.DataType]]) -> pl.DataFrame:
    """PostgreSQL: the rows as CSV from ``COPY (query) TO STDOUT``, parsed by Polars.

    Several times faster than fetching rows: the server writes text, and no Python object is
    made per value. It runs on the request's connection, so it sees its transaction.
    """
    sql, params = query.query.sql_with_params()
    statement = f"COPY ({sql}) TO STDOUT (FORMAT csv)"
    with connection.cursor() as cursor, cursor.cursor.copy(statement, params) as copy:
        data = b"".join(bytes(block) for block in copy)
    text = {name: pl.String for name in schema}  # booleans arrive as t / f
    frame = pl.read_csv(data, has_header=False, schema=text) if data else pl.DataFrame(schema=text)
    truth = {"t": "1", "f": "0"}  # a boolean field read as a number (a diary's morning dose)
    return frame.select(
        (pl.col(name) == "t")
        if kind is pl.Boolean
        else pl.col(name).replace(truth).cast(kind)
        if kind is pl.Int64
        else pl.col(name).cast(kind)
        for name, kind in schema.items()
    )


def _raw(query: QuerySet[Any, Any]) -> list[tuple[Any, ...]]:
    """The rows of a values_list query straight from the cursor: no per-value converters, which
    cost more than everything else for a registry's visits and diary days."""
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _days_from_start(people: pl.DataFrame, frame: pl.DataFrame, day: str) -> pl.DataFrame:
    """Only the rows of dataset patients, with their pseudonym, site and days from start."""
    return frame.join(people, on="patient_id", how="inner", maintain_order="left").with_columns(
        (pl.col(day) - pl.col("start")).dt.total_days().alias("day")
    )


def _first_prescribed() -> Subquery:
    return Subquery(
        Prescription.objects.filter(patient_id=OuterRef("pk"))
        .order_by()
        .values("patient_id")
        .annotate(first=Min("start_date"))
        .values("first")
    )


def _start() -> Coalesce:
    """A patient's treatment start: the one recorded, else their first prescription's."""
    return Coalesce("treatment_start", _first_prescribed())


def _latest_onset() -> Subquery:
    return Subquery(
        Diagnosis.objects.filter(patient_id=OuterRef("pk"))
        .order_by("-recorded_on", "-pk")
        .values("onset_year")[:1]
    )


def _people(
    patients: QuerySet[Patient], ids: Ids, started: tuple[date | None, date | None] = (None, None)
) -> pl.DataFrame:
    """One row per dataset patient: id, pseudonym, site, start and the person columns.

    One query (start and onset as subqueries), the columns computed by Polars: three queries
    and a Python loop per patient cost twice as much for a national registry.
    """
    return people_of(persons(ids), started)


def persons(ids: Ids) -> pl.DataFrame:
    """The patients' rows the person columns come from (``PERSONS``), by patient id."""
    return _frame(
        Patient.objects.filter(pk__in=ids)
        .order_by("pk")
        .annotate(  # dates as ISO text: the driver's date converters cost more than the query
            born_text=Cast("date_of_birth", output_field=CharField()),
            start_text=Cast(_start(), output_field=CharField()),
            onset=_latest_onset(),  # the latest diagnosis wins
        )
        .values_list(
            "pk",
            "clinic_id",
            "clinic__code",
            "sex",
            "born_text",
            "phototype",
            "start_text",
            "onset",
        ),
        patient_id=pl.Int64,
        clinic_id=pl.Int64,
        code=pl.String,
        sex=pl.String,
        born=pl.String,
        phototype=pl.Int64,
        start=pl.String,
        onset_year=pl.Int64,
    ).with_columns(pl.col("born", "start").str.to_date("%Y-%m-%d"))


#: The columns of :func:`persons`.
PERSONS = {
    "patient_id": pl.Int64,
    "clinic_id": pl.Int64,
    "code": pl.String,
    "sex": pl.String,
    "born": pl.Date,
    "phototype": pl.Int64,
    "start": pl.Date,
    "onset_year": pl.Int64,
}


def people_of(
    persons: pl.DataFrame, started: tuple[date | None, date | None] = (None, None)
) -> pl.DataFrame:
    """The dataset's patients among ``persons`` (treatment started within ``started``) with
    their pseudonym, site and person columns."""
    first, last = started
    people = persons.filter(
        pl.col("start").is_not_null()
        & (pl.lit(True) if first is None else pl.col("start") >= first)
        & (pl.lit(True) if last is None else pl.col("start") <= last)
    )
    sign = _signer(PseudonymKey.current())
    start, born = pl.col("start"), pl.col("born")

    def month_day(day: pl.Expr) -> pl.Expr:
        return day.dt.month().cast(pl.Int32) * 100 + day.dt.day()

    birthday_to_come = month_day(start) < month_day(born)
    return people.select(
        "patient_id",
        pl.Series("patient", [sign(pk) for pk in people.get_column("patient_id")], dtype=pl.String),
        pl.when(pl.col("code").fill_null("") == "")
        .then(pl.format("C{}", "clinic_id"))
        .otherwise("code")
        .alias("site"),
        "start",
        "sex",
        (start.dt.year() - born.dt.year() - birthday_to_come).cast(pl.Int64).alias("age_at_start"),
        "phototype",
        (start.dt.year() - pl.col("onset_year"))
        .clip(lower_bound=0)
        .cast(pl.Int64)
        .alias("disease_years"),
    )


def _frame(query: QuerySet[Any, Any], **schema: type[pl.DataType]) -> pl.DataFrame:
    """A values_list query's rows as a frame of these columns."""
    return pl.DataFrame(_raw(query), schema=schema, orient="row")


#: The pseudonyms made with the current key, by patient id: the HMAC per patient was a fifth
#: of reading a national registry, and a key changes only when it is rotated.
_SIGNED: dict[str, dict[int, str]] = {}


def _signer(key: PseudonymKey) -> Callable[[int], str]:
    """``key``'s pseudonym for a patient id, remembered for the process."""
    sign = key.signer()
    if key.key not in _SIGNED:
        _SIGNED.clear()  # a rotated key: the old pseudonyms are no use any more
        _SIGNED[key.key] = {}
    known = _SIGNED[key.key]

    def pseudonym(patient_id: int) -> str:
        found = known.get(patient_id)
        if found is None:
            found = known[patient_id] = sign(patient_id)
        return found

    return pseudonym


PERSON_COLUMNS = ["patient", "site", "sex", "age_at_start", "phototype", "disease_years"]


def _visits(people: pl.DataFrame, ids: Ids) -> pl.DataFrame:
    visits = _read(
        Visit.objects.filter(patient_id__in=ids)
        .exclude(fvasi_total__isnull=True, tvasi_total__isnull=True)
        .order_by("patient_id", "visit_date", "pk"),
        patient_id=("patient_id", pl.Int64),
        visit_date=("visit_date", pl.Date),
        fvasi=("fvasi_total", pl.Float64),
        tvasi=("tvasi_total", pl.Float64),
    )
    return _days_from_start(people, visits, "visit_date")


#: An event is serious when it meets any seriousness criterion (the list is not empty).
SERIOUS = Case(When(seriousness=[], then=Value(False)), default=Value(True))


def _adverse_events(people: pl.DataFrame, ids: Ids) -> pl.DataFrame:
    events = _read(
        AdverseEvent.objects.filter(patient_id__in=ids).order_by("patient_id", "onset_date", "pk"),
        patient_id=("patient_id", pl.Int64),
        onset=("onset_date", pl.Date),
        term=("term", pl.String),
        serious=(SERIOUS, pl.Boolean),
    )
    return _days_from_start(people, events, "onset")


def _adherence(people: pl.DataFrame, ids: Ids) -> pl.DataFrame:
    diary = _read(
        DiaryEntry.objects.filter(patient_id__in=ids),
        patient_id=("patient_id", pl.Int64),
        diary_day=("day", pl.Date),
        morning=("morning", pl.Int64),
        evening=("evening", pl.Int64),
    )
    return (
        _days_from_start(people, diary, "diary_day")
        .filter(pl.col("day") >= 0)
        .group_by("patient_id", (pl.col("day") // 7).alias("week"))
        .agg(
            pl.first("patient", "site"),
            pl.len().cast(pl.Int64).alias("days_recorded"),
            (pl.col("morning") + pl.col("evening")).sum().alias("applications"),
        )
        .sort("patient_id", "week")
    )


def _dispensed(people: pl.DataFrame, ids: Ids) -> pl.DataFrame:
    dispensed = _read(
        Dispense.objects.filter(patient_id__in=ids),
        patient_id=("patient_id", pl.Int64),
        dispensed_on=("dispensed_on", pl.Date),
        grams=("grams", pl.Int64),
    )
    return (
        _days_from_start(people, dispensed, "dispensed_on")
        .group_by("patient_id", (pl.col("day") // 7).alias("week"))
        .agg(pl.first("patient", "site"), pl.col("grams").sum())
        .sort("patient_id", "week")
    )


def _authorisations(people: pl.DataFrame, ids: Ids) -> pl.DataFrame:
    applications = _read(
        AuthorisationApplication.objects.filter(
            patient_id__in=ids, submitted_on__isnull=False, approved_on__isnull=False
        ).order_by("patient_id", "submitted_on", "pk"),
        patient_id=("patient_id", pl.Int64),
        country=("route__country__code", pl.String),
        slug=("route__slug", pl.String),
        submitted=("submitted_on", pl.Date),
        approved=("approved_on", pl.Date),
    )
    return applications.join(
        people, on="patient_id", how="inner", maintain_order="left"
    ).with_columns(
        pl.concat_str("country", "slug", separator="/").alias("route"),
        (pl.col("approved") - pl.col("submitted")).dt.total_days().alias("days_to_approval"),
    )


def _screenings(people: pl.DataFrame, ids: Ids) -> pl.DataFrame:
    """TB screenings and skin examinations of the monitoring plan, each a day and a result."""
    tb = _read(
        TbScreening.objects.filter(patient_id__in=ids),
        patient_id=("patient_id", pl.Int64),
        checked_on=("tested_on", pl.Date),
        result=("result", pl.String),
    ).with_columns(pl.lit("tb").alias("check"))
    skin = _read(
        SkinExam.objects.filter(patient_id__in=ids),
        patient_id=("patient_id", pl.Int64),
        checked_on=("examined_on", pl.Date),
        result=("finding", pl.String),
    ).with_columns(pl.lit("skin").alias("check"))
    found = pl.concat([tb, skin]).sort("patient_id", "checked_on", "check", "result")
    return _days_from_start(people, found, "checked_on")


def _patients(people: pl.DataFrame, *tables: pl.DataFrame) -> pl.DataFrame:
    """The patients table: the person columns and the follow-up, the last day (from start) the
    patient was seen in any table (a week counts to its last day), 0 when never."""
    last = pl.concat(
        [
            table.select(
                "patient_id",
                (pl.col("day") if "day" in table.columns else pl.col("week") * 7 + 6)
                .cast(pl.Int64)
                .alias("last"),
            )
            for table in tables
        ]
    )
    followup = last.group_by("patient_id").agg(pl.col("last").max())
    return people.join(followup, on="patient_id", how="left", maintain_order="left").with_columns(
        pl.col("last").fill_null(0).clip(lower_bound=0).alias("followup_days")
    )


def write(dataset: Dataset, out: Path, fmt: str) -> list[Path]:
    """Write each table as ``out/<table>.<fmt>`` and the dictionary as ``out/dictionary.json``."""
    import polars as pl

    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    types = {"string": pl.String, "integer": pl.Int64, "number": pl.Float64, "boolean": pl.Boolean}
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for table, spec in dictionary()["tables"].items():
        schema = {column["name"]: types[column["type"]] for column in spec["columns"]}
        found = dataset.frames.get(table)
        frame = (
            pl.DataFrame(schema=schema)
            if found is None
            else found.select(pl.col(name).cast(kind) for name, kind in schema.items())
        )
        path = out / f"{spec['file']}.{fmt}"
        if fmt == "csv":
            frame.write_csv(path)
        else:
            frame.write_parquet(path)
        written.append(path)
    target = out / "dictionary.json"
    target.write_text(DICTIONARY_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    written.append(target)
    return written
