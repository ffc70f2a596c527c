"""The content of an individual case safety report for one adverse event, as ICH E2B groups
it: the report, its primary source (reporter), the sender, the patient, the reaction, the
suspect and concomitant medicines, the narrative. The PDF and the FHIR export both read it.

E2B's minimum for a valid report: an identifiable patient (here initials, age and sex, not
the name), an identifiable reporter, an adverse event and a suspect medicine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from repigment.accounts.models import Clinic
from repigment.patients.models import Diagnosis
from repigment.safety.models import AdverseEvent, ReporterKind
from repigment.safety.route import ReportingRoute, route_for
from repigment.safety.services import suspect_lots, unapproved_lots
from repigment.treatment.models import CoMedication, Prescription

PHYSICIAN = "physician"
CONSUMER = "consumer"


@dataclass(frozen=True)
class Reporter:
    name: str
    qualification: str  # PHYSICIAN or CONSUMER (E2B C.2.r.4)
    organisation: str
    email: str


@dataclass(frozen=True)
class SuspectProduct:
    name: str
    route: str
    frequency: str
    start_date: date
    stop_date: date | None
    jurisdiction: str
    lots: list[str]
    #: Lots of an unapproved (compounded or generic) product, each with its description.
    unapproved: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Case:
    event: AdverseEvent
    report_id: str
    created_on: date
    follow_up: bool
    sender: Clinic
    reporters: list[Reporter]
    initials: str
    age_at_onset: int
    sex: str
    record_number: str
    diagnosis: Diagnosis | None
    suspects: list[SuspectProduct]
    concomitant: list[CoMedication]
    route: ReportingRoute | None


def initials(given_names: str, family_name: str) -> str:
    """ "Nomvula Thandeka" "van der Merwe" → "N.T.v.d.M." (E2B D.1 patient initials)."""
    words = [*given_names.split(), *family_name.split()]
    return "".join(f"{word[0]}." for word in words if word)


def report_id(event: AdverseEvent) -> str:
    """A stable sender's case number: the same for the first report and its follow-ups."""
    return f"RPG-{event.patient.clinic.country}-{event.patient.clinic_id}-{event.pk}"


def _reporters(event: AdverseEvent) -> list[Reporter]:
    """The patient (not named: the report identifies them by initials) and the prescriber who
    recorded or reviewed the event."""
    people = []
    if event.reporter_kind == ReporterKind.PATIENT:
        people.append(Reporter(str(_("The patient")), CONSUMER, "", ""))
    physician = (
        event.reported_by if event.reporter_kind == ReporterKind.PRESCRIBER else event.reviewed_by
    )
    if physician is not None:
        clinic = event.patient.clinic.name
        people.append(Reporter(physician.full_name, PHYSICIAN, clinic, physician.email))
    return people


def suspects(event: AdverseEvent) -> list[SuspectProduct]:
    """Ruxolitinib-label prescriptions started on or before the onset (the suspect medicine)."""
    prescriptions = (
        Prescription.objects.ruxolitinib()
        .filter(patient=event.patient, start_date__lte=event.onset_date)
        .select_related("product")
        .order_by("start_date")
    )
    lots = suspect_lots(event)
    unapproved = unapproved_lots(event)
    return [
        SuspectProduct(
            name=str(p.product),
            route="cutaneous",
            frequency=p.get_frequency_display(),
            start_date=p.start_date,
            stop_date=p.stop_date,
            jurisdiction=p.get_jurisdiction_display() if p.jurisdiction else "",
            lots=lots,
            unapproved=unapproved,
        )
        for p in prescriptions
    ]


def concomitant(event: AdverseEvent) -> list[CoMedication]:
    """Other medicines taken at any time from the onset to the end (or today)."""
    last = event.end_date or timezone.localdate()
    medicines = event.patient.co_medications.all()
    return [m for m in medicines if m.overlaps(event.onset_date, last)]


def build_case(event: AdverseEvent) -> Case:
    patient = event.patient
    return Case(
        event=event,
        report_id=report_id(event),
        created_on=timezone.localdate(),
        follow_up=event.reports.exists(),
        sender=patient.clinic,
        reporters=_reporters(event),
        initials=initials(patient.given_names, patient.family_name),
        age_at_onset=patient.age_on(event.onset_date),
        sex=patient.get_sex_display(),
        record_number=patient.record_number,
        diagnosis=patient.current_diagnosis(),
        suspects=suspects(event),
        concomitant=concomitant(event),
        route=route_for(patient.clinic.country),
    )
