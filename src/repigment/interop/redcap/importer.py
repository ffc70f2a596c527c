"""Check a REDCap project's records against its dictionary and the mapping, then write it.

All or nothing: every row is checked first and every problem is reported with its line,
record id, field and reason; only a file without problems is written, in one transaction.
Re-running the same files changes nothing: a patient is known by its clinic and record number
(the REDCap record id, with the mapping's prefix), a diagnosis by its day and type, a visit by
its day, a prescription by product and start, an adverse event by term and onset; what exists
already is left as it is.
"""

from __future__ import annotations

import gc
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection, transaction

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
from repigment.core.rows import BATCH, TableWriter
from repigment.interop.redcap.mapping import ROW_KEYS, SECTIONS, Mapping, Source, parse_mapping
from repigment.interop.redcap.reader import (
    Field,
    FileProblem,
    Records,
    Row,
    read_dictionary,
    read_records,
)
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
from repigment.registry.stale import mark_stale
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
#: Rows between two calls of the progress callback (a progress bar or a job's row).
PROGRESS_EVERY = 2000


def _day(text: str) -> date:
    return date.fromisoformat(text[:10])


def _decimal(raw: str) -> Decimal:
    """A finite number of zero or more, from its text; ValueError says why not."""
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"{raw!r} is not a number") from None
    if not number.is_finite() or number < 0:
        raise ValueError(f"{raw!r} is not a number of zero or more")
    return number


class Failure(str):
    """A conversion's reason for refusing a value (kept in a memo like a value)."""


class Target:
    """One mapped Repigment field, resolved against the records file once.

    ``convert`` takes the cell's text through the dictionary's choices, the mapping's
    translation and the target's kind; its answers are remembered per text, since codes,
    dates and numbers repeat through a file.
    """

    __slots__ = ("column", "constant", "convert", "label", "memo", "name", "required")

    def __init__(
        self,
        name: str,
        label: str,
        column: int,
        constant: str | None,
        required: bool,
        convert: Callable[[str], Any],
    ) -> None:
        self.name, self.label, self.column, self.constant = name, label, column, constant
        self.required, self.convert = required, convert
        self.memo: dict[str, Any] = {}

    def value(self, raw: str) -> Any:
        """The converted value of a non-empty ``raw`` (not in ``memo`` yet), or its ``Failure``."""
        memo = self.memo
        try:
            done = self.convert(raw)
        except ValueError as error:
            done = Failure(str(error))
        if len(memo) < 100_000:  # free text (names) repeats little: do not keep all of it
            memo[raw] = done
        return done


class Checker:
    """Turns a records file's raw cells into Repigment values, noting every problem."""

    def __init__(
        self,
        mapping: Mapping,
        dictionary: dict[str, Field],
        index: dict[str, int],
        problems: list[Problem],
    ) -> None:
        self.problems = problems
        self.choice_sets: dict[str, set[str]] = {}
        self.sections = {
            name: [
                self._target(target, kind, required, given[target], dictionary, index)
                for target, (kind, required) in SECTIONS[name].items()
                if target in given
            ]
            for name, given in mapping.sections.items()
        }
        #: Per routed section, the target whose value marks a row as holding it.
        self.row_keys = [
            (name, next(t for t in self.sections[name] if t.name == key))
            for name, key in ROW_KEYS.items()
            if name in self.sections
        ]
        #: (table, instrument, [(region, hand units column, grade column, their fields)])
        self.vasi_tables = [
            (
                table,
                instrument,
                [
                    (region, index[units], index[grade], units, grade)
                    for region, (units, grade) in mapping.regions.get(("visit", table), {}).items()
                ],
            )
            for table, instrument in (("fvasi", Instrument.FVASI), ("tvasi", Instrument.TVASI))
        ]
        self.areas = [
            (region, index[bsa], bsa)
            for region, (bsa,) in mapping.regions.get(("prescription", "treated_areas"), {}).items()
        ]
        # A region's entry and an instrument's total are pure functions of their texts and
        # entries, and the same few hand units and grades come back row after row.
        self.entries: dict[tuple[str, str, str], VasiEntry | tuple[str, str]] = {}
        self.scores: dict[tuple[Any, ...], Decimal | Failure] = {}

    def _target(
        self,
        target: str,
        kind: str,
        required: bool,
        source: Source,
        dictionary: dict[str, Field],
        index: dict[str, int],
    ) -> Target:
        known = dictionary.get(source.field) if source.field else None
        choices = known.choices if known else {}
        translate = source.values
        as_kind = self._kind(kind)

        def convert(raw: str) -> Any:
            if choices and raw not in choices:
                raise ValueError(
                    f"{raw!r} is not one of the field's choices ({', '.join(choices)})"
                )
            if translate:
                if raw not in translate:
                    raise ValueError(f"{raw!r} has no translation in the mapping")
                raw = translate[raw]
            return as_kind(raw)

        column = index[source.field] if source.field else -1
        return Target(target, source.field or target, column, source.constant, required, convert)

    def _kind(self, kind: str) -> Callable[[str], Any]:
        """The conversion of a translated text into the target's kind."""
        if kind == "str":
            return str
        if kind == "date":

            def day(raw: str) -> date:
                try:
                    return _day(raw)
                except ValueError:
                    raise ValueError(f"{raw!r} is not a date (YYYY-MM-DD)") from None

            return day
        if kind in RANGES:
            low, high = RANGES[kind]

            def whole(raw: str) -> int:
                if not raw.isdigit() or not low <= int(raw) <= high:
                    raise ValueError(f"{raw!r} is not a whole number from {low} to {high}")
                return int(raw)

            return whole
        if kind == "decimal":
            return _decimal

        def choice(raw: str) -> str:
            if kind not in self.choice_sets:
                self.choice_sets[kind] = _choices(kind)
            allowed = self.choice_sets[kind]
            if raw not in allowed:
                raise ValueError(f"{raw!r} is not one of {', '.join(sorted(allowed))}")
            return raw

        return choice

    def section(self, name: str, row: Row) -> dict[str, Any] | None:
        """The section's values from one row, or None if a required one is missing or bad."""
        values: dict[str, Any] = {}
        good, cells = True, row.cells
        for target in self.sections[name]:
            raw = target.constant if target.constant is not None else cells[target.column].strip()
            if raw == "":
                value = None
                if target.required:
                    what = f"{name.replace('_', ' ')}: {target.name} is missing"
                    self.problems.append(Problem(row.line, row.record, target.label, what))
                    good = False
            else:
                value = target.memo.get(raw, Target)  # Target: not converted yet
                if value is Target:
                    value = target.value(raw)
                if type(value) is Failure:
                    self.problems.append(Problem(row.line, row.record, target.label, value))
                    value, good = None, False
            values[target.name] = value
        return values if good else None

    def vasi(self, row: Row, totals: dict[str, Decimal]) -> dict[str, list[VasiEntry]] | None:
        """A visit's entries per instrument (totals filled in), or None after a problem."""
        found: dict[str, list[VasiEntry]] = {}
        cells = row.cells
        for table, instrument, regions in self.vasi_tables:
            entries = []
            for region, units_at, grade_at, units_field, grade_field in regions:
                units, grade = cells[units_at].strip(), cells[grade_at].strip()
                if not units and not grade:
                    continue
                entry = self.entries.get((region, units, grade))
                if entry is None:
                    entry = self.entries[(region, units, grade)] = _entry(
                        region, units, grade, units_field, grade_field
                    )
                if not isinstance(entry, VasiEntry):
                    self.problems.append(Problem(row.line, row.record, *entry))
                    return None
                entries.append(entry)
            if entries:
                key = (table, *entries)
                score = self.scores.get(key)
                if score is None:
                    score = self.scores[key] = _total(table, entries)
                if type(score) is Failure:
                    self.problems.append(Problem(row.line, row.record, table, score))
                    return None
                totals[instrument] = score
                found[instrument] = entries
        return found

    def treated_areas(self, row: Row) -> list[dict[str, str]] | None:
        areas = []
        for region, at, bsa_field in self.areas:
            raw = row.cells[at].strip()
            if not raw:
                continue
            try:
                bsa = _decimal(raw)
            except ValueError as error:
                self.problems.append(Problem(row.line, row.record, bsa_field, str(error)))
                return None
            if bsa > 100:
                self.problems.append(
                    Problem(row.line, row.record, bsa_field, f"{raw} % is over 100")
                )
                return None
            areas.append({"region": region, "bsa_percent": str(bsa)})
        if not areas:
            self.problems.append(
                Problem(
                    row.line,
                    row.record,
                    "treated_areas",
                    "a prescription needs at least one treated area",
                )
            )
            return None
        return areas


def _total(table: str, entries: list[VasiEntry]) -> Decimal | Failure:
    """The F-VASI or T-VASI of a visit's entries, or why the clinical rules refuse them."""
    try:
        return (score_fvasi if table == "fvasi" else score_tvasi)(entries).score
    except ClinicalInputError as error:
        return Failure(str(error))


def _entry(
    region: str, units: str, grade: str, units_field: str, grade_field: str
) -> VasiEntry | tuple[str, str]:
    """One region's VASI entry from its two texts, or (field, reason) of what is wrong."""
    try:
        hand_units = _decimal(units)
        if not grade.isdigit() or int(grade) not in DEPIGMENTATION_LADDER:
            ladder = ", ".join(str(g) for g in DEPIGMENTATION_LADDER)
            raise ValueError(f"{grade!r} is not a grade of the ladder ({ladder})")
        return VasiEntry(region, hand_units, int(grade))
    except ValueError as error:
        return (grade_field if "grade" in str(error) else units_field, str(error))


ITEM_KEYS = {
    "diagnosis": ("recorded_on", "vitiligo_type"),
    "visit": ("visit_date",),
    "prescription": ("product", "start_date"),
    "adverse_event": ("term", "onset_date"),
}


def plan_records(
    mapping: Mapping,
    dictionary: dict[str, Field],
    records: Records,
    problems: list[Problem],
    progress: Progress | None = None,
) -> list[Plan]:
    check = Checker(mapping, dictionary, records.index, problems)
    by_record: dict[str, list[Row]] = {}
    for row in records.rows:
        if not row.record:
            problems.append(Problem(row.line, "", mapping.record_id, "the record id is empty"))
            continue
        by_record.setdefault(row.record, []).append(row)
    # The patient and diagnosis fields are read once a record: the first non-empty value.
    once = sorted(
        {t.column for name in ("patient", "diagnosis") for t in check.sections.get(name, [])} - {-1}
    )
    blank = [""] * len(records.columns)
    plans, done, told, total = [], 0, 0, len(records.rows)
    for record, record_rows in by_record.items():
        cells = blank[:]
        for at in once:
            for row in record_rows:
                if value := row.cells[at].strip():
                    cells[at] = value
                    break
        merged = Row(record_rows[0].line, record, cells)
        patient = check.section("patient", merged)
        plan = Plan(record, merged.line, patient or {})
        if "diagnosis" in check.sections:
            diagnosis = check.section("diagnosis", merged)
            if diagnosis:
                plan.items["diagnosis"].append(Item(merged.line, diagnosis))
        for row in record_rows:
            for name, key in check.row_keys:
                raw = key.constant if key.constant is not None else row.cells[key.column].strip()
                if not raw:
                    continue
                values = check.section(name, row)
                if values is None:
                    continue
                extra: Any = None
                totals: dict[str, Decimal] = {}
                if name == "visit":
                    extra = check.vasi(row, totals)
                    if extra is None:
                        continue
                elif name == "prescription":
                    extra = check.treated_areas(row)
                    if extra is None:
                        continue
                plan.items[name].append(Item(row.line, values, extra, totals))
        _repeated_items(plan, problems)
        if patient:
            plans.append(plan)
        done += len(record_rows)
        if progress and done - told >= PROGRESS_EVERY:
            progress(done, total)
            told = done
    if progress:
        progress(total, total)
    return plans


def _repeated_items(plan: Plan, problems: list[Problem]) -> None:
    """A problem for each item that repeats an earlier one of the record (same key)."""
    for name, items in plan.items.items():
        if len(items) < 2:
            continue
        seen: dict[tuple[Any, ...], int] = {}
        for item in items:
            key = tuple(item.values[k] for k in ITEM_KEYS[name])
            if key in seen:
                problems.append(
                    Problem(
                        item.line,
                        plan.record,
                        name,
                        f"the same {name.replace('_', ' ')} as on line {seen[key]}",
                    )
                )
            seen[key] = item.line


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused while an import builds its rows.

    An import of 100,000 rows keeps a few million small lists, dicts and tuples alive until
    it is written; each of the collector's passes walks all of them again, and measured on
    the bench they cost about two thirds of the check's CPU time. The import makes no
    reference cycles of its own, so nothing is lost by collecting once, afterwards. The
    switch is process-wide: another thread of the process collects no cycles meanwhile.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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
    with _without_cycle_collection():
        return _import(
            dictionary_data,
            records_data,
            mapping_text,
            dry_run=dry_run,
            user=user,
            request=request,
            progress=progress,
            clinic_id=clinic_id,
        )


def _import(
    dictionary_data: bytes | str,
    records_data: bytes | str,
    mapping_text: str,
    *,
    dry_run: bool,
    user: User | None,
    request: Any,
    progress: Progress | None,
    clinic_id: int | None,
) -> Report:
    report = Report()
    try:
        mapping = parse_mapping(mapping_text)
        dictionary = read_dictionary(dictionary_data)
        records = read_records(records_data, mapping.record_id)
    except FileProblem as error:
        report.problems.append(Problem(0, "", "", str(error)))
        return report
    except ValueError as error:  # MappingProblem
        report.problems += [Problem(0, "", "", p) for p in getattr(error, "problems", [str(error)])]
        return report
    report.rows = len(records.rows)
    report.records = len({row.record for row in records.rows})
    for name in sorted(mapping.fields()):
        if name not in dictionary and name != mapping.record_id:
            report.problems.append(
                Problem(0, "", name, "the mapping names a field the data dictionary does not have")
            )
        elif name not in records.index:
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
    plans = plan_records(mapping, dictionary, records, report.problems, progress)
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
    # Read before writing: from the first table on, the server checks what was written while
    # the rows of the next are made (``TableWriter``).
    products = dict(Product.objects.values_list("name", "pk"))
    # Only a patient that was there before the import can have rows the files repeat.
    known = _existing_keys(list(existing.values()))
    ids = dict(existing)
    with TableWriter() as out:
        if save and new:
            made = out.create(Patient, new)  # ids reserved: nothing to read back
            ids.update(zip((row["record_number"] for row in new), made, strict=True))
        report.created["patient"] += len(new)
        report.unchanged["patient"] += len(plans) - len(new)
        report.patient_ids = sorted(pk for pk in ids.values() if pk is not None)
        patient_of = {plan.record: ids.get(numbers[plan.record]) for plan in plans}
        rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        scores: list[tuple[tuple[int, date], dict[str, list[VasiEntry]]]] = []
        before = set(existing.values())
        for plan in plans:
            patient_id = patient_of[plan.record]
            for name, items in plan.items.items():
                if patient_id in before:  # a new patient has nothing yet: every item is new
                    items = _new_items(name, patient_id, items, known[name], products)
                    report.unchanged[name] += len(plan.items[name]) - len(items)
                report.created[name] += len(items)
                made_rows = rows[name]
                for item in items:
                    made_rows.append(
                        _row(name, patient_id, item, prescriber.pk, products, plan.record)
                    )
                if name == "visit" and patient_id is not None:
                    scores += [((patient_id, i.values["visit_date"]), i.extra) for i in items]
        if save:
            _save(out, rows, scores)
    if save:
        # bulk inserts send no signals: the registry summaries of these patients no longer hold
        mark_stale(row["patient_id"] for table in ("visit", "prescription") for row in rows[table])
    report.created, report.unchanged = +report.created, +report.unchanged  # drop the zeros


def _new_items(
    name: str,
    patient_id: int,
    items: list[Item],
    known: set[tuple[Any, ...]],
    products: dict[str, int],
) -> list[Item]:
    """The items whose key (see ``ITEM_KEYS``) the patient does not have yet."""
    fresh = []
    for item in items:
        v = item.values
        key = (patient_id, *(products[v[k]] if k == "product" else v[k] for k in ITEM_KEYS[name]))
        if key not in known:
            fresh.append(item)
    return fresh


def _patient_ids(clinic: Clinic, numbers: list[str]) -> dict[str, int]:
    """The ids of the clinic's patients that have these record numbers, by number."""
    if connection.vendor == "postgresql":
        # One array parameter: a list of 2,000 parameters costs psycopg more to convert than
        # the rows it finds.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT record_number, id FROM {Patient._meta.db_table}"
                " WHERE clinic_id = %s AND record_number = ANY(%s)",
                [clinic.pk, numbers],
            )
            return dict(cursor.fetchall())
    found: dict[str, int] = {}
    for start in range(0, len(numbers), BATCH):
        found.update(
            Patient.objects.filter(
                clinic=clinic, record_number__in=numbers[start : start + BATCH]
            ).values_list("record_number", "pk")
        )
    return found


def _of_patients(patient_ids: list[int]) -> Iterator[tuple[dict[str, Any], set[int]]]:
    """Filters that find rows of these patients, ``BATCH`` patients at a time, each with the
    ids it is for. Ids of one import lie close together: where they do, a range is sent
    instead of a list (a list of 2,000 ids costs more to prepare than the rows it finds), and
    the rows of other patients inside the range are left out by the caller."""
    ordered = sorted(set(patient_ids))
    for start in range(0, len(ordered), BATCH):
        chunk = ordered[start : start + BATCH]
        if chunk[-1] - chunk[0] < 2 * len(chunk):
            yield {"patient_id__gte": chunk[0], "patient_id__lte": chunk[-1]}, set(chunk)
        else:
            yield {"patient_id__in": chunk}, set(chunk)


def _existing_keys(patient_ids: list[int]) -> dict[str, set[tuple[Any, ...]]]:
    known: dict[str, set[tuple[Any, ...]]] = defaultdict(set)
    keys: dict[str, tuple[type[Any], tuple[str, ...]]] = {
        "diagnosis": (Diagnosis, ("patient_id", "recorded_on", "vitiligo_type")),
        "visit": (Visit, ("patient_id", "visit_date")),
        "prescription": (Prescription, ("patient_id", "product_id", "start_date")),
        "adverse_event": (AdverseEvent, ("patient_id", "term", "onset_date")),
    }
    for mine, wanted in _of_patients(patient_ids):
        for name, (model, columns) in keys.items():
            rows = model.objects.filter(**mine).values_list(*columns)
            known[name].update(row for row in rows if row[0] in wanted)
    return known


def _row(
    name: str,
    patient_id: int | None,
    item: Item,
    prescriber_id: int,
    products: dict[str, int],
    record: str,
) -> dict[str, Any]:
    """One new row as column values (``attname``: value); the defaults come in ``bulk_insert``."""
    v, extra = item.values, item.extra
    note = f"Imported from REDCap record {record}."
    if name == "diagnosis":
        return {"patient_id": patient_id, "recorded_by_id": prescriber_id, "notes": note, **v}
    if name == "visit":
        return {
            "patient_id": patient_id,
            "visit_date": v["visit_date"],
            "vns": v.get("vns"),
            "assessor_id": prescriber_id,
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
            "prescriber_id": prescriber_id,
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
        "reported_by_id": prescriber_id,
    }


def _save(
    out: TableWriter,
    rows: dict[str, list[dict[str, Any]]],
    scores: list[tuple[tuple[int, date], dict[str, list[VasiEntry]]]],
) -> None:
    new_visits = rows["visit"]
    visit_ids = out.create(Visit, new_visits)  # ids reserved: nothing to read back
    out.insert(Diagnosis, rows["diagnosis"])
    visit_of = dict(
        zip(((row["patient_id"], row["visit_date"]) for row in new_visits), visit_ids, strict=True)
    )
    out.insert(
        ScoreEntry,
        [
            {
                "visit_id": visit_of[key],
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
    out.insert(Prescription, rows["prescription"])
    out.insert(AdverseEvent, rows["adverse_event"])
