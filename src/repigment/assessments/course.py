"""A patient's course: scores by week, improvement from their own baseline, the thresholds
reached, and what the TRuE-V trials observed in groups of patients at the weeks they assessed.

The trial figures are shares of trial participants; they are shown beside the patient's
course for orientation and are never turned into a statement about this patient.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from repigment.assessments.models import Instrument, Visit
from repigment.assessments.services import course_start
from repigment.clinical.course import score_at_threshold, study_week
from repigment.clinical.references import Reference, get_reference
from repigment.clinical.response import Direction, ResponseResult, classify_response, direction
from repigment.clinical.trials import (
    RUXOLITINIB_BID,
    TRIAL_RESULTS,
    TRUE_V1,
    TRUE_V2,
    TRUE_V_POOLED,
    VEHICLE,
    TrialResult,
)
from repigment.patients.models import Patient

#: The responses shown for each instrument: those the TRuE-V trials reported.
SHOWN_THRESHOLDS: dict[str, tuple[int, ...]] = {
    Instrument.FVASI: (50, 75, 90),
    Instrument.TVASI: (50, 75),
}
TRUE_V_TRIALS = (TRUE_V1, TRUE_V2, TRUE_V_POOLED)
#: The Swiss product information gives the pooled TRuE-V population (81.9 % White, 4.7 % Black).
TRUE_V_POPULATION_REFERENCE = "oddb-ch-effects"


@dataclass(frozen=True)
class CoursePoint:
    visit: Visit
    week: int
    fvasi: Decimal | None
    tvasi: Decimal | None
    fvasi_response: ResponseResult | None
    tvasi_response: ResponseResult | None

    def score(self, instrument: str) -> Decimal | None:
        return self.fvasi if instrument == Instrument.FVASI else self.tvasi

    def response(self, instrument: str) -> ResponseResult | None:
        return self.fvasi_response if instrument == Instrument.FVASI else self.tvasi_response

    def reached(self) -> list[str]:
        """The responses this visit reached, e.g. ["F-VASI50", "F-VASI75", "T-VASI50"]."""
        names = []
        for instrument, levels in SHOWN_THRESHOLDS.items():
            result = self.response(instrument)
            if result is not None:
                names += [
                    f"{instrument}{n}" for n in levels if result.responses[f"{instrument}{n}"]
                ]
        return names


@dataclass(frozen=True)
class TrialFigure:
    result: TrialResult
    vehicle: TrialResult | None
    reference: Reference


@dataclass(frozen=True)
class Progress:
    instrument: str  # "F-VASI" (face) or "T-VASI" (whole body)
    direction: Direction  # "better", "same" or "worse" since the first scored visit
    reached: int | None  # the highest of 50/75/90 % improvement reached, if any

    @property
    def face(self) -> bool:
        return self.instrument == Instrument.FVASI


@dataclass(frozen=True)
class Course:
    patient: Patient
    points: list[CoursePoint]
    start: date | None
    start_source: str  # "treatment" or "baseline"
    baselines: dict[str, CoursePoint | None]
    trial_figures: list[TrialFigure]

    @property
    def latest(self) -> CoursePoint | None:
        return self.points[-1] if self.points else None

    def baseline_score(self, instrument: str) -> Decimal | None:
        point = self.baselines.get(instrument)
        return point.score(instrument) if point else None

    def threshold_lines(self, instrument: str) -> list[tuple[str, Decimal]]:
        """(name, score) for each shown threshold, from this patient's own baseline."""
        baseline = self.baseline_score(instrument)
        if baseline is None or baseline <= 0:
            return []
        return [
            (f"{instrument}{level}", score_at_threshold(baseline, level))
            for level in SHOWN_THRESHOLDS[instrument]
        ]

    def trial_weeks(self) -> list[int]:
        return sorted({figure.result.week for figure in self.trial_figures})

    @property
    def nearest_trial_week(self) -> int | None:
        """The trial assessment week closest to the latest visit (for highlighting only)."""
        weeks = self.trial_weeks()
        if not weeks or self.latest is None:
            return None
        latest = self.latest.week
        return min(weeks, key=lambda week: (abs(week - latest), week))

    @property
    def progress(self) -> Progress | None:
        """How the treated skin has moved since the first scored visit, for the patient: the
        face score when there is one (the cream's main use), else the whole-body score."""
        latest = self.latest
        if latest is None:
            return None
        for instrument in (Instrument.FVASI, Instrument.TVASI):
            result = latest.response(instrument)
            if result is not None and self.baselines.get(instrument) is not latest:
                reached = [level for level in SHOWN_THRESHOLDS[instrument] if result.responses[
                    f"{instrument}{level}"]]  # fmt: skip
                return Progress(instrument, direction(result), max(reached, default=None))
        return None

    @property
    def population_reference(self) -> Reference:
        """Who the TRuE-V participants were (pooled baseline characteristics)."""
        return get_reference(TRUE_V_POPULATION_REFERENCE)


def build_course(patient: Patient) -> Course:
    visits = list(patient.visits.order_by("visit_date").select_related("assessor"))
    start, source = course_start(patient)
    baselines = {
        instrument: next((v for v in visits if v.score(instrument) is not None), None)
        for instrument in Instrument.values
    }
    points = [_point(visit, start, baselines) for visit in visits]
    baseline_points = {
        instrument: next((p for p in points if p.visit == visit), None) if visit else None
        for instrument, visit in baselines.items()
    }
    return Course(patient, points, start, source, baseline_points, trial_figures())


def _point(visit: Visit, start: date | None, baselines: dict[str, Visit | None]) -> CoursePoint:
    week = study_week(start, visit.visit_date) if start else 0
    responses = {
        instrument: _response(instrument, baselines[instrument], visit)
        for instrument in Instrument.values
    }
    return CoursePoint(
        visit,
        week,
        visit.fvasi_total,
        visit.tvasi_total,
        responses[Instrument.FVASI],
        responses[Instrument.TVASI],
    )


def _response(instrument: str, baseline: Visit | None, visit: Visit) -> ResponseResult | None:
    """Improvement from the baseline visit; none at the baseline itself or from a score of 0."""
    if baseline is None or baseline.pk == visit.pk or baseline.visit_date > visit.visit_date:
        return None
    before, now = baseline.score(instrument), visit.score(instrument)
    if before is None or now is None or before <= 0:
        return None
    return classify_response(instrument, Decimal(before), Decimal(now))


def trial_figures() -> list[TrialFigure]:
    """TRuE-V response rates with ruxolitinib twice daily, each with its vehicle arm if given."""
    figures = []
    for row in TRIAL_RESULTS:
        if row.trial not in TRUE_V_TRIALS or row.arm != RUXOLITINIB_BID:
            continue
        vehicle = next(
            (
                other
                for other in TRIAL_RESULTS
                if (other.trial, other.endpoint, other.week) == (row.trial, row.endpoint, row.week)
                and other.arm == VEHICLE
            ),
            None,
        )
        figures.append(TrialFigure(row, vehicle, get_reference(row.reference)))
    return sorted(figures, key=lambda f: (f.result.week, f.result.endpoint, f.result.trial))
