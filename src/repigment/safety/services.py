"""Recording, reviewing and reporting adverse events; pages and the API both come through here.

Reports of harm are not gated by the treatment consent: the supervising practitioner must send
SAHPRA every adverse event report (General Regulation 29, ACCESS.md §1.2), and a patient's
report of a side effect must never be refused. Every change writes an audit entry with the
patient's id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.apps import apps
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from repigment.accounts import audit
from repigment.accounts.models import AuditAction, User
from repigment.core.templatetags.dates import day_text
from repigment.patients.models import Patient
from repigment.safety.models import (
    ActionTaken,
    AdverseEvent,
    Causality,
    Outcome,
    ReporterKind,
    SafetyReport,
    Seriousness,
    Severity,
    Status,
)
from repigment.safety.terms import BY_CODE, OTHER


class EventInvalid(Exception):
    """The event cannot be saved as given; ``fields`` maps each field to its problems."""

    def __init__(self, fields: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in fields.items()))
        self.fields = fields


@dataclass
class EventInput:
    """What a reporter says about an event; the prescriber's fields may stay empty for a patient."""

    term: str
    onset_date: date
    severity: str
    term_other: str = ""
    description: str = ""
    end_date: date | None = None
    seriousness: list[str] = field(default_factory=list)
    outcome: str = Outcome.UNKNOWN
    action_taken: str = ActionTaken.UNKNOWN
    causality: str = ""


def date_problems(
    onset: date | None, end: date | None, today: date, born: date | None = None
) -> dict[str, list[str]]:
    """Impossible dates, by field: in the future, before birth, or an end before the onset."""
    problems: dict[str, list[str]] = {}
    if onset is not None and onset > today:
        problems["onset_date"] = [_("The event cannot start in the future.")]
    elif onset is not None and born is not None and onset < born:
        problems["onset_date"] = [_("The event cannot start before the patient was born.")]
    if end is not None and end > today:
        problems["end_date"] = [_("The event cannot have ended in the future.")]
    elif end is not None and onset is not None and end < onset:
        problems["end_date"] = [
            _("The event cannot end (%(end)s) before it started (%(onset)s).")
            % {"end": day_text(end), "onset": day_text(onset)}
        ]
    return problems


def _choice_problems(data: EventInput) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    checks = [
        ("term", data.term in BY_CODE),
        ("severity", data.severity in Severity.values),
        ("outcome", data.outcome in Outcome.values),
        ("action_taken", data.action_taken in ActionTaken.values),
        ("causality", data.causality == "" or data.causality in Causality.values),
        ("seriousness", all(code in Seriousness.values for code in data.seriousness)),
    ]
    for name, ok in checks:
        if not ok:
            problems[name] = [_("Choose one of the values offered.")]
    if data.term == OTHER and not data.term_other.strip():
        problems["term_other"] = [_("Describe the event in a few words.")]
    return problems


def check_event(
    patient: Patient, data: EventInput, *, by_prescriber: bool, today: date | None = None
) -> None:
    """Raise EventInvalid with every problem of ``data`` at once.

    The causality assessment is the prescriber's: required from them, refused from a patient.
    """
    today = today or timezone.localdate()
    problems = _choice_problems(data)
    if by_prescriber and not data.causality:
        problems["causality"] = [_("Give your causality assessment.")]
    elif not by_prescriber and data.causality:
        problems["causality"] = [_("Only the prescriber assesses causality.")]
    for name, messages in date_problems(
        data.onset_date, data.end_date, today, patient.date_of_birth
    ).items():
        problems.setdefault(name, []).extend(messages)
    if problems:
        raise EventInvalid(problems)


def _apply(event: AdverseEvent, data: EventInput) -> None:
    event.term = data.term
    event.term_other = data.term_other.strip() if data.term == OTHER else ""
    event.description = data.description.strip()
    event.onset_date = data.onset_date
    event.end_date = data.end_date
    event.severity = data.severity
    event.seriousness = sorted(set(data.seriousness), key=Seriousness.values.index)
    event.outcome = data.outcome
    event.action_taken = data.action_taken
    event.causality = data.causality


def _audit(
    request: HttpRequest | None, action: str, event: AdverseEvent, role: str, actor: User | None
) -> None:
    audit.record(
        request,
        action,
        object_type="adverse_event",
        object_id=event.pk,
        patient_id=event.patient_id,
        clinic=event.patient.clinic,
        role=role,
        actor=actor,
    )


@transaction.atomic
def record_event(
    patient: Patient,
    data: EventInput,
    *,
    reporter: str,
    request: HttpRequest | None,
    actor: User,
    role: str,
) -> AdverseEvent:
    """A prescriber's event is confirmed as entered; a patient's waits for review."""
    by_patient = reporter == ReporterKind.PATIENT
    check_event(patient, data, by_prescriber=not by_patient)
    event = AdverseEvent(patient=patient, reporter_kind=reporter, reported_by=actor)
    _apply(event, data)
    if by_patient:
        event.status = Status.UNCONFIRMED
    else:
        event.status = Status.CONFIRMED
        event.reviewed_by, event.reviewed_at = actor, timezone.now()
    event.save()
    _audit(request, AuditAction.CREATE, event, role, actor)
    return event


@transaction.atomic
def update_event(
    event: AdverseEvent,
    data: EventInput,
    *,
    confirm: bool = False,
    review_note: str | None = None,
    request: HttpRequest | None,
    actor: User,
    role: str,
) -> AdverseEvent:
    """The prescriber's correction or completion; ``confirm`` turns a patient's report into
    a confirmed event."""
    check_event(event.patient, data, by_prescriber=True)
    _apply(event, data)
    if review_note is not None:
        event.review_note = review_note.strip()
    if confirm:
        event.status = Status.CONFIRMED
        event.reviewed_by, event.reviewed_at = actor, timezone.now()
    event.save()
    _audit(request, AuditAction.UPDATE, event, role, actor)
    return event


@transaction.atomic
def dismiss_event(
    event: AdverseEvent, note: str, *, request: HttpRequest | None, actor: User, role: str
) -> AdverseEvent:
    """After review the prescriber finds it is not an adverse event (the note says why)."""
    if not note.strip():
        raise EventInvalid({"review_note": [_("Say why the report is dismissed.")]})
    event.status = Status.DISMISSED
    event.review_note = note.strip()
    event.reviewed_by, event.reviewed_at = actor, timezone.now()
    event.save(update_fields=["status", "review_note", "reviewed_by", "reviewed_at", "updated"])
    _audit(request, AuditAction.UPDATE, event, role, actor)
    return event


@transaction.atomic
def record_report_sent(
    event: AdverseEvent,
    *,
    sent_on: date,
    route: str,
    reference: str = "",
    request: HttpRequest | None,
    actor: User,
    role: str,
) -> SafetyReport:
    """Record that a report went to the regulator; it ends the dashboard's highlight."""
    problems: dict[str, list[str]] = {}
    if event.status == Status.UNCONFIRMED:
        problems["__all__"] = [_("Review the patient's report before reporting it.")]
    if event.status == Status.DISMISSED:
        problems["__all__"] = [_("A dismissed report is not sent to the regulator.")]
    if sent_on > timezone.localdate():
        problems["sent_on"] = [_("A report cannot be sent in the future.")]
    elif sent_on < event.onset_date:
        problems["sent_on"] = [_("A report cannot be sent before the event started.")]
    if route not in SafetyReport.Route.values:
        problems["route"] = [_("Choose one of the values offered.")]
    if problems:
        raise EventInvalid(problems)
    report = SafetyReport.objects.create(
        event=event,
        sent_on=sent_on,
        route=route,
        reference=reference.strip(),
        follow_up=event.reports.exists(),
        sent_by=actor,
    )
    _audit(request, AuditAction.UPDATE, event, role, actor)
    return report


def suspect_lots(event: AdverseEvent) -> list[str]:
    """Batch/lot numbers of the packs dispensed to the patient before the event.

    The hook for the supply app: it returns [] until dispensing is recorded; then it should
    return the lots of the packs dispensed to ``event.patient`` on or before the onset date.
    Read through the app registry, so safety does not import supply.
    """
    dispense = apps.get_model("supply", "Dispense")
    lots = dispense.objects.filter(patient=event.patient, dispensed_on__lte=event.onset_date)
    return sorted(set(lots.values_list("pack__lot__number", flat=True)))


def unapproved_lots(event: AdverseEvent) -> dict[str, str]:
    """Lots among ``suspect_lots`` that belong to an unapproved (compounded or generic) product,
    each with a plain description for the regulator (read through the app registry too)."""
    dispense = apps.get_model("supply", "Dispense")
    found = (
        dispense.objects.filter(patient=event.patient, dispensed_on__lte=event.onset_date)
        .exclude(pack__product_pack__product__approval="approved")
        .select_related("pack__lot", "pack__product_pack__product")
    )
    described: dict[str, str] = {}
    for row in found:
        product = row.pack.product_pack.product
        described[row.pack.lot.number] = (
            f"UNAPPROVED product ({product.approval}, not the approved medicine): {product.name} "
            f"{product.strength}, maker {product.maker}, batch {row.pack.lot.number}"
        )
    return described
