"""Adherence by week as a small SVG bar chart, drawn on the server like the course chart."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from repigment.treatment.adherence import AdherenceWeek, overall_percent

WIDTH, HEIGHT = 640, 170
LEFT, RIGHT, TOP, BOTTOM = 52, 92, 20, 36
INK, MUTED, GRID = "#1b1b1b", "#4a4a4a", "#e3ddd5"
GOOD, FAIR, POOR = "#1d6b35", "#8a5a00", "#a4161a"


def _colour(percent: int) -> str:
    return GOOD if percent >= 80 else FAIR if percent >= 50 else POOR


def adherence_svg(weeks: list[AdherenceWeek], id_prefix: str = "adherence") -> SafeString:
    """One bar per treatment week (height = % of expected applications recorded)."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(weeks), 1)
    parts = [_axes(plot_w, plot_h)]
    for index, week in enumerate(weeks):
        percent = week.percent
        if percent is None:
            continue
        height = plot_h * min(percent, 100) / 100
        x = LEFT + index * step + step * 0.15
        label = _("Week %(week)s: %(percent)s %% (%(days)s of %(expected)s days recorded)") % {
            "week": week.week,
            "percent": percent,
            "days": week.recorded_days,
            "expected": week.expected_days,
        }
        parts.append(
            f'<rect x="{x:.1f}" y="{TOP + plot_h - height:.1f}" width="{step * 0.7:.1f}" '
            f'height="{height:.1f}" fill="{_colour(percent)}"><title>{escape(label)}</title></rect>'
        )
    parts += _week_labels(weeks, step)
    title = _("Adherence by week of treatment")
    total = overall_percent(weeks)
    desc = (
        _("Applications recorded as a share of twice daily, over %(n)s weeks: %(p)s %%.")
        % {"n": len(weeks), "p": total}
        if total is not None
        else _("No treatment days yet.")
    )
    return mark_safe(  # every piece of text in it went through escape()
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'role="img" aria-labelledby="{id_prefix}-title {id_prefix}-desc" '
        f'font-family="system-ui, sans-serif" font-size="12">'
        f'<title id="{id_prefix}-title">{escape(title)}</title>'
        f'<desc id="{id_prefix}-desc">{escape(desc)}</desc>{"".join(parts)}</svg>'
    )


def _axes(plot_w: float, plot_h: float) -> str:
    lines = []
    for percent in (0, 50, 80, 100):
        y = TOP + plot_h * (1 - percent / 100)
        lines.append(
            f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">'
            f"{percent} %</text>"
        )
    axis = escape(_("week"))
    lines.append(
        f'<text x="{WIDTH - 8}" y="{TOP + plot_h + 16}" text-anchor="end" '
        f'fill="{MUTED}">{axis}</text>'
    )
    return "".join(lines)


def _week_labels(weeks: list[AdherenceWeek], step: float) -> list[str]:
    every = max(1, round(len(weeks) / 12))
    return [
        f'<text x="{LEFT + index * step + step / 2:.1f}" y="{HEIGHT - BOTTOM + 16}" '
        f'text-anchor="middle" fill="{INK}">{week.week}</text>'
        for index, week in enumerate(weeks)
        if index % every == 0 or index == len(weeks) - 1
    ]
