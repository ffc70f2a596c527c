"""Trial results as tables and the expectation tool's answer, rendered for one page.

Rows come straight from ``repigment.clinical.trials``; arms become columns, and each stored
note becomes a lettered footnote. Every row, cell note and answer line carries the
references it rests on, numbered by the page's ``Citations``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from repigment.clinical.response import RESPONSE_THRESHOLDS
from repigment.clinical.trials import TrialResult
from repigment.knowledge.content import (
    Citations,
    Fact,
    Literal,
    Number,
    Percent,
    RenderedFact,
    fact,
    plain_number,
    render_fact,
)
from repigment.knowledge.expectation import Expectation, Share
from repigment.knowledge.vocabulary import localise

LETTERS = "abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class Cell:
    value: str
    note: str  # footnote letter, or ""


@dataclass(frozen=True)
class Row:
    trial: str
    endpoint: str
    cells: list[Cell | None]
    refs: str
    cites: SafeString


@dataclass(frozen=True)
class Note:
    letter: str
    text: str
    refs: str
    cites: SafeString


@dataclass(frozen=True)
class ResultTable:
    anchor: str
    caption: RenderedFact
    columns: list[str]
    rows: list[Row]
    notes: list[Note]


def result_table(
    caption: Fact, results: Iterable[TrialResult], citations: Citations
) -> ResultTable:
    results = tuple(results)
    rendered_caption = render_fact(caption, citations)
    arms = list(dict.fromkeys(r.arm for r in results))
    groups: dict[tuple[str, str], dict[str, TrialResult]] = {}
    for r in results:
        groups.setdefault((r.trial, r.endpoint), {})[r.arm] = r
    letters: dict[str, str] = {}
    notes: list[Note] = []
    rows = []
    for (trial, endpoint), by_arm in groups.items():
        cells: list[Cell | None] = []
        for arm in arms:
            r = by_arm.get(arm)
            if r is None:
                cells.append(None)
                continue
            letter = ""
            if r.note:
                if r.note not in letters:
                    letters[r.note] = LETTERS[len(letters)]
                    notes.append(
                        Note(
                            letters[r.note],
                            localise(r.note),
                            r.reference,
                            citations.marks([r.reference]),
                        )
                    )
                letter = letters[r.note]
            cells.append(Cell(Percent(r.value_percent).text(), letter))
        refs = sorted({r.reference for r in by_arm.values()})
        rows.append(
            Row(localise(trial), localise(endpoint), cells, " ".join(refs), citations.marks(refs))
        )
    return ResultTable(
        caption.key.rsplit(".", 1)[-1].replace("_", "-"),
        rendered_caption,
        [localise(arm) for arm in arms],
        rows,
        notes,
    )


# --- the expectation tool -------------------------------------------------------------------

_DEFINITION_REFS = ("physiciansweekly-fda-approval-2022",)
THRESHOLD_WORDS = {
    "F-VASI50": gettext_lazy("F-VASI50: face score at least %(percent)s better"),
    "F-VASI75": gettext_lazy("F-VASI75: face score at least %(percent)s better"),
    "F-VASI90": gettext_lazy("F-VASI90: face score at least %(percent)s better"),
}


@dataclass(frozen=True)
class ShareLines:
    heading: RenderedFact
    lines: list[RenderedFact]


def _threshold_heading(endpoint: str) -> Fact:
    percent = dict(zip(("F-VASI50", "F-VASI75", "F-VASI90"), RESPONSE_THRESHOLDS, strict=True))
    return fact(
        f"tool.threshold.{endpoint}",
        THRESHOLD_WORDS[endpoint],
        _DEFINITION_REFS,
        percent=Percent(Decimal(percent[endpoint])),
    )


def _share_line(result: TrialResult, vehicle: TrialResult | None) -> Fact:
    trial = Literal(localise(result.trial))
    if vehicle is None:
        return fact(
            "tool.share",
            gettext_lazy("%(trial)s: %(cream)s of patients on the cream"),
            (result.reference,),
            trial=trial,
            cream=Percent(result.value_percent),
        )
    return fact(
        "tool.share_with_vehicle",
        gettext_lazy("%(trial)s: %(cream)s of patients on the cream, %(vehicle)s on the vehicle"),
        tuple(sorted({result.reference, vehicle.reference})),
        trial=trial,
        cream=Percent(result.value_percent),
        vehicle=Percent(vehicle.value_percent),
    )


def _lines_for(share: Share, week: int, citations: Citations) -> ShareLines:
    heading = render_fact(_threshold_heading(share.endpoint), citations)
    vehicles = {row.trial: row for row in share.vehicle}
    lines = [
        render_fact(_share_line(row, vehicles.get(row.trial)), citations) for row in share.cream
    ]
    if not lines:
        missing = fact(
            "tool.no_figure",
            gettext_lazy("No confirmed trial figure at week %(week)s."),
            _DEFINITION_REFS,
            week=Number(week),
        )
        lines = [render_fact(missing, citations)]
    return ShareLines(heading, lines)


@dataclass(frozen=True)
class ToolAnswer:
    weeks: int
    summary: RenderedFact
    shares: list[ShareLines]
    after_last: RenderedFact | None


#: Rosmarin et al., N Engl J Med 2022;387:1445-55: the primary TRuE-V publication.
TRUE_V_PUBLICATION = "rosmarin-nejm-2022"


def tool_answer(expectation: Expectation, citations: Citations) -> ToolAnswer:
    """The answer for the weeks asked about, as sourced lines in the active language."""
    refs = sorted({row.reference for s in expectation.shares for row in (*s.cream, *s.vehicle)})
    if refs:  # every figure the tool shows is from TRuE-V: cite its primary publication too
        refs.insert(0, TRUE_V_PUBLICATION)
    if expectation.assessed_week is None:
        summary = fact(
            "tool.before_first",
            gettext_lazy(
                "The trials' first confirmed results are from week %(next)s; before that they "
                "give no figure. A satisfactory response may need more than %(next)s weeks."
            ),
            ("physiciansweekly-nejm-2022", "physiciansweekly-fda-approval-2022"),
            next=Number(expectation.next_week or 0),
        )
        return ToolAnswer(expectation.weeks, render_fact(summary, citations), [], None)
    summary = fact(
        "tool.summary",
        gettext_lazy(
            "Latest trial assessment on or before that week: week %(week)s. Share of trial "
            "patients who had reached each level by then:"
        ),
        tuple(refs),
        week=Number(expectation.assessed_week),
    )
    shares = [
        _lines_for(share, expectation.assessed_week, citations) for share in expectation.shares
    ]
    after_last = None
    if expectation.next_week is None and expectation.weeks > expectation.assessed_week:
        after_last = render_fact(
            fact(
                "tool.after_last",
                gettext_lazy(
                    "Confirmed figures stop at week %(week)s. For what happened later, when "
                    "some patients stopped the cream, see the long-term results on the "
                    "evidence page."
                ),
                tuple(refs),
                week=Number(expectation.assessed_week),
            ),
            citations,
        )
    return ToolAnswer(expectation.weeks, render_fact(summary, citations), shares, after_last)


def weeks_asked(weeks: int) -> str:
    """The visitor's own input, echoed back (not a fact, so it carries no reference)."""
    return _("You asked about week %(weeks)s of twice-daily use.") % {"weeks": plain_number(weeks)}
