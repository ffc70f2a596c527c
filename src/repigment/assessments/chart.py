"""The course chart as plain SVG, drawn on the server so that it also goes into PDF reports.

One panel per instrument: the patient's scores by week (lower is better), dashed lines at the
scores that would mean 50/75/90 % improvement from their own baseline, and dotted markers at
the weeks at which the TRuE-V trials assessed response. Styling is inline (no stylesheet),
text uses the system font, and every point carries a <title> for screen readers and hovering.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from repigment.assessments.course import Course, CoursePoint
from repigment.assessments.models import Instrument
from repigment.assessments.services import plain

WIDTH = 420
PANEL_HEIGHT = 210
LEFT, RIGHT, TOP, BOTTOM = 40, 70, 32, 38
INK, MUTED, GRID = "#1b1b1b", "#4a4a4a", "#e3ddd5"
LINE = {Instrument.FVASI: "#6b3f22", Instrument.TVASI: "#0b4f8a"}
THRESHOLD, TRIAL = "#1d6b35", "#8a5a00"
NICE_STEPS = (0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10, 20, 25)
MIN_TOP = {Instrument.FVASI: 0.5, Instrument.TVASI: 2.0}


@dataclass(frozen=True)
class Scale:
    start: float
    end: float
    low: float
    high: float

    def x(self, week: float) -> float:
        span = self.end - self.start or 1
        return LEFT + (week - self.start) / span * (WIDTH - LEFT - RIGHT)

    def y(self, value: float) -> float:
        span = self.high - self.low or 1
        return TOP + (1 - (value - self.low) / span) * (PANEL_HEIGHT - TOP - BOTTOM)


def course_svg(course: Course, id_prefix: str = "course") -> SafeString:
    """Both panels in one <svg>, with a title and a one-sentence description per panel."""
    panels = [
        _panel(course, instrument, index)
        for index, instrument in enumerate((Instrument.FVASI, Instrument.TVASI))
    ]
    height = PANEL_HEIGHT * len(panels)
    title = _("F-VASI and T-VASI by week of treatment")
    desc = " ".join(_describe(course, instrument) for instrument in Instrument.values)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-labelledby="{id_prefix}-title {id_prefix}-desc" '
        f'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" font-size="12" '
        f'class="course-chart">'
        f'<title id="{id_prefix}-title">{escape(title)}</title>'
        f'<desc id="{id_prefix}-desc">{escape(desc)}</desc>{"".join(panels)}</svg>'
    )
    return mark_safe(svg)  # every piece of text in it went through escape()


def _panel(course: Course, instrument: str, index: int) -> str:
    points = [
        (p.week, float(p.score(instrument)))
        for p in course.points
        if p.score(instrument) is not None
    ]
    scale = _scale(course, instrument, points)
    parts = [f'<g transform="translate(0 {index * PANEL_HEIGHT})">', _heading(instrument)]
    parts += _axes(scale, course)
    parts += _thresholds(course, instrument, scale)
    if points:
        parts += _line(course, instrument, scale)
    else:
        parts.append(
            _text(
                WIDTH / 2,
                TOP + 60,
                _("No %(instrument)s scores yet.") % {"instrument": instrument},
                anchor="middle",
                fill=MUTED,
            )
        )
    parts.append("</g>")
    return "".join(parts)


def _heading(instrument: str) -> str:
    label = _("%(instrument)s — lower is better") % {"instrument": instrument}
    return _text(LEFT, 18, label, weight="bold", fill=INK, size=13)


def _scale(course: Course, instrument: str, points: list[tuple[int, float]]) -> Scale:
    weeks = [w for w, _v in points] + [0, *course.trial_weeks()]
    start = min(weeks)
    end = max(max(weeks) + 4, 56)
    values = [v for _w, v in points] + [MIN_TOP[instrument]]
    return Scale(float(start), float(end), 0.0, _nice_top(max(values) * 1.1))


def _nice_top(value: float) -> float:
    for step in NICE_STEPS:
        if value / step <= 5:
            return step * math.ceil(value / step - 1e-9)
    return 50 * math.ceil(value / 50)


def _ticks(high: float) -> list[float]:
    step = next((s for s in NICE_STEPS if high / s <= 5), 50.0)
    count = round(high / step)
    return [round(step * i, 6) for i in range(count + 1)]


def _axes(scale: Scale, course: Course) -> list[str]:
    left, right = LEFT, WIDTH - RIGHT
    bottom = PANEL_HEIGHT - BOTTOM
    parts = [
        f'<rect x="{left}" y="{TOP}" width="{right - left}" height="{bottom - TOP}" '
        f'fill="#fff" stroke="{GRID}"/>'
    ]
    for value in _ticks(scale.high):
        y = scale.y(value)
        parts.append(f'<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        parts.append(_text(left - 6, y + 4, _number(value), anchor="end", fill=MUTED))
    first = int(math.ceil(scale.start / 12) * 12)
    for week in range(first, int(scale.end) + 1, 12):
        x = scale.x(week)
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{bottom}" stroke="{GRID}"/>')
        parts.append(_text(x, bottom + 16, str(week), anchor="middle", fill=MUTED))
    parts.append(_text((left + right) / 2, bottom + 32, _("week"), anchor="middle", fill=MUTED))
    for week in course.trial_weeks():
        x = scale.x(week)
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{bottom}" '
            f'stroke="{TRIAL}" stroke-dasharray="2 3"/>'
        )
        label = _("TRuE-V week %(week)s") % {"week": week}
        parts.append(_text(x, TOP - 4, label, anchor="middle", fill=TRIAL, size=11))
    return parts


def _thresholds(course: Course, instrument: str, scale: Scale) -> list[str]:
    parts = []
    for name, value in course.threshold_lines(instrument):
        y = scale.y(float(value))
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{THRESHOLD}" stroke-dasharray="6 4"/>'
        )
        parts.append(_text(WIDTH - RIGHT + 4, y + 4, name, fill=THRESHOLD, size=11))
    return parts


def _line(course: Course, instrument: str, scale: Scale) -> list[str]:
    colour = LINE[instrument]
    coords = []
    dots = []
    for point in course.points:
        score = point.score(instrument)
        if score is None:
            continue
        x, y = scale.x(point.week), scale.y(float(score))
        coords.append(f"{x:.1f},{y:.1f}")
        dots.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{colour}" stroke="#fff">'
            f"<title>{escape(_point_title(point, instrument, score))}</title></circle>"
        )
    line = (
        f'<polyline points="{" ".join(coords)}" fill="none" stroke="{colour}" '
        f'stroke-width="2.5" stroke-linejoin="round"/>'
    )
    return [line, *dots]


def _point_title(point: CoursePoint, instrument: str, score: Decimal) -> str:
    week = point.week
    response = point.response(instrument)
    text = _("Week %(week)s: %(instrument)s %(score)s") % {
        "week": week,
        "instrument": instrument,
        "score": plain(score),
    }
    if response is not None:
        text += " " + _("(%(change)s %% better than baseline)") % {
            "change": plain(response.percent_improvement_rounded)
        }
    return text


def _describe(course: Course, instrument: str) -> str:
    scored = [p for p in course.points if p.score(instrument) is not None]
    if not scored:
        return _("No %(instrument)s scores yet.") % {"instrument": instrument}
    first, last = scored[0], scored[-1]
    text = _("%(instrument)s was %(first)s at week %(w1)s and %(last)s at week %(w2)s.") % {
        "instrument": instrument,
        "first": plain(first.score(instrument)),
        "w1": first.week,
        "last": plain(last.score(instrument)),
        "w2": last.week,
    }
    return text


def _number(value: float) -> str:
    return plain(Decimal(str(value))) or "0"


def _text(
    x: float,
    y: float,
    text: str,
    *,
    anchor: str = "start",
    fill: str = INK,
    size: int = 12,
    weight: str = "normal",
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}" '
        f'font-size="{size}" font-weight="{weight}">{escape(text)}</text>'
    )
