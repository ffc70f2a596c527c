"""The application's PDFs (WeasyPrint): the pack (sections A to D, the quantity and the
motivation), the motivation letter, the consent form in the patient's language, and the
progress report. The pack and letters are in English, for the regulator.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from repigment.authorisations import checklist, record
from repigment.authorisations.fees import fee_text
from repigment.authorisations.models import AuthorisationApplication, ReportTask
from repigment.authorisations.quantity import packs_dispensed
from repigment.clinical.references import get_reference
from repigment.core.languages import Scope, covers
from repigment.treatment.adherence import overall_percent, weekly_adherence

#: The sources of the consent form's statements about the cream (CLINICAL.md, confirmed).
CONSENT_REFERENCES = (
    "medthority-us-label",
    "prescriberpoint-us-label",
    "rxreasoner-eu-smpc",
    "oddb-ch-pregnancy",
    "scholarsinmedicine-opzelura-pi",
    "emc-uk-pil",
)


def render_pdf(html: str) -> bytes:
    # Imported here: loading Pango is slow, and only these functions need it.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"})  # everything shown is inside the HTML
    pdf: bytes = HTML(string=html, url_fetcher=fetcher).write_pdf()
    return pdf


def missing_for_pack(application: AuthorisationApplication) -> list[str]:
    problems = []
    if application.prescriber is None:
        problems.append(_("Name the applicant (a prescriber record with the HPCSA number)."))
    if application.importer is None:
        problems.append(_("Name the licensed importer."))
    if application.motivation_edited_by is None or record.has_placeholder(application.motivation):
        problems.append(_("The prescriber has to write and save the motivation first."))
    return problems


def surname_and_names(full_name: str) -> tuple[str, str]:
    parts = full_name.split()
    return (parts[-1], " ".join(parts[:-1])) if parts else ("", "")


def pack_context(application: AuthorisationApplication) -> dict[str, Any]:
    prescriber = application.prescriber
    surname, names = surname_and_names(prescriber.name_without_title) if prescriber else ("", "")
    return {
        "a": application,
        "patient": application.patient,
        "prescription": application.prescription,
        "summary": record.clinical_summary(application.patient, application.prescription),
        "prescriber": prescriber,
        "surname": surname,
        "names": names,
        "importer": application.importer,
        "medicine": application.medicine,
        "rows": checklist.rows(application),
        "fee": fee_text(application.route),
        "generated_on": timezone.localdate(),
        "footer": f"{application.route.name}, Repigment application {application.pk}",
    }


def pack_html(application: AuthorisationApplication) -> str:
    with translation.override("en"):
        return render_to_string("authorisations/pack_pdf.html", pack_context(application))


def pack_pdf(application: AuthorisationApplication) -> bytes:
    return render_pdf(pack_html(application))


def motivation_pdf(application: AuthorisationApplication) -> bytes:
    with translation.override("en"):
        html = render_to_string("authorisations/motivation_pdf.html", pack_context(application))
    return render_pdf(html)


def filename(application: AuthorisationApplication, code: str) -> str:
    return f"{application.route.slug}-{application.pk}-{code}.pdf"


# --- The consent form, in the patient's language -------------------------------------------


def consent_language(preferred: str) -> tuple[str, bool]:
    """The language of the form, and whether it is the patient's own (else the default)."""
    if covers(preferred, Scope.DOCUMENTS):
        return preferred, True
    return settings.LANGUAGE_CODE, False


def consent_html(application: AuthorisationApplication) -> str:
    language, own = consent_language(application.patient.preferred_language)
    context = {
        "a": application,
        "patient": application.patient,
        "minor": application.patient.is_minor_on(timezone.localdate()),
        "prescriber": application.prescriber,
        "country": application.route.country,
        "regulator": application.route.country.regulator_name,
        "own_language": own,
        "preferred": application.patient.get_preferred_language_display(),
        "references": [get_reference(ref) for ref in CONSENT_REFERENCES],
        "language": language,
    }
    with translation.override(language):
        return render_to_string("authorisations/consent_pdf.html", context)


def consent_pdf(application: AuthorisationApplication) -> bytes:
    return render_pdf(consent_html(application))


# --- The progress report -------------------------------------------------------------------


@dataclass(frozen=True)
class ReportData:
    task: ReportTask
    application: AuthorisationApplication
    visits: list[Any]
    adherence_percent: int | None
    adherence_weeks: int
    events: list[Any]
    dispensed_packs: int
    generated_on: date


def report_data(task: ReportTask) -> ReportData:
    application = task.application
    patient = application.patient
    visits = list(
        patient.visits.filter(visit_date__lte=task.period_end).order_by("visit_date", "pk")
    )
    weeks = [
        w
        for w in weekly_adherence(patient, until=min(task.period_end, timezone.localdate()))
        if w.last_day >= task.period_start
    ]
    events = list(
        patient.adverse_events.filter(
            onset_date__gte=task.period_start, onset_date__lte=task.period_end
        ).order_by("onset_date", "pk")
    )
    return ReportData(
        task=task,
        application=application,
        visits=[v for v in visits if v.visit_date >= task.period_start or v == visits[0]],
        adherence_percent=overall_percent(weeks),
        adherence_weeks=len(weeks),
        events=events,
        dispensed_packs=sum(packs_dispensed(a) for a in application.chain()),
        generated_on=timezone.localdate(),
    )


def progress_report_pdf(task: ReportTask) -> bytes:
    with translation.override("en"):
        html = render_to_string("authorisations/report_pdf.html", {"r": report_data(task)})
    return render_pdf(html)
