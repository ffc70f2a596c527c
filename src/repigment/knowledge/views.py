"""The public information pages: no log-in, the language in the URL, every fact sourced."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from repigment.clinical.references import REFERENCES, Quality
from repigment.knowledge import provenance, services
from repigment.knowledge.content import Citations, render_fact, render_sections
from repigment.knowledge.expectation import expectation_for
from repigment.knowledge.forms import ExpectationForm
from repigment.knowledge.pages import (
    access,
    clinicians,
    evidence,
    expect,
    home,
    medicine,
    safety,
    unapproved,
)
from repigment.knowledge.tables import result_table, tool_answer, weeks_asked


def _page(request: HttpRequest, name: str, citations: Citations, **context: Any) -> HttpResponse:
    context.update(services.page_frame(request, name, citations))
    return render(request, f"knowledge/{name}.html", context)


@require_safe
def home_page(request: HttpRequest) -> HttpResponse:
    citations = Citations()
    sections = render_sections(home.SECTIONS, citations)
    return _page(request, "home", citations, sections=sections)


@require_safe
def medicine_page(request: HttpRequest) -> HttpResponse:
    citations = Citations()
    return _page(
        request, "medicine", citations, sections=render_sections(medicine.SECTIONS, citations)
    )


@require_safe
def evidence_page(request: HttpRequest) -> HttpResponse:
    citations = Citations()
    before = render_sections(evidence.SECTIONS_BEFORE_RESULTS, citations)
    tables = [result_table(caption, rows, citations) for caption, rows in evidence.TABLES]
    after = render_sections(evidence.SECTIONS_AFTER_RESULTS, citations)
    return _page(request, "evidence", citations, before=before, tables=tables, after=after)


@require_safe
def expect_page(request: HttpRequest) -> HttpResponse:
    citations = Citations()
    sections = render_sections(expect.SECTIONS, citations)
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
def safety_page(request: HttpRequest) -> HttpResponse:
    citations = Citations()
    return _page(request, "safety", citations, sections=render_sections(safety.SECTIONS, citations))


@require_safe
def access_page(request: HttpRequest) -> HttpResponse:
    citations = Citations()
    sections = render_sections(access.SECTIONS, citations)
    countries = services.country_links(services.researched_countries())
    return _page(request, "access", citations, sections=sections, countries=countries)


@require_safe
def unapproved_page(request: HttpRequest) -> HttpResponse:
    citations = Citations()
    sections = render_sections(unapproved.SECTIONS, citations)
    return _page(request, "unapproved", citations, sections=sections)


@require_safe
def clinicians_page(request: HttpRequest) -> HttpResponse:
    citations = Citations()
    label_rows = [
        (
            str(topic),
            render_fact(us, citations) if us else None,
            render_fact(eu, citations) if eu else None,
        )
        for topic, us, eu in clinicians.LABEL_ROWS
    ]
    sections = render_sections(clinicians.SECTIONS_AFTER_LABEL, citations)
    return _page(request, "clinicians", citations, label_rows=label_rows, sections=sections)


@require_safe
def references_page(request: HttpRequest) -> HttpResponse:
    order = list(Quality)
    refs = sorted(REFERENCES.values(), key=lambda r: (order.index(r.quality), r.citation.lower()))
    readings = provenance.reference_readings()
    today = timezone.localdate()
    groups = [
        (q, [(r, provenance.shown(readings[r.id], today)) for r in refs if r.quality is q])
        for q in order
    ]
    return _page(request, "references", Citations(), groups=groups)
