"""The public information pages: no log-in, the language in the URL, every fact sourced."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from repigment.clinical.references import REFERENCES, Quality
from repigment.knowledge import services
from repigment.knowledge.content import Citations, render_fact, render_sections
from repigment.knowledge.expectation import expectation_for
from repigment.knowledge.forms import ExpectationForm
from repigment.knowledge.pages import (
    access as access_page,
)
from repigment.knowledge.pages import (
    clinicians as clinicians_page,
)
from repigment.knowledge.pages import (
    evidence as evidence_page,
)
from repigment.knowledge.pages import (
    expect as expect_page,
)
from repigment.knowledge.pages import (
    home as home_page,
)
from repigment.knowledge.pages import (
    medicine as medicine_page,
)
from repigment.knowledge.pages import (
    safety as safety_page,
)
from repigment.knowledge.tables import result_table, tool_answer, weeks_asked


def _page(request: HttpRequest, name: str, citations: Citations, **context: Any) -> HttpResponse:
    context.update(services.page_frame(request, name, citations))
    return render(request, f"knowledge/{name}.html", context)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    citations = Citations()
    sections = render_sections(home_page.SECTIONS, citations)
    return _page(request, "home", citations, sections=sections)


@require_safe
def medicine(request: HttpRequest) -> HttpResponse:
    citations = Citations()
    return _page(
        request, "medicine", citations, sections=render_sections(medicine_page.SECTIONS, citations)
    )


@require_safe
def evidence(request: HttpRequest) -> HttpResponse:
    citations = Citations()
    before = render_sections(evidence_page.SECTIONS_BEFORE_RESULTS, citations)
    tables = [result_table(caption, rows, citations) for caption, rows in evidence_page.TABLES]
    after = render_sections(evidence_page.SECTIONS_AFTER_RESULTS, citations)
    return _page(request, "evidence", citations, before=before, tables=tables, after=after)


@require_safe
def expect(request: HttpRequest) -> HttpResponse:
    citations = Citations()
    sections = render_sections(expect_page.SECTIONS, citations)
    form = ExpectationForm(request.GET if "weeks" in request.GET else None)
    answer = asked = None
    if form.is_bound and form.is_valid():
        weeks = form.cleaned_data["weeks"]
        answer = tool_answer(expectation_for(weeks), citations)
        asked = weeks_asked(weeks)
    return _page(
        request, "expect", citations, sections=sections, form=form, answer=answer, asked=asked
    )


@require_safe
def safety(request: HttpRequest) -> HttpResponse:
    citations = Citations()
    return _page(
        request, "safety", citations, sections=render_sections(safety_page.SECTIONS, citations)
    )


@require_safe
def access(request: HttpRequest) -> HttpResponse:
    citations = Citations()
    sections = render_sections(access_page.SECTIONS, citations)
    countries = services.country_links(access_page.RESEARCHED_COUNTRIES)
    return _page(request, "access", citations, sections=sections, countries=countries)


@require_safe
def clinicians(request: HttpRequest) -> HttpResponse:
    citations = Citations()
    label_rows = [
        (
            str(topic),
            render_fact(us, citations) if us else None,
            render_fact(eu, citations) if eu else None,
        )
        for topic, us, eu in clinicians_page.LABEL_ROWS
    ]
    sections = render_sections(clinicians_page.SECTIONS_AFTER_LABEL, citations)
    return _page(request, "clinicians", citations, label_rows=label_rows, sections=sections)


@require_safe
def references(request: HttpRequest) -> HttpResponse:
    order = list(Quality)
    refs = sorted(REFERENCES.values(), key=lambda r: (order.index(r.quality), r.citation.lower()))
    groups = [(q, [r for r in refs if r.quality is q]) for q in order]
    return _page(request, "references", Citations(), groups=groups)
