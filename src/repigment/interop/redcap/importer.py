"""Check a REDCap project's records against its dictionary and the mapping, then write it.

All or nothing: every row is checked first and every problem is reported with its line,
record id, field and reason; only a file without problems is written, in one transaction.
Re-running the same files changes nothing: a patient is known by its clinic and record number
(the REDCap record id, with the mapping's prefix), a diagnosis by its day and type, a visit by
its day, a prescription by product and start, an adverse event by term and onset; what exists
already is left as it is.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from repigment.accounts import audit
from repigment.accounts.models import AuditAction, Clinic, Role, User
from repigment.assessments.models import Instrument, ScoreEntry, Visit
from repigment.clinical.scoring import (
    DEPIGMENTATION_LADDER,
    ClinicalInputError,
    VasiEntry,
    score_fvasi,
    score_tvasi,
)
from repigment.interop.redcap.bulk import BATCH, bulk_insert
from repigment.interop.redcap.mapping import ROW_KEYS, SECTIONS, Mapping, Source, parse_mapping
from repigment.interop.redcap.reader import Field, FileProblem, Row, read_dictionary, read_records
from repigment.patients.models import (
    Activity,
    Diagnosis,
    Language,
    Patient,
    Sex,
    VitiligoType,
    name_key,
    number_key,
)
from repigment.safety.models import ActionTaken, AdverseEvent, Outcome, ReporterKind, Severity
from repigment.safety.terms import BY_CODE, OTHER
from repigment.treatment.models import Frequency, Prescription, Product

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Problem:
    line: int  # in the records file (1 is the header); 0 for a problem of a whole file
    record: str
    field: str
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}, record {self.record}" if self.line else "file"
        return f"{where}, {self.field}: {self.reason}" if self.field else f"{where}: {self.reason}"


@dataclass
class Report:
    rows: int = 0
    records: int = 0
    created: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)
    written: bool = False
    patient_ids: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class Item:
    line: int
    values: dict[str, Any]
    extra: Any = None  # VASI entries of a visit, treated areas of a prescription
    totals: dict[str, Decimal] = field(default_factory=dict)  # a visit's F-VASI / T-VASI


@dataclass
class Plan:
    record: str
    line: int
    patient: dict[str, Any]
    items: dict[str, list[Item]] = field(default_factory=lambda: defaultdict(list))


def _choices(kind: str) -> set[str]:
    if kind == "product":
        return set(Product.objects.filter(active=True).values_list("name", flat=True))
    sets: dict[str, Any] = {
        "sex": Sex.values,
        "language": Language.values,
        "vitiligo_type": VitiligoType.values,
        "activity": Activity.values,
        "frequency": Frequency.values,
        "term": [code for code in BY_CODE if code != OTHER],
        "severity": Severity.values,
        "outcome": Outcome.values,
        "action_taken": ActionTaken.values,
    }
    return set(sets[kind])


RANGES = {"phototype": (1, 6), "vns": (1, 5), "int": (0, 100_000)}


def _day(text: str) -> date:
    return date.fromisoformat(text[:10])


class Checker:
    """Turns raw REDCap values into Repigment values, noting every problem."""

    def __init__(self, dictionary: dict[str, Field], problems: list[Problem]) -> None:
        self.dictionary = dictionary
        self.problems = problems
        self.choice_sets: dict[str, set[str]] = {}
        # Values repeat (sexes, dates, codes): each (kind, raw text) is converted once.
        self.converted: dict[tuple[str, str], Any] = {}
        self.specs: dict[tuple[int, str], list[tuple[str, str, bool, Source]]] = {}

    def spec(self, mapping: Mapping, name: str) -> list[tuple[str, str, bool, Source]]:
        """The section's mapped targets as (target, kind, required, source), worked out once."""
        key = (id(mapping), name)
        if key not in self.specs:
            given = mapping.sections[name]
            self.specs[key] = [
                (target, kind, required, given[target])
                for target, (kind, required) in SECTIONS[name].items()
                if target in given
            ]
        return self.specs[key]

    def value(self, kind: str, source: Source, row: Row, target: str) -> Any:
        raw = source.raw(row.values)
        if raw == "":
            return None
        name = source.field or target
        known = self.dictionary.get(source.field) if source.field else None
        if known and known.choices and raw not in known.choices:
            return self._bad(
                row, name, f"{raw!r} is not one of the field's choices ({', '.join(known.choices)})"
            )
        if source.values:
            if raw not in source.values:
                return self._bad(row, name, f"{raw!r} has no translation in the mapping")
            raw = source.values[raw]
        done = self.converted.get((kind, raw), self)
        if done is not self:
            return done
        try:
            done = self.converted[(kind, raw)] = self._convert(kind, raw)
        except ValueError as error:
            return self._bad(row, name, str(error))
        return done

    def _convert(self, kind: str, raw: str) -> Any:
        if kind == "str":
            return raw
        if kind == "date":
            try:
                return _day(raw)
            except ValueError:
                raise ValueError(f"{raw!r} is not a date (YYYY-MM-DD)") from None
        if kind in RANGES:
            low, high = RANGES[kind]
            if not raw.isdigit() or not low <= int(raw) <= high:
                raise ValueError(f"{raw!r} is not a whole number from {low} to {high}")
            return int(raw)
        if kind == "decimal":
            return self.decimal(raw)
        if kind not in self.choice_sets:
            self.choice_sets[kind] = _choices(kind)
        allowed = self.choice_sets[kind]
        if raw not in allowed:
            raise ValueError(f"{raw!r} is not one of {', '.join(sorted(allowed))}")
        return raw

    @staticmethod
    def decimal(raw: str) -> Decimal:
        try:
            number = Decimal(raw)
        except InvalidOperation:
            raise ValueError(f"{raw!r} is not a number") from None
        if not number.is_finite() or number < 0:
            raise ValueError(f"{raw!r} is not a number of zero or more")
        return number

    def _bad(self, row: Row, name: str, reason: str) -> None:
        self.problems.append(Problem(row.line, row.record, name, reason))
        return None


def _section(check: Checker, mapping: Mapping, name: str, row: Row) -> dict[str, Any] | None:
    """The section's values from one row, or None if a required one is missing or bad."""
    values, good = {}, True
    before = len(check.problems)
    for target, kind, required, source in check.spec(mapping, name):
        value = check.value(kind, source, row, target)
        if value is None and required and len(check.problems) == before:
            check.problems.append(
                Problem(
                    row.line,
                    row.record,
                    source.field or target,
                    f"{name.replace('_', ' ')}: {target} is missing",
                )
            )
        if value is None and required:
            good = False
        values[target] = value
    return values if good and len(check.problems) == before else None


def _vasi(
    check: Checker, mapping: Mapping, row: Row, totals: dict[str, Decimal]
) -> dict[str, list[VasiEntry]] | None:
    found: dict[str, list[VasiEntry]] = {}
    for table, instrument in (("fvasi", Instrument.FVASI), ("tvasi", Instrument.TVASI)):
        regions = mapping.regions.get(("visit", table), {})
        entries = []
        for region, (units_field, grade_field) in regions.items():
            units, grade = row.values.get(units_field, ""), row.values.get(grade_field, "")
            if not units and not grade:
                continue
            try:
                hand_units = check.decimal(units)
                if not grade.isdigit() or int(grade) not in DEPIGMENTATION_LADDER:
                    ladder = ", ".join(str(g) for g in DEPIGMENTATION_LADDER)
                    raise ValueError(f"{grade!r} is not a grade of the ladder ({ladder})")
                entries.append(VasiEntry(region, hand_units, int(grade)))
            except ValueError as error:
                field = grade_field if "grade" in str(error) else units_field
                check.problems.append(Problem(row.line, row.record, field, str(error)))
                return None
        if entries:
            try:
                totals[instrument] = (score_fvasi if table == "fvasi" else score_tvasi)(
                    entries
                ).score
            except ClinicalInputError as error:
                check.problems.append(Problem(row.line, row.record, table, str(error)))
                return None
            found[instrument] = entries
    return found


def _areas(check: Checker, mapping: Mapping, row: Row) -> list[dict[str, str]] | None:
    areas = []
    for region, (bsa_field,) in mapping.regions.get(("prescription", "treated_areas"), {}).items():
        raw = row.values.get(bsa_field, "")
        if not raw:
            continue
        try:
            bsa = check.decimal(raw)
        except ValueError as error:
            check.problems.append(Problem(row.line, row.record, bsa_field, str(error)))
            return None
        if bsa > 100:
            check.problems.append(Problem(row.line, row.record, bsa_field, f"{raw} % is over 100"))
            return None
        areas.append({"region": region, "bsa_percent": str(bsa)})
    if not areas:
        check.problems.append(
            Problem(
                row.line,
                row.record,
                "treated_areas",
                "a prescription needs at least one treated area",
            )
        )
        return None
    return areas


ITEM_KEYS = {
    "diagnosis": ("recorded_on", "vitiligo_type"),
    "visit": ("visit_date",),
    "prescription": ("product", "start_date"),
    "adverse_event": ("term", "onset_date"),
}


def plan_records(
    mapping: Mapping,
    dictionary: dict[str, Field],
    rows: list[Row],
    problems: list[Problem],
    progress: Progress | None = None,
) -> list[Plan]:
    check = Checker(dictionary, problems)
    by_record: dict[str, list[Row]] = {}
    for row in rows:
        if not row.record:
            problems.append(Problem(row.line, "", mapping.record_id, "the record id is empty"))
            continue
        by_record.setdefault(row.record, []).append(row)
    plans, done = [], 0
    once = [
        source.field
        for name in ("patient", "diagnosis")
        for source in mapping.sections.get(name, {}).values()
        if source.field
    ]
    for record, record_rows in by_record.items():
        merged = Row(record_rows[0].line, record, "", "", "", {})
        for row in record_rows:
            for key in once:  # the first non-empty value of each once-a-record field
                if key not in merged.values and row.values.get(key):
                    merged.values[key] = row.values[key]
        patient = _section(check, mapping, "patient", merged)
        plan = Plan(record, merged.line, patient or {})
        if "diagnosis" in mapping.sections:
            diagnosis = _section(check, mapping, "diagnosis", merged)
            if diagnosis:
                plan.items["diagnosis"].append(Item(merged.line, diagnosis))
        for row in record_rows:
            for name, key in ROW_KEYS.items():
                if name not in mapping.sections or not mapping.sections[name][key].raw(row.values):
                    continue
                values = _section(check, mapping, name, row)
                if values is None:
                    continue
                extra: Any = None
                totals: dict[str, Decimal] = {}
                if name == "visit":
                    extra = _vasi(check, mapping, row, totals)
                elif name == "prescription":
                    extra = _areas(check, mapping, row)
                if extra is None and name in ("visit", "prescription"):
                    continue
                plan.items[name].append(Item(row.line, values, extra, totals))
        for name, items in plan.items.items():
            seen: dict[tuple[Any, ...], int] = {}
            for item in items:
                key = tuple(item.values[k] for k in ITEM_KEYS[name])
                if key in seen:
                    problems.append(
                        Problem(
                            item.line,
                            record,
                            name,
                            f"the same {name.replace('_', ' ')} as on line {seen[key]}",
                        )
                    )
                seen[key] = item.line
        if patient:
            plans.append(plan)
        done += len(record_rows)
        if progress:
            progress(done, len(rows))
    return plans


def run_import(
    dictionary_data: bytes | str,
    records_data: bytes | str,
    mapping_text: str,
    *,
    dry_run: bool = False,
    user: User | None = None,
    request: Any = None,
    progress: Progress | None = None,
    clinic_id: int | None = None,
) -> Report:
    """Check everything; write it all in one transaction unless ``dry_run`` or any problem."""
    report = Report()
    try:
        mapping = parse_mapping(mapping_text)
        dictionary = read_dictionary(dictionary_data)
        columns, rows = read_records(records_data, mapping.record_id)
    except FileProblem as error:
        report.problems.append(Problem(0, "", "", str(error)))
        return report
    except ValueError as error:  # MappingProblem
        report.problems += [Problem(0, "", "", p) for p in getattr(error, "problems", [str(error)])]
        return report
    report.rows, report.records = len(rows), len({row.record for row in rows})
    for name in sorted(mapping.fields()):
        if name not in dictionary and name != mapping.record_id:
            report.problems.append(
                Problem(0, "", name, "the mapping names a field the data dictionary does not have")
            )
        elif name not in columns:
            report.problems.append(Problem(0, "", name, "the records file has no such column"))
    clinic = Clinic.objects.filter(name=mapping.clinic, kind=Clinic.Kind.CLINIC).first()
    prescriber = User.objects.filter(email=mapping.prescriber.lower(), is_active=True).first()
    if clinic is None:
        report.problems.append(Problem(0, "", "clinic", f"no clinic is named {mapping.clinic!r}"))
    elif clinic_id is not None and clinic.pk != clinic_id:
        report.problems.append(
            Problem(
                0,
                "",
                "clinic",
                f"the mapping imports into {mapping.clinic!r}, not into this clinic",
            )
        )
    elif (
        prescriber is None
        or not prescriber.memberships.filter(clinic=clinic, role=Role.PRESCRIBER).exists()
    ):
        report.problems.append(
            Problem(
                0, "", "prescriber", f"{mapping.prescriber} is not a prescriber of {mapping.clinic}"
            )
        )
    if report.problems:
        return report
    plans = plan_records(mapping, dictionary, rows, report.problems, progress)
    if report.problems:
        return report
    assert clinic is not None and prescriber is not None
    with transaction.atomic():
        _write(plans, mapping, clinic, prescriber, report, save=not dry_run)
        if dry_run:
            transaction.set_rollback(True)
        else:
            report.written = True
    if report.written:
        audit.record(
            request,
            AuditAction.CREATE,
            object_type="redcap_import",
            object_id=f"{report.records} records",
            clinic=clinic,
            patient_ids=getattr(report, "patient_ids", []),
            actor=user,
        )
    return report


def _write(
    plans: list[Plan],
    mapping: Mapping,
    clinic: Clinic,
    prescriber: User,
    report: Report,
    save: bool = True,
) -> None:
    numbers = {
        plan.record: plan.patient.get("record_number")
        or f"{mapping.record_number_prefix}{plan.record}"
        for plan in plans
    }
    existing = _patient_ids(clinic, list(numbers.values()))
    new = [
        {
            "clinic_id": clinic.pk,
            "created_by_id": prescriber.pk,
            "record_number": numbers[plan.record],
            **{k: v for k, v in plan.patient.items() if k != "record_number" and v is not None},
        }
        for plan in plans
        if numbers[plan.record] not in existing
    ]
    for row in new:
        row["family_key"] = name_key(row.get("family_name", ""))[:100]
        row["given_key"] = name_key(row.get("given_names", ""))[:100]
        row["record_key"] = number_key(row["record_number"])[:40]
        row["passport_key"] = number_key(row.get("passport_number", ""))[:30]
    ids = dict(existing)
    if save and new:
        bulk_insert(Patient, new)
        ids.update(_patient_ids(clinic, [row["record_number"] for row in new]))
    report.created["patient"] += len(new)
    report.unchanged["patient"] += len(plans) - len(new)
    report.patient_ids = sorted(pk for pk in ids.values() if pk is not None)
    patient_of = {plan.record: ids.get(numbers[plan.record]) for plan in plans}
    products = dict(Product.objects.values_list("name", "pk"))
    known = _existing_keys([pk for pk in ids.values() if pk is not None])
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    scores: list[tuple[tuple[int, date], dict[str, list[VasiEntry]]]] = []
    for plan in plans:
        patient_id = patient_of[plan.record]
        for name, items in plan.items.items():
            for item in items:
                v = item.values
                key = (
                    patient_id,
                    *(products[v[k]] if k == "product" else v[k] for k in ITEM_KEYS[name]),
                )
                if key in known[name]:
                    report.unchanged[name] += 1
                    continue
                report.created[name] += 1
                rows[name].append(_row(name, patient_id, item, prescriber, products, plan.record))
                if name == "visit" and patient_id is not None:
                    scores.append(((patient_id, v["visit_date"]), item.extra))
    if save:
        _save(rows, scores)
    report.created, report.unchanged = +report.created, +report.unchanged  # drop the zeros


def _patient_ids(clinic: Clinic, numbers: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(numbers), BATCH):
        found.update(
            Patient.objects.filter(
                clinic=clinic, record_number__in=numbers[start : start + BATCH]
            ).values_list("record_number", "pk")
        )
    return found


def _existing_keys(patient_ids: list[int]) -> dict[str, set[tuple[Any, ...]]]:
    known: dict[str, set[tuple[Any, ...]]] = defaultdict(set)
    for start in range(0, len(patient_ids), BATCH):
        mine = {"patient_id__in": patient_ids[start : start + BATCH]}
        known["diagnosis"].update(
            Diagnosis.objects.filter(**mine).values_list(
                "patient_id", "recorded_on", "vitiligo_type"
            )
        )
        known["visit"].update(Visit.objects.filter(**mine).values_list("patient_id", "visit_date"))
        known["prescription"].update(
            Prescription.objects.filter(**mine).values_list(
                "patient_id", "product_id", "start_date"
            )
        )
        known["adverse_event"].update(
            AdverseEvent.objects.filter(**mine).values_list("patient_id", "term", "onset_date")
        )
    return known


def _row(
    name: str,
    patient_id: int | None,
    item: Item,
    prescriber: User,
    products: dict[str, int],
    record: str,
) -> dict[str, Any]:
    """One new row as column values (``attname``: value); the defaults come in ``bulk_insert``."""
    v, extra = item.values, item.extra
    note = f"Imported from REDCap record {record}."
    if name == "diagnosis":
        return {"patient_id": patient_id, "recorded_by_id": prescriber.pk, "notes": note, **v}
    if name == "visit":
        return {
            "patient_id": patient_id,
            "visit_date": v["visit_date"],
            "vns": v.get("vns"),
            "assessor_id": prescriber.pk,
            "notes": note,
            "fvasi_scored": Instrument.FVASI in extra,
            "tvasi_scored": Instrument.TVASI in extra,
            "fvasi_total": item.totals.get(Instrument.FVASI),
            "tvasi_total": item.totals.get(Instrument.TVASI),
        }
    if name == "prescription":
        total = sum((Decimal(a["bsa_percent"]) for a in extra), Decimal(0))
        return {
            "patient_id": patient_id,
            "product_id": products[v["product"]],
            "treated_areas": extra,
            "treated_bsa_percent": total,
            "frequency": v.get("frequency") or Frequency.TWICE_DAILY,
            "start_date": v["start_date"],
            "planned_weeks": v["planned_weeks"],
            "prescriber_id": prescriber.pk,
            "notes": note,
        }
    return {
        "patient_id": patient_id,
        "term": v["term"],
        "onset_date": v["onset_date"],
        "end_date": v.get("end_date"),
        "severity": v["severity"],
        "outcome": v.get("outcome") or Outcome.UNKNOWN,
        "action_taken": v.get("action_taken") or ActionTaken.UNKNOWN,
        "description": v.get("description") or note,
        "reporter_kind": ReporterKind.PRESCRIBER,
        "reported_by_id": prescriber.pk,
    }


def _save(
    rows: dict[str, list[dict[str, Any]]],
    scores: list[tuple[tuple[int, date], dict[str, list[VasiEntry]]]],
) -> None:
    bulk_insert(Diagnosis, rows["diagnosis"])
    bulk_insert(Visit, rows["visit"])
    visit_ids: dict[tuple[int, date], int] = {}
    patient_ids = sorted({patient_id for (patient_id, _day), _found in scores})
    for start in range(0, len(patient_ids), BATCH):
        for pk, patient_id, day in Visit.objects.filter(
            patient_id__in=patient_ids[start : start + BATCH]
        ).values_list("pk", "patient_id", "visit_date"):
            # The newest visit of the day is the one just written (the day was new to it).
            if visit_ids.get((patient_id, day), 0) < pk:
                visit_ids[(patient_id, day)] = pk
    bulk_insert(
        ScoreEntry,
        [
            {
                "visit_id": visit_ids[key],
                "instrument": instrument,
                "region": e.region,
                "hand_units": e.hand_units,
                "depigmentation": e.depigmentation,
                "position": n,
            }
            for key, found in scores
            for instrument, entries in found.items()
            for n, e in enumerate(entries)
        ],
    )
    bulk_insert(Prescription, rows["prescription"])
    bulk_insert(AdverseEvent, rows["adverse_event"])
