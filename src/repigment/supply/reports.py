"""The dispensing register of an authorisation (CSV, PDF), the regulator's report on a supply
incident (PDF, in English) and the monthly count of incidents.

The register is append-only and kept at least ``RETENTION_YEARS`` after the authorisation's or
the pack's expiry, whichever is later; nothing in it can be deleted through the app.
"""

from __future__ import annotations

import base64
import csv
import io
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date

from django.db.models import QuerySet
from django.db.models.functions import TruncMonth
from django.template.loader import render_to_string
from django.utils import timezone, translation

from repigment.authorisations.models import AuthorisationApplication
from repigment.authorisations.quantity import remaining
from repigment.supply.models import RETENTION_YEARS, Dispense, Incident
from repigment.supply.services import describe

REGISTER_COLUMNS = (
    "dispensed_on", "time_utc", "pharmacist", "pharmacy", "patient_record", "patient_name",
    "product", "approval", "gtin", "lot", "expiry", "serial", "grams", "label_override",
)  # fmt: skip


def register_rows(authorisation: AuthorisationApplication) -> QuerySet[Dispense]:
    return (
        Dispense.objects.filter(authorisation=authorisation)
        .select_related(
            "pack__lot",
            "pack__product_pack__product",
            "pharmacist",
            "patient",
            "pharmacy",
            "authorisation",
        )
        .order_by("at", "id")
    )


def _row(d: Dispense) -> list[str]:
    return [
        d.dispensed_on.isoformat(), d.at.astimezone(UTC).isoformat(timespec="seconds"),
        f"{d.pharmacist.full_name} <{d.pharmacist.email}>", d.pharmacy.name,
        d.patient.record_number, f"{d.patient.given_names} {d.patient.family_name}",
        describe(d.pack.product_pack), d.pack.product_pack.product.approval,
        d.pack.product_pack.gtin, d.pack.lot.number,
        d.pack.expiry.isoformat(), d.pack.serial, str(d.grams), d.label_override,
    ]  # fmt: skip


def register_csv(authorisation: AuthorisationApplication) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(REGISTER_COLUMNS)
    for dispense in register_rows(authorisation):
        writer.writerow(_row(dispense))
    return buffer.getvalue()


def retain_until(authorisation: AuthorisationApplication) -> date | None:
    rows = list(register_rows(authorisation))
    days = [d.retain_until for d in rows]
    if authorisation.valid_until:
        days.append(authorisation.valid_until.replace(year=authorisation.valid_until.year + 5))
    return max(days) if days else None


def register_context(authorisation: AuthorisationApplication) -> dict[str, object]:
    return {
        "authorisation": authorisation,
        "rows": list(register_rows(authorisation)),
        "left": remaining(authorisation, timezone.localdate()),
        "retain_until": retain_until(authorisation),
        "retention_years": RETENTION_YEARS,
    }


def _pdf(html: str) -> bytes:
    from weasyprint import HTML  # slow to load; only PDFs need it
    from weasyprint.urls import URLFetcher

    pdf: bytes = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf()
    return pdf


def register_pdf(authorisation: AuthorisationApplication) -> bytes:
    with translation.override("en"):
        context = {**register_context(authorisation), "generated": timezone.now()}
        return _pdf(render_to_string("supply/register_pdf.html", context))


@dataclass(frozen=True)
class Photo:
    data_uri: str


def incident_photos(incident: Incident) -> list[Photo]:
    if incident.scan is None or not incident.scan.photo:
        return []
    with incident.scan.photo.open("rb") as handle:
        data = base64.b64encode(handle.read()).decode()
    return [Photo(f"data:image/png;base64,{data}")]


def incident_pdf(incident: Incident) -> bytes:
    """The report for the regulator (SAHPRA; WHO rapid alert through the national focal point)."""
    with translation.override("en"):
        context = {"incident": incident, "photos": incident_photos(incident),
                   "generated": timezone.now()}  # fmt: skip
        return _pdf(render_to_string("supply/incident_pdf.html", context))


@dataclass(frozen=True)
class MonthCount:
    month: date
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def incidents_per_month(incidents: QuerySet[Incident]) -> list[MonthCount]:
    """Counts per calendar month (UTC) and kind, newest month first."""
    rows = (
        incidents.order_by()
        .annotate(month=TruncMonth("found_at", tzinfo=UTC))
        .values_list("month", "kind")
    )
    counts: dict[date, Counter[str]] = {}
    for month, kind in rows:
        counts.setdefault(month.date(), Counter())[kind] += 1
    return [
        MonthCount(month, {k: counts[month][k] for k in Incident.Kind.values})
        for month in sorted(counts, reverse=True)
    ]
