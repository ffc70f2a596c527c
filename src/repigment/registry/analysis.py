"""The registry's outcomes, computed from one or more datasets as ``registry export`` writes them.

Pure: no Django and no database, only Polars over the dataset's tables and plain Python for the
statistics, so a site that received another site's export runs the same numbers anywhere. The
rules (baseline, windows, evaluable, time to response) are those of the data dictionary's
``analysis`` section; each function below says which one it follows.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from statistics import NormalDist
from typing import Any

import numpy as np
import polars as pl

from repigment.clinical.label import (
    EMA_LONGEST_MONTH_DAYS,
    EMA_MAX_GRAMS_PER_MONTH,
    FDA_MAX_GRAMS_PER_WEEK_60G_TUBES,
)
from repigment.clinical.trials import RUXOLITINIB_BID, TrialResult, results_for
from repigment.registry.bands import AGE_BANDS, DURATION_BANDS, PHOTOTYPE_NAMES

Z95 = NormalDist().inv_cdf(0.975)
#: Scores are compared as integers of a millionth, so 75 % improvement is judged exactly.
SCALE = 1_000_000
SMALL_CELL = 5
INSTRUMENTS = {"F-VASI": "fvasi", "T-VASI": "tvasi"}
THRESHOLDS = {"F-VASI": (50, 75, 90), "T-VASI": (50, 75)}
#: week: (first day, last day, target day)
WINDOWS = {24: (140, 196, 168), 52: (322, 406, 364)}
KEY = "key"

# ---------------------------------------------------------------------------------------------
# Reading


class DatasetError(ValueError):
    """A table with a missing or bad column: names the file, the column and the row."""


@dataclass(frozen=True)
class Column:
    name: str
    kind: type[pl.DataType]
    nullable: bool
    allowed: frozenset[str] | None = None
    low: float | None = None
    high: float | None = None


_PERSON = (
    Column("patient", pl.String, False),
    Column("site", pl.String, False),
)
#: The results a screening row may carry: a TB test's, or what a skin examination found.
SCREENING_RESULTS = (
    "negative",
    "positive",
    "indeterminate",
    "nothing_suspicious",
    "suspicious",
    "skin_cancer",
)
SCHEMAS: dict[str, tuple[Column, ...]] = {
    "visits": (
        *_PERSON,
        Column("sex", pl.String, False, frozenset({"female", "male", "other"})),
        Column("age_at_start", pl.Int64, False, low=0, high=130),
        Column("phototype", pl.Int64, True, low=1, high=6),
        Column("disease_years", pl.Int64, True, low=0, high=130),
        Column("day", pl.Int64, False),
        Column("fvasi", pl.Float64, True, low=0, high=3),
        Column("tvasi", pl.Float64, True, low=0, high=100),
    ),
    "patients": (*_PERSON, Column("followup_days", pl.Int64, False, low=0)),
    "adverse_events": (
        *_PERSON,
        Column("day", pl.Int64, False),
        Column("term", pl.String, False),
        Column("serious", pl.Boolean, False),
    ),
    "adherence": (
        *_PERSON,
        Column("week", pl.Int64, False),
        Column("days_recorded", pl.Int64, False, low=0, high=7),
        Column("applications", pl.Int64, False, low=0, high=14),
    ),
    "dispensed": (
        *_PERSON,
        Column("week", pl.Int64, False),
        Column("grams", pl.Int64, False, low=0),
    ),
    "authorisations": (
        *_PERSON,
        Column("route", pl.String, False),
        Column("days_to_approval", pl.Int64, False, low=0),
    ),
    "screenings": (
        *_PERSON,
        Column("day", pl.Int64, False),
        Column("check", pl.String, False, frozenset({"tb", "skin"})),
        Column("result", pl.String, False, frozenset(SCREENING_RESULTS)),
    ),
}


@dataclass
class Tables:
    """The pooled tables; ``visits`` always, the others when every dataset had them."""

    visits: pl.DataFrame
    others: dict[str, pl.DataFrame] = field(default_factory=dict)

    def get(self, name: str) -> pl.DataFrame | None:
        return self.others.get(name)


def load(folders: Sequence[Path]) -> Tables:
    """Read and pool the datasets in ``folders`` (visits required, the rest when present)."""
    if not folders:
        raise DatasetError("no dataset given")
    pooled: dict[str, list[pl.DataFrame]] = {}
    for folder in folders:
        for table in SCHEMAS:
            frame = _read_table(folder, table)
            if frame is None:
                if table == "visits":
                    raise DatasetError(f"{folder}: no visits.csv or visits.parquet")
                continue
            pooled.setdefault(table, []).append(frame)
    visits = pl.concat(pooled.pop("visits"))
    others = {
        table: pl.concat(frames) for table, frames in pooled.items() if len(frames) == len(folders)
    }
    return Tables(visits=visits, others=others)


def _read_table(folder: Path, table: str) -> pl.DataFrame | None:
    csv, parquet = folder / f"{table}.csv", folder / f"{table}.parquet"
    try:
        if parquet.exists():
            raw, name = pl.read_parquet(parquet), parquet.name
        elif csv.exists():
            raw, name = pl.read_csv(csv, infer_schema=False), csv.name
        else:
            return None
    except pl.exceptions.PolarsError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else "unreadable"
        raise DatasetError(f"{folder.name}/{table}: cannot be read: {first_line}") from None
    return frames_checked(raw, table, f"{folder.name}/{name}")


def patient_key() -> pl.Expr:
    """Site and pseudonym together name a patient; a 64-bit hash groups faster than text."""
    return (
        pl.concat_str([pl.col("site"), pl.col("patient")], separator="|").hash(seed=14).alias(KEY)
    )


def frames_checked(raw: pl.DataFrame, table: str, name: str) -> pl.DataFrame:
    """Cast a table (text from CSV, typed from Parquet) to its types, refusing the first bad cell
    (row 1 is the first row after the header)."""
    columns = SCHEMAS[table]
    for column in columns:
        if column.name not in raw.columns:
            raise DatasetError(f"{name}: column {column.name} is missing")
    clean = {c.name for c in columns if _clean_text(raw.get_column(c.name), c)}
    typed = raw.select(
        [
            (
                pl.col(c.name) if c.name in clean else _cast(pl.col(c.name), raw.schema[c.name], c)
            ).alias(c.name)
            for c in columns
        ]
    ).with_columns(patient_key())
    checked = [c for c in columns if c.name not in clean]
    checks = (
        raw.select(c.name for c in checked)
        .hstack(typed.select(pl.col(c.name).alias(f"typed {c.name}") for c in checked))
        .select(_bad(c, raw.schema[c.name]).alias(c.name) for c in checked)
    )
    failing = checks.select(pl.all().any())
    for column in checked:
        if failing.get_column(column.name).item():
            row = int(checks.get_column(column.name).arg_true()[0])
            shown = raw.get_column(column.name)[row]
            raise DatasetError(
                f"{name}: row {row + 1}, column {column.name}: "
                + ("empty" if shown in (None, "") else f"bad value {str(shown).strip()!r}")
            )
    return typed


def _clean_text(values: pl.Series, column: Column) -> bool:
    """A text column that needs no cell-by-cell check: every distinct value is already trimmed,
    not empty and allowed, and nulls only where allowed. Judged on the distinct values (a few
    sites, three sexes), so a clean column costs one hash instead of a pass of string work."""
    if column.kind is not pl.String or values.dtype != pl.String:
        return False
    distinct = values.unique()
    text = distinct.drop_nulls()
    if text.len() < distinct.len() and not column.nullable:
        return False
    if (text.str.strip_chars() != text).any() or (text == "").any():
        return False
    return column.allowed is None or bool(text.is_in(list(column.allowed)).all())


def _given(expression: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    if dtype == pl.String:
        return expression.is_not_null() & (expression.str.strip_chars() != "")
    return expression.is_not_null()


def _bad(column: Column, dtype: pl.DataType) -> pl.Expr:
    """True on the rows where this column is bad: unreadable, empty when required, out of range."""
    given = _given(pl.col(column.name), dtype)
    value = pl.col(f"typed {column.name}")
    bad = (given & value.is_null()) | (~given if not column.nullable else pl.lit(False))
    if column.allowed is not None:
        bad = bad | (given & ~value.is_in(list(column.allowed)))
    if column.low is not None:
        bad = bad | (value < column.low).fill_null(False)
    if column.high is not None:
        bad = bad | (value > column.high).fill_null(False)
    return bad


def _cast(expression: pl.Expr, dtype: pl.DataType, column: Column) -> pl.Expr:
    if dtype != pl.String:  # Parquet: typed already; a float column may hold whole numbers
        if column.kind is pl.Int64 and dtype.is_float():
            return pl.when(expression == expression.floor()).then(expression.cast(pl.Int64))
        return expression.cast(column.kind, strict=False)
    text = expression.str.strip_chars()
    empty_as_null = pl.when(text == "").then(None).otherwise(text)
    if column.kind is pl.Boolean:
        lowered = empty_as_null.str.to_lowercase()
        return (
            pl.when(lowered.is_in(["true", "1"]))
            .then(True)
            .when(lowered.is_in(["false", "0"]))
            .then(False)
            .otherwise(None)
        )
    if column.kind is pl.Int64:
        # "12.0" from a spreadsheet is 12; "12.5" is refused
        number = empty_as_null.cast(pl.Float64, strict=False)
        return pl.when(number == number.floor()).then(number.cast(pl.Int64)).otherwise(None)
    return empty_as_null.cast(column.kind, strict=False)


# ---------------------------------------------------------------------------------------------
# Statistics


@dataclass(frozen=True)
class Proportion:
    """k of n with the Wilson 95 % interval; fractions, not per cent."""

    evaluable: int
    responders: int
    proportion: float | None
    ci_low: float | None
    ci_high: float | None

    @classmethod
    def of(cls, k: int, n: int) -> Proportion:
        if n == 0:
            return cls(0, 0, None, None, None)
        low, high = wilson(k, n)
        return cls(n, k, k / n, low, high)


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for k successes in n trials."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def _poisson_cdf(k: int, mean: float) -> float:
    """P(X <= k) for X ~ Poisson(mean): the upper regularised gamma function Q(k + 1, mean)."""
    if mean <= 0:
        return 1.0
    a = k + 1
    front = math.exp(-mean + a * math.log(mean) - math.lgamma(a))
    if mean < a + 1:  # the series for the lower function converges here
        term = total = 1 / a
        n = a
        while abs(term) > abs(total) * 1e-16:
            n += 1
            term *= mean / n
            total += term
        return max(0.0, 1 - front * total)
    tiny = 1e-300  # Lentz's continued fraction for the upper function
    b = mean + 1 - a
    c, d = 1 / tiny, 1 / b
    fraction = d
    for i in range(1, 100_000):
        step = -i * (i - a)
        b += 2
        d = step * d + b
        d = 1 / (d if abs(d) > tiny else tiny)
        c = b + step / c
        c = c if abs(c) > tiny else tiny
        fraction *= d * c
        if abs(d * c - 1) < 1e-16:
            break
    return min(1.0, front * fraction)


def _solve(f: Callable[[float], float], target: float, low: float, high: float) -> float:
    """The x in [low, high] with f(x) = target, f falling in x (bisection to 1e-12 relative)."""
    for _ in range(200):
        middle = (low + high) / 2
        if f(middle) > target:
            low = middle
        else:
            high = middle
        if high - low <= 1e-12 * max(1.0, high):
            break
    return (low + high) / 2


def exact_poisson(k: int, alpha: float = 0.05) -> tuple[float, float]:
    """Exact (Garwood) interval for a Poisson count k: the means at which k is just unusual."""
    upper_bound = k + 10 + 10 * math.sqrt(k + 1)
    # P(X >= k | low) = alpha/2, that is cdf(k - 1, low) = 1 - alpha/2; cdf(k, high) = alpha/2
    low = 0.0 if k == 0 else _solve(lambda m: _poisson_cdf(k - 1, m), 1 - alpha / 2, 0, k)
    high = _solve(lambda m: _poisson_cdf(k, m), alpha / 2, k, upper_bound)
    return low, high


@dataclass(frozen=True)
class KmStep:
    day: int
    at_risk: int
    events: int
    survival: float
    low: float  # exponential Greenwood (log-log) 95 % band of the survival
    high: float


@dataclass(frozen=True)
class KaplanMeier:
    steps: tuple[KmStep, ...]

    def survival_at(self, day: float) -> float:
        """S(day): events on that day included."""
        survival = 1.0
        for step in self.steps:
            if step.day > day:
                break
            survival = step.survival
        return survival

    def first_day_at_or_below(self, attribute: str, level: float) -> int | None:
        for step in self.steps:
            if getattr(step, attribute) <= level:
                return step.day
        return None


def kaplan_meier(
    times: Sequence[int] | np.ndarray[Any, Any],
    events: Sequence[bool] | np.ndarray[Any, Any],
    z: float = Z95,
) -> KaplanMeier:
    """Product-limit estimate, with lifelines' exponential Greenwood band.

    The patients are counted per day first (numpy), so the loop runs once per distinct day,
    not once per patient."""
    time = np.asarray(times, dtype=np.int64)
    event = np.asarray(events, dtype=np.bool_)
    if time.shape != event.shape:
        raise ValueError("times and events differ in length")
    days, where, removed = np.unique(time, return_inverse=True, return_counts=True)
    died = np.bincount(where, weights=event, minlength=len(days)).astype(np.int64)
    at_risk = len(time) - np.concatenate(([0], np.cumsum(removed)[:-1])).astype(np.int64)
    survival, greenwood = 1.0, 0.0
    steps: list[KmStep] = []
    for index in np.flatnonzero(died):
        day, risk, deaths = int(days[index]), int(at_risk[index]), int(died[index])
        survival *= 1 - deaths / risk
        if risk > deaths:
            greenwood += deaths / (risk * (risk - deaths))
        low, high = _loglog_band(survival, greenwood, z)
        steps.append(KmStep(day, risk, deaths, survival, low, high))
    return KaplanMeier(tuple(steps))


def _loglog_band(survival: float, greenwood: float, z: float) -> tuple[float, float]:
    if survival <= 0.0 or survival >= 1.0:
        return survival, survival
    log_s = math.log(survival)
    spread = z * math.sqrt(greenwood) / log_s
    return (
        math.exp(-math.exp(math.log(-log_s) - spread)),
        math.exp(-math.exp(math.log(-log_s) + spread)),
    )


def quantiles(values: Sequence[float]) -> tuple[float, float, float] | None:
    """Median and quartiles (linear interpolation, as numpy's default)."""
    if not values:
        return None
    ordered = sorted(values)

    def at(q: float) -> float:
        position = q * (len(ordered) - 1)
        below = math.floor(position)
        above = min(below + 1, len(ordered) - 1)
        return ordered[below] + (ordered[above] - ordered[below]) * (position - below)

    return at(0.5), at(0.25), at(0.75)


# ---------------------------------------------------------------------------------------------
# Responses and time to response


def _scaled(column: str) -> pl.Expr:
    return (pl.col(column) * SCALE).round(0).cast(pl.Int64)


def _reaches(threshold: int, baseline: pl.Expr, current: pl.Expr) -> pl.Expr:
    # improvement >= T/100  <=>  100 (baseline - current) >= T baseline, in whole millionths
    return 100 * (baseline - current) >= threshold * baseline


#: A visit's place in an ordering key: (day or rank) * ROW_SPAN + its row in the table, so the
#: min or max over a patient's rows names one visit, the file order breaking a tie.
ROW_SPAN = 1 << 32
_NONE_LOW, _NONE_HIGH = np.iinfo(np.int64).min, np.iinfo(np.int64).max
PERSON_FIRST = ("site", "sex", "age_at_start", "phototype", "disease_years")


@dataclass(frozen=True)
class _Patients:
    """The visits with each patient's rows together (file order kept within a patient), and
    where each patient's rows start: per-patient figures are then reductions over slices."""

    rows: pl.DataFrame
    starts: np.ndarray[Any, np.dtype[np.int64]]

    @classmethod
    def of(cls, visits: pl.DataFrame) -> _Patients:
        rows = visits
        for _ in range(2):
            key = rows.get_column(KEY)
            starts = np.flatnonzero((key != key.shift(1)).fill_null(True).to_numpy())
            if key.gather(starts).is_unique().all():
                break
            rows = visits.sort(KEY, maintain_order=True)  # a patient's rows lay apart
        return cls(rows, starts.astype(np.int64))

    @property
    def counts(self) -> np.ndarray[Any, np.dtype[np.int64]]:
        return np.diff(np.append(self.starts, self.rows.height))

    def column(self, name: str) -> np.ndarray[Any, np.dtype[np.int64]]:
        return self.rows.get_column(name).fill_null(0).to_numpy().astype(np.int64)

    def given(self, name: str) -> np.ndarray[Any, np.dtype[np.bool_]]:
        return self.rows.get_column(name).is_not_null().to_numpy()

    def pick(
        self,
        where: np.ndarray[Any, np.dtype[np.bool_]],
        order: np.ndarray[Any, np.dtype[np.int64]],
        last: bool,
    ) -> np.ndarray[Any, np.dtype[np.int64]]:
        """Per patient, the row of the lowest (highest when ``last``) ``order`` among the rows
        ``where`` holds, the file order breaking a tie; -1 when there is none."""
        keyed = order * ROW_SPAN + np.arange(self.rows.height, dtype=np.int64)
        empty = _NONE_LOW if last else _NONE_HIGH
        reduce = np.maximum if last else np.minimum
        found = reduce.reduceat(np.where(where, keyed, empty), self.starts)
        return np.where(found == empty, -1, found % ROW_SPAN)


def _scores_at(
    scores: np.ndarray[Any, np.dtype[np.int64]], rows: np.ndarray[Any, np.dtype[np.int64]]
) -> pl.Series:
    """The scores of the chosen rows (-1: none, null)."""
    return pl.Series(np.where(rows < 0, 0, scores[rows]), dtype=pl.Int64).set(
        pl.Series(rows < 0), None
    )


def per_patient(visits: pl.DataFrame) -> pl.DataFrame:
    """One row per patient: characteristics, baselines, window scores (in millionths), the last
    day after start with an F-VASI and the first F-VASI75 day.

    Baseline: the last visit with day <= 0 that has the score (file order breaks a same-day
    tie). A week's visit: the one with the score closest to the target day within the window,
    the earlier of two equally close (then the first in the file). Computed as reductions over
    each patient's slice of rows (no group-by or join: the slowest part of the report before).
    """
    if visits.is_empty():
        return _per_patient_empty(visits)
    patients = _Patients.of(visits)
    rows, starts = patients.rows, patients.starts
    day = patients.column("day")
    columns: dict[str, Any] = {
        KEY: rows.get_column(KEY).gather(starts),
        **{name: rows.get_column(name).gather(starts) for name in PERSON_FIRST},
        "last_day": pl.Series(np.maximum.reduceat(day, starts), dtype=pl.Int64),
        "visits": pl.Series(patients.counts, dtype=pl.UInt32),
    }
    for instrument, code in INSTRUMENTS.items():
        given = patients.given(code)
        scores = rows.select(_scaled(code).fill_null(0)).to_series().to_numpy().astype(np.int64)
        baseline_rows = patients.pick(given & (day <= 0), day, last=True)
        columns[f"{instrument} baseline"] = _scores_at(scores, baseline_rows)
        for week, (first, last, target) in WINDOWS.items():
            # twice the distance, plus one after the target: the earlier of two equally close
            rank = 2 * np.abs(day - target) + (day > target)
            inside = given & (day >= first) & (day <= last)
            columns[f"{instrument} {week}"] = _scores_at(scores, patients.pick(inside, rank, False))
        if instrument == "F-VASI":
            columns.update(_first_response(patients, day, given, scores, baseline_rows))
    return pl.DataFrame(columns)


def _first_response(
    patients: _Patients,
    day: np.ndarray[Any, np.dtype[np.int64]],
    given: np.ndarray[Any, np.dtype[np.bool_]],
    scores: np.ndarray[Any, np.dtype[np.int64]],
    baseline_rows: np.ndarray[Any, np.dtype[np.int64]],
) -> dict[str, pl.Series]:
    """Per patient: the first day after start reaching F-VASI75, the last day after start with
    an F-VASI (null when none)."""
    after = given & (day > 0)
    baseline = np.repeat(np.where(baseline_rows < 0, 0, scores[baseline_rows]), patients.counts)
    has_baseline = np.repeat(baseline_rows >= 0, patients.counts)
    # improvement >= 75 %  <=>  100 (baseline - current) >= 75 baseline, in whole millionths
    reached = after & has_baseline & (100 * (baseline - scores) >= 75 * baseline)
    first = np.minimum.reduceat(np.where(reached, day, _NONE_HIGH), patients.starts)
    last = np.maximum.reduceat(np.where(after, day, _NONE_LOW), patients.starts)
    return {
        "last_after_start": pl.Series(last, dtype=pl.Int64).set(pl.Series(last == _NONE_LOW), None),
        "first_response": pl.Series(first, dtype=pl.Int64).set(
            pl.Series(first == _NONE_HIGH), None
        ),
    }


def _per_patient_empty(visits: pl.DataFrame) -> pl.DataFrame:
    parts = ("baseline", *WINDOWS)
    scores = [f"{instrument} {part}" for instrument in INSTRUMENTS for part in parts]
    return pl.DataFrame(
        schema={
            KEY: visits.schema[KEY],
            **{name: visits.schema[name] for name in PERSON_FIRST},
            "last_day": pl.Int64,
            "visits": pl.UInt32,
            **dict.fromkeys(scores, pl.Int64),
            "last_after_start": pl.Int64,
            "first_response": pl.Int64,
        }
    )


#: Per patient from the diary (weeks from start) and the dispensings (weeks, negative before start).
ADHERENCE_TOTALS = {
    "applications": pl.Int64,
    "days_recorded": pl.Int64,
    "diary_last_week": pl.Int64,
}
DISPENSED_TOTALS = {"grams": pl.Int64, "first_week": pl.Int64, "last_week": pl.Int64}


def adherence_totals(adherence: pl.DataFrame) -> pl.DataFrame:
    """Per patient: the applications and days recorded in the diary, and its last week."""
    return adherence.group_by(KEY).agg(
        pl.col("applications").sum().cast(pl.Int64),
        pl.col("days_recorded").sum().cast(pl.Int64),
        pl.col("week").max().cast(pl.Int64).alias("diary_last_week"),
    )


def dispensed_totals(dispensed: pl.DataFrame) -> pl.DataFrame:
    """Per patient: the grams dispensed, and the first and last week with a dispensing."""
    return dispensed.group_by(KEY).agg(
        pl.col("grams").sum().cast(pl.Int64),
        pl.col("week").min().cast(pl.Int64).alias("first_week"),
        pl.col("week").max().cast(pl.Int64).alias("last_week"),
    )


def per_patient_totals(tables: Tables) -> pl.DataFrame:
    """:func:`per_patient` with each patient's diary and dispensing totals (null when the patient
    has none; the columns are left out when the dataset has no such table)."""
    people = per_patient(tables.visits)
    for name, totals in (("adherence", adherence_totals), ("dispensed", dispensed_totals)):
        frame = tables.get(name)
        if frame is not None:
            people = people.join(totals(frame), on=KEY, how="left", maintain_order="left")
    return people


def evaluable(people: pl.DataFrame, instrument: str, week: int) -> pl.DataFrame:
    """The evaluable patients (baseline above 0, a visit in the window) with ``hit_T`` columns."""
    baseline, current = pl.col(f"{instrument} baseline"), pl.col(f"{instrument} {week}")
    return people.filter((baseline > 0) & current.is_not_null()).with_columns(
        _reaches(threshold, baseline, current).alias(f"hit_{threshold}")
        for threshold in (50, 75, 90)
    )


@dataclass(frozen=True)
class Response:
    instrument: str
    threshold: int
    week: int
    result: Proportion
    trials: tuple[TrialResult, ...] = ()


def responses(people: pl.DataFrame) -> list[Response]:
    rows = []
    for instrument, thresholds in THRESHOLDS.items():
        for week in WINDOWS:
            cohort = evaluable(people, instrument, week)
            for threshold in thresholds:
                hits = int(cohort.get_column(f"hit_{threshold}").sum())
                endpoint = f"{instrument}{threshold}"
                trials = results_for(endpoint=endpoint, week=week, arm=RUXOLITINIB_BID)
                rows.append(
                    Response(
                        instrument, threshold, week, Proportion.of(hits, cohort.height), trials
                    )
                )
    return rows


def time_to_events(people: pl.DataFrame) -> pl.DataFrame:
    """Per patient with an F-VASI baseline above 0 and an F-VASI after start: key, time, event."""
    return people.filter(
        (pl.col("F-VASI baseline") > 0) & pl.col("last_after_start").is_not_null()
    ).select(
        KEY,
        pl.coalesce("first_response", "last_after_start").alias("time"),
        pl.col("first_response").is_not_null().alias("event"),
    )


@dataclass(frozen=True)
class TimeToResponse:
    patients: int
    events: int
    curve: KaplanMeier
    cumulative: dict[int, float | None]
    median_days: int | None
    median_low: int | None
    median_high: int | None


def time_to_response(people: pl.DataFrame) -> TimeToResponse:
    data = time_to_events(people)
    times = data.get_column("time").to_numpy()
    events = data.get_column("event").to_numpy()
    curve = kaplan_meier(times, events)
    cumulative: dict[int, float | None] = {
        day: (1 - curve.survival_at(day)) if len(times) else None for day in (168, 364)
    }
    return TimeToResponse(
        patients=len(times),
        events=int(events.sum()),
        curve=curve,
        cumulative=cumulative,
        median_days=curve.first_day_at_or_below("survival", 0.5),
        # the band of the survival crosses one half: the earlier day from its lower edge
        median_low=curve.first_day_at_or_below("low", 0.5),
        median_high=curve.first_day_at_or_below("high", 0.5),
    )


# ---------------------------------------------------------------------------------------------
# Subgroups, Table 1, safety, use


def _band(column: str, edges: Sequence[tuple[int, int | None, str]]) -> pl.Expr:
    """Label a number by the first (low, high) band holding it; null: unknown."""
    expression: Any = pl.when(pl.col(column).is_null()).then(pl.lit("unknown"))
    for low, high, label in edges:
        inside = pl.col(column) >= low
        if high is not None:
            inside = inside & (pl.col(column) <= high)
        expression = expression.when(inside).then(pl.lit(label))
    result: pl.Expr = expression.otherwise(pl.lit("unknown"))
    return result


def characteristics(tables: Tables, people: pl.DataFrame) -> pl.DataFrame:
    """The per-patient rows with the labels the forest plot and Table 1 group by."""
    people = people.with_columns(
        pl.when(pl.col("phototype").is_null())
        .then(pl.lit("unknown"))
        .when(pl.col("phototype") <= 3)
        .then(pl.lit("I-III"))
        .otherwise(pl.lit("IV-VI"))
        .alias("phototype group"),
        pl.col("phototype")
        .replace_strict(PHOTOTYPE_NAMES, default="unknown", return_dtype=pl.String)
        .alias("phototype name"),
        _band("age_at_start", AGE_BANDS).alias("age band"),
        _band("disease_years", DURATION_BANDS).alias("disease duration"),
    )
    base = pl.col("F-VASI baseline")
    positive = people.filter(base > 0).get_column("F-VASI baseline")
    if positive.len():
        low, high = positive.quantile(1 / 3, "linear"), positive.quantile(2 / 3, "linear")
        tertile = (
            pl.when(base.is_null() | (base <= 0))
            .then(pl.lit("no baseline"))
            .when(base <= low)
            .then(pl.lit("lowest third"))
            .when(base <= high)
            .then(pl.lit("middle third"))
            .otherwise(pl.lit("highest third"))
        )
    else:
        tertile = pl.lit("no baseline")
    return people.with_columns(tertile.alias("baseline F-VASI"), _adherence_group(people))


def _adherence_group(people: pl.DataFrame) -> pl.Expr:
    """Applications recorded / (2 per recorded day): 80 % or more, or less; no diary days (or no
    diary table): "no diary"."""
    if "days_recorded" not in people.columns:
        return pl.lit("no diary").alias("adherence")
    days, applications = pl.col("days_recorded"), pl.col("applications")
    return (
        pl.when(days.is_null() | (days == 0))
        .then(pl.lit("no diary"))
        .when(100 * applications >= 80 * 2 * days)
        .then(pl.lit("80 % or more"))
        .otherwise(pl.lit("under 80 %"))
        .alias("adherence")
    )


SUBGROUPS = (
    ("phototype", "phototype group"),
    ("phototype", "phototype name"),
    ("age", "age band"),
    ("sex", "sex"),
    ("disease duration", "disease duration"),
    ("baseline F-VASI", "baseline F-VASI"),
    ("adherence", "adherence"),
)


@dataclass(frozen=True)
class Subgroup:
    group: str
    level: str
    result: Proportion


def subgroups(people: pl.DataFrame) -> list[Subgroup]:
    """Week-24 F-VASI75 in each subgroup (the forest plot's rows)."""
    cohort = evaluable(people, "F-VASI", 24)
    rows = []
    for group, column in SUBGROUPS:
        counts = (
            cohort.group_by(column)
            .agg(pl.len().alias("n"), pl.col("hit_75").sum().alias("k"))
            .sort(column)
        )
        for level, n, k in counts.iter_rows():
            rows.append(Subgroup(group, str(level), Proportion.of(int(k), int(n))))
    return rows


@dataclass(frozen=True)
class Count:
    characteristic: str
    level: str
    n: int | None
    percent: float | None = None
    median: float | None = None
    q1: float | None = None
    q3: float | None = None


def table_one(people: pl.DataFrame) -> list[Count]:
    """Baseline characteristics: counts with per cent, and medians with quartiles."""
    total = people.height
    rows = [Count("patients", "all", total)]
    for label, column in (
        ("site", "site"),
        ("sex", "sex"),
        ("phototype", "phototype name"),
        ("age", "age band"),
        ("disease duration", "disease duration"),
    ):
        for level, n in people.group_by(column).agg(pl.len()).sort(column).iter_rows():
            rows.append(Count(label, str(level), int(n), 100 * n / total if total else None))
    for label, column, scale in (
        ("age at start (years)", "age_at_start", 1),
        ("disease duration (years)", "disease_years", 1),
        ("baseline F-VASI", "F-VASI baseline", SCALE),
        ("baseline T-VASI", "T-VASI baseline", SCALE),
    ):
        values = people.get_column(column).drop_nulls()
        if values.len():
            summary = [float(values.quantile(q, "linear") or 0) / scale for q in (0.5, 0.25, 0.75)]
            rows.append(Count(label, "median (IQR)", values.len(), None, *summary))
    return rows


@dataclass(frozen=True)
class Incidence:
    term: str
    events: int
    patients: int
    rate: float | None  # per 100 patient-years
    ci_low: float | None
    ci_high: float | None


@dataclass(frozen=True)
class Safety:
    patient_years: float
    terms: tuple[Incidence, ...]
    serious: tuple[tuple[str, str, int], ...]  # (site, term, day)


def patient_years(tables: Tables, people: pl.DataFrame) -> float:
    """Follow-up from the patients table, else the last visit or event day after start."""
    patients = tables.get("patients")
    if patients is not None:
        days = patients.join(people.select(KEY), on=KEY, how="semi").get_column("followup_days")
        return float(days.sum()) / 365.25
    last = people.select(KEY, pl.col("last_day").alias("day"))
    events = tables.get("adverse_events")
    if events is not None:
        last = pl.concat([last, events.select(KEY, "day")]).group_by(KEY).agg(pl.col("day").max())
    return float(last.get_column("day").clip(lower_bound=0).sum()) / 365.25


def safety(tables: Tables, people: pl.DataFrame) -> Safety | None:
    events = tables.get("adverse_events")
    if events is None:
        return None
    events = events.join(people.select(KEY), on=KEY, how="semi")
    years = patient_years(tables, people)
    counts = (
        events.group_by("term")
        .agg(pl.len().alias("events"), pl.col(KEY).n_unique().alias("patients"))
        .sort(["events", "term"], descending=[True, False])
    )
    terms = []
    for term, k, patients in counts.iter_rows():
        low, high = exact_poisson(int(k))
        scale = 100 / years if years > 0 else None
        terms.append(
            Incidence(
                term,
                int(k),
                int(patients),
                None if scale is None else k * scale,
                None if scale is None else low * scale,
                None if scale is None else high * scale,
            )
        )
    serious = events.filter(pl.col("serious")).sort(["site", "day"])
    return Safety(
        years,
        tuple(terms),
        tuple(
            (site, term, int(day))
            for site, term, day in serious.select("site", "term", "day").iter_rows()
        ),
    )


@dataclass(frozen=True)
class Monitoring:
    """The monitoring the labels ask for, done in the cohort: TB screening (US label) and
    periodic skin examinations (EU label)."""

    patients: int
    tb_patients: int
    tb_screenings: int
    tb_positive: int
    skin_patients: int
    skin_exams: int
    skin_cancers: int


def monitoring(tables: Tables, people: pl.DataFrame) -> Monitoring | None:
    """How many of the cohort were screened and examined, and what was found."""
    rows = tables.get("screenings")
    if rows is None:
        return None
    rows = rows.join(people.select(KEY), on=KEY, how="semi")
    tb = rows.filter(pl.col("check") == "tb")
    skin = rows.filter(pl.col("check") == "skin")
    return Monitoring(
        patients=people.height,
        tb_patients=tb.select(KEY).unique().height,
        tb_screenings=tb.height,
        tb_positive=tb.filter(pl.col("result") == "positive").height,
        skin_patients=skin.select(KEY).unique().height,
        skin_exams=skin.height,
        skin_cancers=skin.filter(pl.col("result") == "skin_cancer").height,
    )


#: The label's weekly amounts: FDA 60 g a week; EU 200 g a month read over the longest month.
EU_GRAMS_PER_WEEK = float(EMA_MAX_GRAMS_PER_MONTH) * 7 / EMA_LONGEST_MONTH_DAYS
FDA_GRAMS_PER_WEEK = float(FDA_MAX_GRAMS_PER_WEEK_60G_TUBES)


@dataclass(frozen=True)
class Use:
    patients: int
    grams_per_week: tuple[float, float, float] | None  # median, q1, q3 over patients
    above_eu: int
    above_fda: int
    routes: tuple[tuple[str, int, float, float, float], ...]  # route, n, median, q1, q3


def use(tables: Tables, people: pl.DataFrame) -> Use | None:
    """Grams per week of each patient against the label, and approval time per access route.

    A patient's grams per week: everything dispensed, over the weeks from the first dispensing to
    the later of the last dispensing and the last visit (a tube lasts beyond its own week)."""
    dispensed = "grams" in people.columns
    authorisations = tables.get("authorisations")
    if not dispensed and authorisations is None:
        return None
    rates: list[float] = []
    if dispensed:
        spans = people.filter(pl.col("grams").is_not_null()).select(
            "grams",
            (
                pl.max_horizontal("last_week", pl.col("last_day") // 7) - pl.col("first_week") + 1
            ).alias("weeks"),
        )
        rates = [grams / weeks for grams, weeks in spans.iter_rows()]
    routes = []
    if authorisations is not None:
        for route, days in (
            authorisations.group_by("route")
            .agg(pl.col("days_to_approval"))
            .sort("route")
            .iter_rows()
        ):
            summary = quantiles(days)
            assert summary is not None
            routes.append((str(route), len(days), *summary))
    return Use(
        patients=len(rates),
        grams_per_week=quantiles(rates),
        above_eu=sum(rate > EU_GRAMS_PER_WEEK for rate in rates),
        above_fda=sum(rate > FDA_GRAMS_PER_WEEK for rate in rates),
        routes=tuple(routes),
    )


# ---------------------------------------------------------------------------------------------
# Filters and the report


@dataclass(frozen=True)
class Cohort:
    """Which patients the report covers (every field None: all)."""

    sites: tuple[str, ...] | None = None
    phototypes: tuple[int, ...] | None = None
    age_bands: tuple[str, ...] | None = None
    sexes: tuple[str, ...] | None = None

    def choose(self, people: pl.DataFrame) -> pl.DataFrame:
        keep = pl.lit(True)
        if self.sites is not None:
            keep = keep & pl.col("site").is_in(list(self.sites))
        if self.phototypes is not None:
            keep = keep & pl.col("phototype").is_in(list(self.phototypes))
        if self.age_bands is not None:
            keep = keep & _band("age_at_start", AGE_BANDS).is_in(list(self.age_bands))
        if self.sexes is not None:
            keep = keep & pl.col("sex").is_in(list(self.sexes))
        return people.filter(keep)


@dataclass(frozen=True)
class Report:
    patients: int
    visits: int
    sites: tuple[str, ...]
    responses: tuple[Response, ...]
    time: TimeToResponse
    subgroups: tuple[Subgroup, ...]
    table_one: tuple[Count, ...]
    safety: Safety | None
    use: Use | None
    monitoring: Monitoring | None = None


def report(
    tables: Tables, cohort: Cohort | None = None, people: pl.DataFrame | None = None
) -> Report:
    """Every figure of the analyst's page for the patients ``cohort`` chooses.

    ``people``: the rows :func:`per_patient_totals` makes of these tables, when they were
    computed already (the live registry keeps them per patient); ``tables.visits`` is then unused.
    """
    people = per_patient_totals(tables) if people is None else people
    if cohort is not None:
        people = cohort.choose(people)
        tables = Tables(
            visits=tables.visits,  # read only through people from here on
            others={
                name: frame.join(people.select(KEY), on=KEY, how="semi")
                for name, frame in tables.others.items()
            },
        )
    people = characteristics(tables, people)
    return Report(
        patients=people.height,
        visits=int(people.get_column("visits").sum()),
        sites=tuple(sorted(people.get_column("site").unique().to_list())),
        responses=tuple(responses(people)),
        time=time_to_response(people),
        subgroups=tuple(subgroups(people)),
        table_one=tuple(table_one(people)),
        safety=safety(tables, people),
        use=use(tables, people),
        monitoring=monitoring(tables, people),
    )


# ---------------------------------------------------------------------------------------------
# Small cells and JSON

SUPPRESSED_NOTE = f"fewer than {SMALL_CELL} patients: not shown"


def small(count: int | None) -> bool:
    """A cell of 1 to 4 patients: shown, it could point to a person."""
    return count is not None and 0 < count < SMALL_CELL


def _proportion_json(result: Proportion, suppress: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "evaluable": result.evaluable,
        "responders": result.responders,
        "proportion": result.proportion,
        "ci_low": result.ci_low,
        "ci_high": result.ci_high,
    }
    non_responders = result.evaluable - result.responders
    if suppress and (small(result.evaluable) or small(result.responders) or small(non_responders)):
        hidden = dict.fromkeys(body)
        if result.evaluable >= SMALL_CELL:
            hidden["evaluable"] = result.evaluable
        return {**hidden, "suppressed": True}
    return {**body, "suppressed": False}


def _trial_json(trial: TrialResult) -> dict[str, Any]:
    return {
        "trial": trial.trial,
        "arm": trial.arm,
        "percent": float(trial.value_percent),
        "reference": trial.reference,
        "note": trial.note,
    }


def as_json(result: Report, *, suppress: bool = False) -> dict[str, Any]:
    """The report as JSON (fractions, not per cent); ``suppress`` hides cells of 1-4 patients."""
    time = result.time
    hide_time = suppress and (small(time.patients) or small(time.events))
    return {
        "patients": result.patients,
        "visits": result.visits,
        "sites": list(result.sites),
        "suppression": {"applied": suppress, "below": SMALL_CELL, "note": SUPPRESSED_NOTE},
        "responses": [
            {
                "instrument": row.instrument,
                "threshold": row.threshold,
                "week": row.week,
                **_proportion_json(row.result, suppress),
                "trials": [_trial_json(trial) for trial in row.trials],
            }
            for row in result.responses
        ],
        "time_to_response": {
            "patients": time.patients,
            "events": None if hide_time else time.events,
            "cumulative": {
                str(day): None if hide_time else value for day, value in time.cumulative.items()
            },
            "median_days": None if hide_time else time.median_days,
            "median_ci": None if hide_time else [time.median_low, time.median_high],
            "curve": []
            if hide_time
            else [
                {
                    "day": s.day,
                    "at_risk": s.at_risk,
                    "events": s.events,
                    "cumulative": 1 - s.survival,
                    "ci_low": 1 - s.high,
                    "ci_high": 1 - s.low,
                }
                for s in time.curve.steps
            ],
            "suppressed": hide_time,
        },
        "subgroups": [
            {"group": row.group, "level": row.level, **_proportion_json(row.result, suppress)}
            for row in result.subgroups
        ],
        "table_one": [_count_json(row, suppress) for row in result.table_one],
        "safety": None if result.safety is None else _safety_json(result.safety, suppress),
        "use": None if result.use is None else _use_json(result.use, suppress),
        "monitoring": None
        if result.monitoring is None
        else _monitoring_json(result.monitoring, suppress),
    }


def _monitoring_json(result: Monitoring, suppress: bool) -> dict[str, Any]:
    def counted(n: int) -> int | None:
        return None if suppress and small(n) else n

    return {
        "patients": counted(result.patients),
        "tb_screened_patients": counted(result.tb_patients),
        "tb_screenings": counted(result.tb_screenings),
        "tb_positive": counted(result.tb_positive),
        "skin_examined_patients": counted(result.skin_patients),
        "skin_examinations": counted(result.skin_exams),
        "skin_cancers_found": counted(result.skin_cancers),
    }


def _count_json(row: Count, suppress: bool) -> dict[str, Any]:
    hide = suppress and small(row.n)
    return {
        "characteristic": row.characteristic,
        "level": row.level,
        "n": None if hide else row.n,
        "percent": None if hide else row.percent,
        "median": None if hide else row.median,
        "q1": None if hide else row.q1,
        "q3": None if hide else row.q3,
        "suppressed": hide,
    }


def _safety_json(result: Safety, suppress: bool) -> dict[str, Any]:
    terms = []
    for row in result.terms:
        hide = suppress and small(row.patients)
        terms.append(
            {
                "term": row.term,
                "events": None if hide else row.events,
                "patients": None if hide else row.patients,
                "rate_per_100_patient_years": None if hide else row.rate,
                "ci_low": None if hide else row.ci_low,
                "ci_high": None if hide else row.ci_high,
                "suppressed": hide,
            }
        )
    serious: list[dict[str, Any]] | None = [
        {"site": site, "term": term, "day": day} for site, term, day in result.serious
    ]
    if suppress:
        serious = None  # single events point to people: counted, not listed
    return {
        "patient_years": result.patient_years,
        "terms": terms,
        "serious_events": len(result.serious)
        if not (suppress and small(len(result.serious)))
        else None,
        "serious": serious,
    }


def _use_json(result: Use, suppress: bool) -> dict[str, Any]:
    def counted(n: int) -> int | None:
        return None if suppress and small(n) else n

    return {
        "patients": counted(result.patients),
        "grams_per_week": None
        if result.grams_per_week is None or (suppress and small(result.patients))
        else dict(zip(("median", "q1", "q3"), result.grams_per_week, strict=True)),
        "limits": {
            "eu_grams_per_week": EU_GRAMS_PER_WEEK,
            "fda_grams_per_week": FDA_GRAMS_PER_WEEK,
        },
        "above_eu": counted(result.above_eu),
        "above_fda": counted(result.above_fda),
        "routes": [
            {"route": route, "applications": counted(n)}
            | ({} if suppress and small(n) else {"median_days": m, "q1": q1, "q3": q3})
            for route, n, m, q1, q3 in result.routes
        ],
    }


def tables_from_frames(found: dict[str, pl.DataFrame]) -> Tables:
    """Tables from frames already typed (the live database's dataset), checked like a file."""
    frames = {}
    for table, columns in SCHEMAS.items():
        schema = {column.name: column.kind for column in columns}
        frame = found.get(table)
        if frame is None:
            frame = pl.DataFrame(schema=schema)
        frames[table] = frames_checked(frame.select(list(schema)).cast(schema), table, table)  # type: ignore[arg-type]
    visits = frames.pop("visits")
    return Tables(visits=visits, others=frames)


def tables_from_rows(rows: dict[str, list[dict[str, Any]]]) -> Tables:
    """Tables from rows already typed (the live database's dataset), checked like a file."""
    frames = {}
    for table, columns in SCHEMAS.items():
        schema = {column.name: column.kind for column in columns}
        found = rows.get(table, [])
        frame = pl.DataFrame({name: [row[name] for row in found] for name in schema}, schema=schema)
        frames[table] = frames_checked(frame, table, table)
    visits = frames.pop("visits")
    return Tables(visits=visits, others=frames)
