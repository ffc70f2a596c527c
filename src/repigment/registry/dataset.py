"""The de-identified registry dataset: tables of days from treatment start, keyed by pseudonym.

Only patients whose registry consent is current are read. The columns and their meaning are the
data dictionary (``data/registry-dataset.json``, documented in docs/registry-dataset.md); every
export carries a copy of it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.db import connection
from django.db.models import Min, QuerySet

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
Ids = QuerySet[Patient, dict[str, Any]]  # the chosen patients' ids, as a subquery


@cache
def dictionary() -> dict[str, Any]:
    """The data dictionary: tables, their columns and types, and the analysis rules."""
    loaded: dict[str, Any] = json.loads(DICTIONARY_PATH.read_text(encoding="utf-8"))
    return loaded


def columns(table: str) -> list[str]:
    return [column["name"] for column in dictionary()["tables"][table]["columns"]]


@dataclass
class Dataset:
    """The tables (rows as dicts in dictionary order) and the patients they came from."""

    tables: dict[str, list[Row]] = field(default_factory=dict)
    patient_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Person:
    """What every table repeats about a patient."""

    pseudonym: str
    site: str
    start: date
    sex: str
    age_at_start: int
    phototype: int | None
    disease_years: int | None

    def days(self, day: date) -> int:
        return (day - self.start).days


def site_code(clinic_id: int, code: str) -> str:
    return code or f"C{clinic_id}"


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
    people = _people(chosen, started)
    ids = chosen.values("pk")  # a subquery: no list of ids however many patients
    dataset = Dataset(patient_ids=list(people))
    visits = _visits(people, ids)
    events = _adverse_events(people, ids)
    adherence = _adherence(people, ids)
    dispensed = _dispensed(people, ids)
    last_day = _last_days(visits, events, adherence, dispensed)
    dataset.tables = {
        "patients": [
            {**_person_columns(person), "followup_days": max(0, last_day.get(pk, 0))}
            for pk, person in people.items()
        ],
        "visits": [row for _, row in visits],
        "adverse_events": [row for _, row in events],
        "adherence": [row for _, row in adherence],
        "dispensed": [row for _, row in dispensed],
        "authorisations": _authorisations(people, ids),
        "screenings": _screenings(people, ids),
    }
    return dataset


def _screenings(people: dict[int, Person], ids: Ids) -> list[Row]:
    """TB screenings and skin examinations of the monitoring plan, each a day and a result."""
    found: list[tuple[int, date, str, str]] = [
        (patient_id, day, "tb", result)
        for patient_id, day, result in TbScreening.objects.filter(patient_id__in=ids).values_list(
            "patient_id", "tested_on", "result"
        )
    ]
    found += [
        (patient_id, day, "skin", finding)
        for patient_id, day, finding in SkinExam.objects.filter(patient_id__in=ids).values_list(
            "patient_id", "examined_on", "finding"
        )
    ]
    rows = []
    for patient_id, day, check, result in sorted(found):
        person = people.get(patient_id)
        if person is not None:
            rows.append(
                {
                    "patient": person.pseudonym,
                    "site": person.site,
                    "day": person.days(day),
                    "check": check,
                    "result": result,
                }
            )
    return rows


def _people(
    patients: QuerySet[Patient], started: tuple[date | None, date | None] = (None, None)
) -> dict[int, Person]:
    key = PseudonymKey.current()
    rows = list(
        patients.order_by("pk").values(
            "pk",
            "clinic_id",
            "clinic__code",
            "sex",
            "date_of_birth",
            "phototype",
            "treatment_start",
        )
    )
    first_prescribed = dict(
        Prescription.objects.filter(patient__in=patients.values("pk"))
        .values("patient_id")
        .annotate(first=Min("start_date"))
        .values_list("patient_id", "first")
    )
    onset: dict[int, int] = {}
    for patient_id, year in (
        Diagnosis.objects.filter(patient__in=patients.values("pk"))
        .order_by("recorded_on", "pk")
        .values_list("patient_id", "onset_year")
    ):
        onset[patient_id] = year  # the latest diagnosis wins
    people: dict[int, Person] = {}
    for row in rows:
        start = row["treatment_start"] or first_prescribed.get(row["pk"])
        if start is None or not _within(start, started):
            continue
        born: date = row["date_of_birth"]
        year = onset.get(row["pk"])
        people[row["pk"]] = Person(
            pseudonym=key.pseudonym(row["pk"]),
            site=site_code(row["clinic_id"], row["clinic__code"]),
            start=start,
            sex=row["sex"],
            age_at_start=start.year
            - born.year
            - ((start.month, start.day) < (born.month, born.day)),
            phototype=row["phototype"],
            disease_years=None if year is None else max(0, start.year - year),
        )
    return people


def _within(day: date, period: tuple[date | None, date | None]) -> bool:
    first, last = period
    return (first is None or day >= first) and (last is None or day <= last)


def _whole_years(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _person_columns(person: Person) -> Row:
    return {
        "patient": person.pseudonym,
        "site": person.site,
        "sex": person.sex,
        "age_at_start": person.age_at_start,
        "phototype": person.phototype,
        "disease_years": person.disease_years,
    }


def _number(value: Decimal | float | str | None) -> float | None:
    """A score as the database hands it over (Decimal, float or text) as a float."""
    return None if value is None else float(value)


def _visits(people: dict[int, Person], ids: Ids) -> list[tuple[int, Row]]:
    rows = []
    for patient_id, day, fvasi, tvasi in _raw(  # the cursor's values: no Decimal round trip
        Visit.objects.filter(patient_id__in=ids)
        .exclude(fvasi_total__isnull=True, tvasi_total__isnull=True)
        .order_by("patient_id", "visit_date", "pk")
        .values_list("patient_id", "visit_date", "fvasi_total", "tvasi_total")
    ):
        person = people.get(patient_id)
        if person is None:  # no treatment start: not in the dataset
            continue
        rows.append(
            (
                patient_id,
                {
                    **_person_columns(person),
                    "day": person.days(day if isinstance(day, date) else date.fromisoformat(day)),
                    "fvasi": _number(fvasi),
                    "tvasi": _number(tvasi),
                },
            )
        )
    return rows


def _adverse_events(people: dict[int, Person], ids: Ids) -> list[tuple[int, Row]]:
    rows = []
    for patient_id, onset, term, seriousness in (
        AdverseEvent.objects.filter(patient_id__in=ids)
        .order_by("patient_id", "onset_date", "pk")
        .values_list("patient_id", "onset_date", "term", "seriousness")
    ):
        person = people.get(patient_id)
        if person is None:  # no treatment start: not in the dataset
            continue
        rows.append(
            (
                patient_id,
                {
                    "patient": person.pseudonym,
                    "site": person.site,
                    "day": person.days(onset),
                    "term": term,
                    "serious": bool(seriousness),
                },
            )
        )
    return rows


def _raw(query: QuerySet[Any, Any]) -> list[tuple[Any, ...]]:
    """The rows of a values_list query straight from the cursor: no per-value converters, which
    cost more than everything else for a year of daily diary entries per patient."""
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _adherence(people: dict[int, Person], ids: Ids) -> list[tuple[int, Row]]:
    import polars as pl

    rows = _raw(
        DiaryEntry.objects.filter(patient_id__in=ids).values_list(
            "patient_id", "day", "morning", "evening"
        )
    )
    if not rows:
        return []
    diary = pl.DataFrame(
        rows,
        schema=["patient_id", "day", "morning", "evening"],
        orient="row",
        infer_schema_length=None,
    )
    if diary.schema["day"] == pl.String:  # SQLite hands dates over as text
        diary = diary.with_columns(pl.col("day").str.to_date("%Y-%m-%d"))
    starts = pl.DataFrame(
        {"patient_id": list(people), "start": [person.start for person in people.values()]},
        schema={"patient_id": diary.schema["patient_id"], "start": pl.Date},
    )
    weeks = (
        diary.join(starts, on="patient_id", how="inner")
        .with_columns((pl.col("day") - pl.col("start")).dt.total_days().alias("days"))
        .filter(pl.col("days") >= 0)
        .group_by("patient_id", (pl.col("days") // 7).alias("week"))
        .agg(
            pl.len().alias("recorded"),
            (pl.col("morning").cast(pl.Int64) + pl.col("evening").cast(pl.Int64))
            .sum()
            .alias("applied"),
        )
        .sort("patient_id", "week")
    )
    return [
        (
            patient_id,
            {
                "patient": people[patient_id].pseudonym,
                "site": people[patient_id].site,
                "week": week,
                "days_recorded": recorded,
                "applications": applied,
            },
        )
        for patient_id, week, recorded, applied in weeks.iter_rows()
    ]


def _dispensed(people: dict[int, Person], ids: Ids) -> list[tuple[int, Row]]:
    grams: dict[tuple[int, int], int] = defaultdict(int)
    for patient_id, day, amount in Dispense.objects.filter(patient_id__in=ids).values_list(
        "patient_id", "dispensed_on", "grams"
    ):
        if patient_id not in people:
            continue
        grams[(patient_id, people[patient_id].days(day) // 7)] += amount
    return [
        (
            patient_id,
            {
                "patient": people[patient_id].pseudonym,
                "site": people[patient_id].site,
                "week": week,
                "grams": amount,
            },
        )
        for (patient_id, week), amount in sorted(grams.items())
    ]


def _authorisations(people: dict[int, Person], ids: Ids) -> list[Row]:
    rows = []
    for patient_id, country, route, submitted, approved in (
        AuthorisationApplication.objects.filter(
            patient_id__in=ids, submitted_on__isnull=False, approved_on__isnull=False
        )
        .order_by("patient_id", "submitted_on", "pk")
        .values_list(
            "patient_id", "route__country__code", "route__slug", "submitted_on", "approved_on"
        )
    ):
        if patient_id not in people:
            continue
        rows.append(
            {
                "patient": people[patient_id].pseudonym,
                "site": people[patient_id].site,
                "route": f"{country}/{route}",
                "days_to_approval": (approved - submitted).days,
            }
        )
    return rows


def _last_days(*tables: list[tuple[int, Row]]) -> dict[int, int]:
    """The last day (from start) each patient was seen in any table: the follow-up."""
    last: dict[int, int] = {}
    for table in tables:
        for patient_id, row in table:
            day = row["day"] if "day" in row else row["week"] * 7 + 6
            last[patient_id] = max(last.get(patient_id, 0), day)
    return last


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
        rows = dataset.tables.get(table, [])
        frame = pl.DataFrame({name: [row[name] for row in rows] for name in schema}, schema=schema)
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
