"""The report's two figures as SVG (matplotlib, no JavaScript): the Kaplan-Meier curve of the
cumulative F-VASI75 response and the forest plot of week-24 F-VASI75 by subgroup."""

from __future__ import annotations

import base64
import io
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure

from repigment.registry.analysis import SUPPRESSED_NOTE

KM_TITLE = "Time to F-VASI75"
FOREST_TITLE = "Week-24 F-VASI75 by subgroup"


def data_uris(body: dict[str, Any]) -> dict[str, str]:
    """Both figures of this report as ``data:`` URIs (``km_src``, ``forest_src``) for a page or
    PDF that shows them: drawn from the report at hand, not computed again for each image."""
    return {
        "km_src": _data_uri(km_svg(body, KM_TITLE)),
        "forest_src": _data_uri(forest_svg(body, FOREST_TITLE)),
    }


def _data_uri(svg: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()


def _svg(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    # text as text, not each glyph drawn as a path: a fraction of the bytes and of the time,
    # and words a screen reader or a search can read
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    return buffer.getvalue()


def _empty(figure: Figure, text: str) -> None:
    axes = figure.add_subplot()
    axes.axis("off")
    axes.text(0.5, 0.5, text, ha="center", va="center")


def km_svg(body: dict[str, Any], title: str) -> bytes:
    """Cumulative response (1 - S) with its 95 % band, days on the x axis."""
    figure = Figure(figsize=(6.4, 3.6))
    time = body["time_to_response"]
    if time["suppressed"] or not time["curve"]:
        _empty(figure, SUPPRESSED_NOTE if time["suppressed"] else "no patients")
        return _svg(figure)
    axes = figure.add_subplot()
    days = [0] + [step["day"] for step in time["curve"]]
    cumulative = [0.0] + [100 * step["cumulative"] for step in time["curve"]]
    low = [0.0] + [100 * step["ci_low"] for step in time["curve"]]
    high = [0.0] + [100 * step["ci_high"] for step in time["curve"]]
    axes.step(days, cumulative, where="post", color="#1d5e8c", label="cumulative F-VASI75")
    axes.fill_between(days, low, high, step="post", color="#1d5e8c", alpha=0.15, label="95 % CI")
    for day in (168, 364):
        axes.axvline(day, color="#888888", linewidth=0.8, linestyle=":")
    axes.set_xlabel("days from treatment start")
    axes.set_ylabel("% reaching F-VASI75")
    axes.set_ylim(0, 100)
    axes.set_xlim(left=0)
    axes.set_title(title, fontsize=10)
    axes.legend(loc="upper left", fontsize=8)
    return _svg(figure)


def forest_svg(body: dict[str, Any], title: str) -> bytes:
    """One row per subgroup: the week-24 F-VASI75 proportion and its Wilson interval."""
    rows = [row for row in body["subgroups"] if row["proportion"] is not None]
    hidden = len(body["subgroups"]) - len(rows)
    figure = Figure(figsize=(6.4, 0.9 + 0.28 * max(1, len(rows))))
    if not rows:
        _empty(figure, SUPPRESSED_NOTE if hidden else "no evaluable patients")
        return _svg(figure)
    axes = figure.add_subplot()
    positions = list(range(len(rows)))[::-1]
    for y, row in zip(positions, rows, strict=True):
        axes.plot([100 * row["ci_low"], 100 * row["ci_high"]], [y, y], color="#1d5e8c")
        axes.plot([100 * row["proportion"]], [y], "s", color="#1d5e8c", markersize=4)
    axes.set_yticks(positions)
    axes.set_yticklabels(
        [f"{row['group']}: {row['level']} (n {row['evaluable']})" for row in rows], fontsize=8
    )
    axes.set_xlim(0, 100)
    axes.set_xlabel("% F-VASI75 at week 24 (95 % CI)")
    overall = next(
        (
            r
            for r in body["responses"]
            if (r["instrument"], r["threshold"], r["week"]) == ("F-VASI", 75, 24)
        ),
        None,
    )
    if overall and overall["proportion"] is not None:
        axes.axvline(100 * overall["proportion"], color="#888888", linewidth=0.8, linestyle=":")
    axes.set_title(
        title + (f" ({hidden} subgroups: {SUPPRESSED_NOTE})" if hidden else ""), fontsize=10
    )
    return _svg(figure)
