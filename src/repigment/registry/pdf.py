"""The registry report as a PDF, made on the worker (``settings.JOB_FILE_MAKERS``): a large
registry takes a while, and the page should not wait for it."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from repigment.accounts.models import Clinic, User
from repigment.clinical.references import get_reference
from repigment.registry.services import Filters, outcomes


def filters_as_params(filters: Filters) -> dict[str, Any]:
    return {
        "clinic": filters.clinic.pk if filters.clinic else None,
        "started_from": filters.started_from.isoformat() if filters.started_from else None,
        "started_to": filters.started_to.isoformat() if filters.started_to else None,
        "phototypes": list(filters.phototypes),
        "age_band": filters.age_band,
        "sex": filters.sex,
    }


def filters_from_params(params: dict[str, Any]) -> Filters:
    def day(value: str | None) -> date | None:
        return date.fromisoformat(value) if value else None

    clinic = Clinic.objects.filter(pk=params["clinic"]).first() if params["clinic"] else None
    return Filters(
        clinic=clinic,
        started_from=day(params["started_from"]),
        started_to=day(params["started_to"]),
        phototypes=tuple(params["phototypes"]),
        age_band=params["age_band"],
        sex=params["sex"],
    )


def with_sources(body: dict[str, Any]) -> dict[str, Any]:
    """Each trial figure with its reference's title and address."""
    for row in body["responses"]:
        for trial in row["trials"]:
            reference = get_reference(trial["reference"])
            trial["title"], trial["url"] = reference.title, reference.url
    return body


def report_pdf(body: dict[str, Any]) -> bytes:
    from weasyprint import HTML  # slow to load; only the PDF needs it
    from weasyprint.urls import URLFetcher

    from repigment.registry.charts import data_uris  # matplotlib, only for the PDF

    html = render_to_string(
        "registry/report_pdf.html",
        {
            "body": with_sources(body),
            "made": timezone.localdate(),
            **data_uris(body),
        },
    )
    pdf: bytes = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf()
    return pdf


def report_job(params: dict[str, Any]) -> tuple[str, bytes]:
    """The maker: the user's clinics as they are when the worker runs (audited there)."""
    user = User.objects.get(pk=params["user"])
    body = outcomes(None, user, filters_from_params(params["filters"]))
    return f"registry-report-{timezone.localdate():%Y-%m-%d}.pdf", report_pdf(body)
