"""The regulator report as a PDF (WeasyPrint), laid out with the content of an ICH E2B case
safety report. It is written in English, whatever the prescriber's language, for the regulator.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from repigment.safety.case import Case
from repigment.safety.route import line_text


def report_html(case: Case) -> str:
    with translation.override("en"):
        route = (
            [(line_text(line), line.references) for line in case.route.lines] if case.route else []
        )
        return render_to_string("safety/report_pdf.html", {"case": case, "route_lines": route})


def report_pdf(case: Case) -> bytes:
    # Imported here: loading Pango is slow, and only this function needs it.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # The report loads nothing from anywhere: everything it shows is inside the HTML.
    fetcher = URLFetcher(allowed_protocols={"data"})
    pdf: bytes = HTML(string=report_html(case), url_fetcher=fetcher).write_pdf()
    return pdf


def report_filename(case: Case) -> str:
    return f"{case.report_id}-{case.created_on.isoformat()}.pdf"
