"""Creating, changing and moving authorisation applications: every rule, one place.

Views and the API call these functions and show what they refuse. A refusal saves nothing:
each change runs in one transaction, and files written for a change that fails are removed.
Every state change is one ``ApplicationEvent`` and one audit entry.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import IO, Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from repigment.access.models import AccessRoute
from repigment.accounts import audit
from repigment.accounts.models import AuditAction, Role, User
from repigment.authorisations import checklist, pack, record, reporting, states
from repigment.authorisations.access import OBJECT_TYPE
from repigment.authorisations.medicine import EDITABLE as MEDICINE_EDITABLE
from repigment.authorisations.medicine import medicine_for
from repigment.authorisations.models import (
    EDITABLE_STATES,
    FINAL_STATES,
    ApplicationDocument,
    ApplicationEvent,
    AuthorisationApplication,
    DocumentSource,
    Importer,
    PrescriberRecord,
    State,
)
from repigment.clinical.errors import ClinicalInputError
from repigment.clinical.quantity import QuantityEstimate, estimate_quantity
from repigment.core.templatetags.dates import day_text
from repigment.patients import uploads
from repigment.patients.models import Patient
from repigment.treatment.models import Prescription, TubeSize

#: The longest supply period an application asks for: six months (SAHPRA: "up to a six-month
#: supply"), used for every route whose own validity is not known.
MAX_PERIOD_WEEKS = 26
DEFAULT_TUBE_GRAMS = 100
#: Fields a re-authorisation may change (the SAHPRA portal: prescription, dosage, consent).
RENEWAL_EDITABLE = frozenset({"prescription", "dosage", "consent_signed_on", "consent_witness"})


class Refused(Exception):
    """A rule says no; the message says why, in words for the person asking."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Invalid(Exception):
    """Some fields are not acceptable; ``fields`` maps each to its messages."""

    def __init__(self, fields: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in fields.items()))
        self.fields = fields


@dataclass(frozen=True)
class Actor:
    """Who acts, under which role, through which request (None for the remind command)."""

    user: User | None
    role: str
    request: HttpRequest | None = None


def _audit(
    actor: Actor, action: str, application: AuthorisationApplication, kind: str = ""
) -> None:
    audit.record(
        actor.request,
        action,
        object_type=kind or OBJECT_TYPE,
        object_id=application.pk,
        patient_id=application.patient_id,
        clinic=application.patient.clinic,
        role=actor.role,
        actor=actor.user,
    )


def _require_prescriber(actor: Actor, what: str) -> None:
    if actor.role != Role.PRESCRIBER:
        raise Refused(_("Only the prescriber can %(what)s.") % {"what": what})


# --- Creating ------------------------------------------------------------------------------


def routes_for(patient: Patient) -> list[AccessRoute]:
    """The access routes of the country where the patient is treated (the clinic's country)."""
    return list(
        AccessRoute.objects.filter(country__code=patient.clinic.country)
        .select_related("country")
        .prefetch_related("facts")
        .order_by("order", "pk")
    )


def validity_weeks(route: AccessRoute) -> int:
    """The route's confirmed validity in whole weeks, at most six months."""
    fact = route.validity()
    if fact is None or fact.amount is None:
        return MAX_PERIOD_WEEKS
    per_unit = {"days": 1 / 7, "weeks": 1, "months": 52 / 12}[fact.unit]
    return max(1, min(MAX_PERIOD_WEEKS, math.floor(float(fact.amount) * per_unit)))


def period_for(route: AccessRoute, prescription: Prescription, today: date) -> int:
    """Weeks to ask for: what is left of the planned course, within the route's validity."""
    left = (prescription.planned_end - max(today, prescription.start_date)).days // 7 + 1
    return max(1, min(validity_weeks(route), left))


def estimate(prescription: Prescription, weeks: int, tube: int) -> QuantityEstimate:
    try:
        return estimate_quantity(prescription.treated_bsa_percent, weeks, tube)
    except ClinicalInputError as error:
        raise Invalid({error.field: [str(error)]}) from None


def _grams(quantity: QuantityEstimate) -> Decimal:
    """Grams as stored (three decimals)."""
    return quantity.grams_total.quantize(Decimal("0.001"))


def _check_prescription(prescription: Prescription, today: date) -> None:
    if not prescription.product.subject_to_ruxolitinib_label:
        raise Refused(
            _("Only a prescription of ruxolitinib cream needs an authorisation; %(p)s does not.")
            % {"p": prescription.product}
        )
    if prescription.stop_date is not None and prescription.stop_date < today:
        raise Refused(_("This prescription was stopped; an application needs a current one."))


def open_application(prescription: Prescription) -> AuthorisationApplication | None:
    """The prescription's application still going (not rejected, expired or withdrawn)."""
    return (
        prescription.authorisation_applications.exclude(state__in=list(FINAL_STATES))
        .order_by("-created")
        .first()
    )


def applicants_for(patient: Patient) -> QuerySet[PrescriberRecord]:
    """Who may be named the applicant: a prescriber of the patient's clinic."""
    return PrescriberRecord.objects.filter(
        user__memberships__clinic=patient.clinic, user__memberships__role=Role.PRESCRIBER
    ).distinct()


def importers_for(application: AuthorisationApplication) -> QuerySet[Importer]:
    """Who may be named the importer: an active importer, or the one already named."""
    named = Q(pk=application.importer_id) if application.importer_id else Q(pk__in=[])
    return Importer.objects.filter(Q(active=True) | named)


def _default_importer(patient: Patient) -> Importer | None:
    linked = Importer.objects.filter(active=True, pharmacy__served_clinics=patient.clinic)
    return linked.first() if linked.count() == 1 else None


def create_application(
    prescription: Prescription, route: AccessRoute, actor: Actor, today: date
) -> AuthorisationApplication:
    """A draft for the prescription on the route, pre-filled from the record."""
    _require_prescriber(actor, _("start an application"))
    patient = prescription.patient
    _check_prescription(prescription, today)
    if route.country.code != patient.clinic.country:
        raise Refused(_("The route must be one of the country where the patient is treated."))
    existing = open_application(prescription)
    if existing is not None:
        raise Refused(
            _(
                "This prescription already has an application in progress (%(state)s); "
                "renew an approved authorisation with a re-authorisation instead."
            )
            % {"state": existing.get_state_display().lower()}
        )
    weeks = period_for(route, prescription, today)
    tube = prescription.tube_grams or DEFAULT_TUBE_GRAMS
    quantity = estimate(prescription, weeks, tube)
    application = AuthorisationApplication(
        patient=patient,
        prescription=prescription,
        product=prescription.product,
        route=route,
        prescriber=PrescriberRecord.objects.filter(user=actor.user).first(),
        importer=_default_importer(patient),
        dosage=record.dosage_text(prescription),
        period_weeks=weeks,
        requested_pack_grams=tube,
        requested_packs=quantity.tubes,
        requested_grams=_grams(quantity),
        motivation=record.draft_motivation(
            patient, prescription, route.country.name, weeks, quantity.tubes, tube
        ),
        medicine=medicine_for(prescription.product),
        created_by=actor.user,
    )
    with transaction.atomic():
        application.save()
        _event(application, "", State.DRAFT, actor, today, _("Application started."))
        _audit(actor, AuditAction.CREATE, application)
    return application


def _event(
    application: AuthorisationApplication,
    source: str,
    target: str,
    actor: Actor,
    on: date,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> ApplicationEvent:
    return ApplicationEvent.objects.create(
        application=application,
        from_state=source,
        to_state=target,
        on=on,
        by=actor.user,
        note=note,
        data=data or {},
        at=application.state_changed_at if source else timezone.now(),
    )


# --- Changing the content ------------------------------------------------------------------


@dataclass
class Changes:
    """New values for some of the application's editable fields (absent: unchanged)."""

    values: dict[str, Any] = field(default_factory=dict)


EDITABLE_FIELDS = frozenset(
    {
        "prescription",
        "dosage",
        "period_weeks",
        "requested_pack_grams",
        "prescriber",
        "importer",
        "consent_signed_on",
        "consent_witness",
        *MEDICINE_EDITABLE,
    }
)


def _locked_in_renewal(application: AuthorisationApplication, wanted: dict[str, Any]) -> None:
    if application.renews_id is None:
        return
    locked = {
        name: [
            _(
                "A re-authorisation keeps this from the authorisation it renews; only the "
                "prescription, the dosage and the consent can change."
            )
        ]
        for name, value in wanted.items()
        if name not in RENEWAL_EDITABLE and value != _current(application, name)
    }
    if locked:
        raise Invalid(locked)


def _current(application: AuthorisationApplication, name: str) -> Any:
    if name in MEDICINE_EDITABLE:
        return application.medicine.get(name, "")
    return getattr(application, name)


def _check_new_prescription(
    application: AuthorisationApplication, prescription: Prescription, today: date
) -> None:
    if prescription.patient_id != application.patient_id:
        raise Invalid(
            {
                "prescription": [
                    _("The prescription must be this patient's; the patient cannot change.")
                ]
            }
        )
    if prescription.product_id != application.product_id:
        raise Invalid(
            {
                "prescription": [
                    _(
                        "The prescription must be of %(product)s: an application (and a "
                        "re-authorisation) keeps its product."
                    )
                    % {"product": application.product}
                ]
            }
        )
    try:
        _check_prescription(prescription, today)
    except Refused as refused:
        raise Invalid({"prescription": [refused.message]}) from None


def _check_parties(application: AuthorisationApplication, wanted: dict[str, Any]) -> None:
    """The applicant must prescribe at the patient's clinic; the importer must be active."""
    problems: dict[str, list[str]] = {}
    applicant = wanted.get("prescriber")
    if (
        applicant is not None
        and not applicants_for(application.patient).filter(pk=applicant.pk).exists()
    ):
        problems["prescriber"] = [_("The applicant must be a prescriber of the patient's clinic.")]
    named = wanted.get("importer")
    if named is not None and not importers_for(application).filter(pk=named.pk).exists():
        problems["importer"] = [_("The importer must be an active licensed importer.")]
    if problems:
        raise Invalid(problems)


def _apply_changes(application: AuthorisationApplication, wanted: dict[str, Any]) -> None:
    medicine = dict(application.medicine)
    for name, value in wanted.items():
        if name in MEDICINE_EDITABLE:
            medicine[name] = value
        else:
            setattr(application, name, value)
    application.medicine = medicine


def _requote(application: AuthorisationApplication) -> None:
    """The requested quantity again, from the prescription, period and pack size."""
    if application.period_weeks > MAX_PERIOD_WEEKS or application.period_weeks < 1:
        raise Invalid(
            {
                "period_weeks": [
                    _("The supply period is from 1 to %(max)s weeks (six months).")
                    % {"max": MAX_PERIOD_WEEKS}
                ]
            }
        )
    if application.requested_pack_grams not in TubeSize.values:
        raise Invalid({"requested_pack_grams": [_("Choose a 60 g or a 100 g tube.")]})
    quantity = estimate(
        application.prescription, application.period_weeks, application.requested_pack_grams
    )
    application.requested_packs = quantity.tubes
    application.requested_grams = _grams(quantity)


def _require_editable(application: AuthorisationApplication) -> None:
    if application.state not in EDITABLE_STATES:
        raise Refused(
            _("A %(state)s application cannot be changed any more.")
            % {"state": application.get_state_display().lower()}
        )


def update_application(
    application: AuthorisationApplication, wanted: dict[str, Any], actor: Actor, today: date
) -> AuthorisationApplication:
    """Change editable fields; a re-authorisation may change only prescription, dosage, consent."""
    _require_prescriber(actor, _("change the application"))
    _require_editable(application)
    unknown = set(wanted) - EDITABLE_FIELDS
    if unknown:
        raise Invalid({name: [_("This cannot be changed here.")] for name in sorted(unknown)})
    _locked_in_renewal(application, wanted)
    if "prescription" in wanted:
        _check_new_prescription(application, wanted["prescription"], today)
    _check_parties(application, wanted)
    with transaction.atomic():
        _apply_changes(application, wanted)
        _requote(application)
        application.save()
        _stale_generated(application)
        _audit(actor, AuditAction.UPDATE, application)
    return application


def save_motivation(
    application: AuthorisationApplication, text: str, actor: Actor
) -> AuthorisationApplication:
    """The prescriber's own motivation; nobody else may write it, and it must be finished."""
    _require_prescriber(actor, _("write or change the motivation"))
    _require_editable(application)
    if application.renews_id is not None and text.strip() != application.motivation.strip():
        raise Invalid(
            {
                "motivation": [
                    _(
                        "A re-authorisation keeps the motivation of the authorisation it "
                        "renews; only the prescription, the dosage and the consent can change."
                    )
                ]
            }
        )
    problems = []
    if not text.strip():
        problems.append(_("Write the motivation."))
    elif record.has_placeholder(text):
        problems.append(_("Replace the text in square brackets with your own reasons."))
    if problems:
        raise Invalid({"motivation": problems})
    with transaction.atomic():
        application.motivation = text.strip()
        application.motivation_edited_by = actor.user
        application.motivation_edited_at = timezone.now()
        application.save()
        _stale_generated(application)
        _audit(actor, AuditAction.UPDATE, application, "authorisation_motivation")
    return application


def _stale_generated(application: AuthorisationApplication) -> None:
    """Generated documents no longer match the application: they need generating again."""
    for document in application.documents.filter(source=DocumentSource.GENERATED):
        if document.checked_at is not None:
            ApplicationDocument.objects.filter(pk=document.pk).update(
                checked_at=None, checked_by=None, note=_("Out of date: generate it again.")
            )


# --- Documents -----------------------------------------------------------------------------


def _item_or_refuse(application: AuthorisationApplication, code: str) -> Any:
    item = checklist.item(application, code)
    if item is None:
        raise Refused(_("The route has no checklist item “%(code)s”.") % {"code": code})
    return item


def may_handle(role: str, code: str) -> bool:
    """The prescriber handles every document; the pharmacist only the product's."""
    return role == Role.PRESCRIBER or (role == Role.PHARMACIST and code in checklist.IMPORTER_ITEMS)


def _require_documents_open(application: AuthorisationApplication) -> None:
    if application.state not in (*EDITABLE_STATES, State.QUERIED):
        raise Refused(_("Documents can be added only before submission or to answer a query."))


def add_upload(
    application: AuthorisationApplication,
    code: str,
    upload: IO[bytes],
    name: str,
    size: int | None,
    actor: Actor,
) -> ApplicationDocument:
    """Store an uploaded document (a PDF, or a cleaned image) for one checklist item."""
    item = _item_or_refuse(application, code)
    if not may_handle(actor.role, code):
        raise Refused(_("Only the prescriber can add this document."))
    _require_documents_open(application)
    try:
        clean = uploads.clean_document(uploads.read_upload(upload, name, size), name)
    except uploads.UploadRejected as rejected:
        raise Invalid({"file": [str(rejected)]}) from None
    return _store_document(
        application,
        item,
        DocumentSource.UPLOADED,
        clean.content,
        clean.extension,
        clean.content_type,
        actor,
        original_name=name[:200],
    )


def _store_document(
    application: AuthorisationApplication,
    item: Any,
    source: str,
    content: bytes,
    extension: str,
    content_type: str,
    actor: Actor,
    original_name: str = "",
    checked: bool = False,
) -> ApplicationDocument:
    with uploads.delete_files_on_error() as written, transaction.atomic():
        document = ApplicationDocument(
            application=application,
            item=item,
            source=source,
            content_type=content_type,
            size=len(content),
            original_name=original_name,
            added_by=actor.user,
            checked_by=actor.user if checked else None,
            checked_at=timezone.now() if checked else None,
        )
        document.file.save(f"document.{extension}", ContentFile(content), save=False)
        written.append(document.file)
        document.save()
        _audit(actor, AuditAction.CREATE, application, "authorisation_document")
    return document


def generate_document(
    application: AuthorisationApplication, code: str, actor: Actor
) -> ApplicationDocument:
    """Write the application pack or the motivation letter as PDF, checked by its author."""
    item = _item_or_refuse(application, code)
    _require_prescriber(actor, _("generate the application's documents"))
    _require_documents_open(application)
    if code not in checklist.GENERATED:
        raise Refused(_("Repigment does not write this document; upload it."))
    problems = pack.missing_for_pack(application)
    if problems:
        raise Refused(" ".join(problems))
    content = (
        pack.pack_pdf(application) if code == "application" else pack.motivation_pdf(application)
    )
    return _store_document(
        application,
        item,
        DocumentSource.GENERATED,
        content,
        "pdf",
        "application/pdf",
        actor,
        original_name=pack.filename(application, code),
        checked=True,
    )


def use_record_certificate(
    application: AuthorisationApplication, actor: Actor
) -> ApplicationDocument:
    """The HPCSA certificate from the applicant's prescriber record."""
    item = _item_or_refuse(application, "hpcsa-certificate")
    _require_prescriber(actor, _("add the HPCSA certificate"))
    _require_documents_open(application)
    prescriber = application.prescriber
    if prescriber is None or not prescriber.hpcsa_certificate:
        raise Refused(_("Upload the certificate to the applicant's prescriber record first."))
    with transaction.atomic():
        document = ApplicationDocument.objects.create(
            application=application,
            item=item,
            source=DocumentSource.RECORD,
            file=prescriber.hpcsa_certificate.name,
            content_type=prescriber.certificate_content_type,
            size=prescriber.certificate_size or 0,
            original_name="hpcsa-certificate",
            added_by=actor.user,
        )
        _audit(actor, AuditAction.CREATE, application, "authorisation_document")
    return document


def check_document(document: ApplicationDocument, actor: Actor) -> ApplicationDocument:
    """Record that someone looked at the document and found it right."""
    if not may_handle(actor.role, document.item.code):
        raise Refused(_("Only the prescriber can check this document."))
    _require_documents_open(document.application)
    if document.checked_at is None:
        with transaction.atomic():
            document.checked_by, document.checked_at = actor.user, timezone.now()
            document.note = ""
            document.save(update_fields=["checked_by", "checked_at", "note"])
            _audit(actor, AuditAction.UPDATE, document.application, "authorisation_document")
    return document


def store_certificate(
    prescriber: PrescriberRecord, upload: IO[bytes], name: str, size: int | None, actor: Actor
) -> PrescriberRecord:
    try:
        clean = uploads.clean_document(uploads.read_upload(upload, name, size), name)
    except uploads.UploadRejected as rejected:
        raise Invalid({"hpcsa_certificate": [str(rejected)]}) from None
    with uploads.delete_files_on_error() as written, transaction.atomic():
        prescriber.hpcsa_certificate.save(
            f"{prescriber.pk}.{clean.extension}", ContentFile(clean.content), save=False
        )
        written.append(prescriber.hpcsa_certificate)
        prescriber.certificate_content_type = clean.content_type
        prescriber.certificate_size = len(clean.content)
        prescriber.updated_by = actor.user
        prescriber.save()
        audit.record(
            actor.request,
            AuditAction.UPDATE,
            object_type="prescriber_record",
            object_id=prescriber.pk,
            role=actor.role,
            actor=actor.user,
        )
    return prescriber


# --- Moving through the states -------------------------------------------------------------


@dataclass
class Step:
    """What a transition records: its day, a note, and the fields of its action."""

    on: date
    note: str = ""
    reference_number: str = ""
    authorisation_number: str = ""
    valid_until: date | None = None
    authorised_packs: int | None = None
    pack_grams: int | None = None


def _check_step(
    application: AuthorisationApplication, action: states.Action, step: Step, today: date
) -> None:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if step.on > today:
        add("on", _("The day cannot be in the future."))
    last = application.events.order_by("-at", "-pk").first()
    if last is not None and step.on < last.on:
        add(
            "on",
            _("The day cannot be before the last step (%(day)s).") % {"day": day_text(last.on)},
        )
    if action.note_required and not step.note.strip():
        add("note", _("%(what)s is needed.") % {"what": action.note_label})
    if action.code == states.SUBMIT and not step.reference_number.strip():
        add("reference_number", _("Give the reference number the regulator's portal gave."))
    if action.code == states.APPROVE:
        _check_approval(step, add)
    if (
        action.code == states.EXPIRE
        and application.valid_until
        and step.on <= application.valid_until
    ):
        add(
            "on",
            _("The authorisation is valid until %(day)s; it expires only after that day.")
            % {"day": day_text(application.valid_until)},
        )
    if errors:
        raise Invalid(errors)


def _check_approval(step: Step, add: Any) -> None:
    if not step.authorisation_number.strip():
        add("authorisation_number", _("An approval needs the authorisation number."))
    if step.valid_until is None:
        add("valid_until", _("An approval needs the last day of validity."))
    elif step.valid_until < step.on:
        add("valid_until", _("The validity cannot end before the approval."))
    if not step.authorised_packs or step.authorised_packs < 1:
        add("authorised_packs", _("An approval needs the number of packs authorised."))
    if step.pack_grams not in TubeSize.values:
        add("pack_grams", _("Give the pack size authorised (60 g or 100 g)."))


def _gate(application: AuthorisationApplication, action: states.Action) -> None:
    """What must be true of the application itself before the step."""
    if action.code not in (states.MARK_READY, states.SUBMIT):
        return
    missing = checklist.missing(application)
    if missing:
        names = "; ".join(row.item.label for row in missing)
        raise Refused(
            _("The document checklist is not complete. Still missing or not checked: %(items)s.")
            % {"items": names}
        )
    if application.prescriber is None or application.importer is None:
        raise Refused(_("Name the applicant and the importer first."))
    if record.has_placeholder(application.motivation) or application.motivation_edited_by is None:
        raise Refused(_("The prescriber has to write and save the motivation first."))


def _apply(application: AuthorisationApplication, action: states.Action, step: Step) -> None:
    if action.code == states.SUBMIT:
        application.submitted_on = step.on
        application.reference_number = step.reference_number.strip()
    elif action.code == states.APPROVE:
        application.authorisation_number = step.authorisation_number.strip()
        application.approved_on = step.on
        application.valid_until = step.valid_until
        application.authorised_packs = step.authorised_packs
        application.pack_grams = step.pack_grams
    elif action.code == states.REJECT:
        application.rejection_reason = step.note.strip()


def _step_data(action: states.Action, step: Step) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in action.fields:
        value = getattr(step, name)
        data[name] = value.isoformat() if isinstance(value, date) else value
    return data


def transition(
    application: AuthorisationApplication, code: str, step: Step, actor: Actor, today: date
) -> ApplicationEvent:
    """Move the application by one step of the state machine, or refuse and save nothing."""
    action = states.ACTIONS.get(code)
    if action is None or application.state != action.source:
        raise Refused(states.refusal(application.state, code))
    if actor.user is not None or code != states.EXPIRE:
        _require_prescriber(actor, _("move an application to its next step"))
    _check_step(application, action, step, today)
    _gate(application, action)
    with transaction.atomic():
        locked = AuthorisationApplication.objects.select_for_update().get(pk=application.pk)
        if locked.state != action.source:
            raise Refused(states.refusal(locked.state, code))
        _apply(application, action, step)
        application.state = action.target
        application.state_changed_at = timezone.now()
        try:
            with transaction.atomic():
                application.save()
        except IntegrityError:
            application.refresh_from_db()
            raise Invalid(
                {
                    "authorisation_number": [
                        _("Another authorisation on this route has this number.")
                    ]
                }
            ) from None
        event = _event(
            application,
            action.source,
            action.target,
            actor,
            step.on,
            step.note.strip(),
            _step_data(action, step),
        )
        _audit(actor, AuditAction.UPDATE, application)
    reporting.sync_tasks_for(application, today)
    return event


def expire_lapsed(today: date) -> list[AuthorisationApplication]:
    """Approved applications whose validity ended before today become expired (by the system)."""
    lapsed = AuthorisationApplication.objects.filter(
        state=State.APPROVED, valid_until__lt=today
    ).select_related("patient__clinic")
    expired = []
    for application in lapsed:
        assert application.valid_until is not None
        step = Step(on=application.valid_until + timedelta(days=1))
        note = _("The validity ended on %(day)s.") % {"day": day_text(application.valid_until)}
        step.note = note
        try:
            transition(application, states.EXPIRE, step, Actor(None, ""), today)
        except (Refused, Invalid):
            continue
        expired.append(application)
    return expired


# --- Re-authorisation ----------------------------------------------------------------------

#: Documents that stay the same from one authorisation to the next (copied, with their check).
CARRIED_OVER = frozenset(
    {
        "product-brochure",
        "package-insert",
        "foreign-registration",
        "gmp-evidence",
        "hpcsa-certificate",
    }
)
RENEWABLE_STATES = frozenset({State.APPROVED, State.EXPIRED})


def current_renewal(application: AuthorisationApplication) -> AuthorisationApplication | None:
    return application.renewals.exclude(state__in=[State.REJECTED, State.WITHDRAWN]).first()


def start_reauthorisation(
    previous: AuthorisationApplication,
    actor: Actor,
    today: date,
    prescription: Prescription | None = None,
) -> AuthorisationApplication:
    """A new application pre-filled from ``previous``: same patient, product, route, applicant,
    importer, medicine and motivation; the prescription, dosage and consent may then change."""
    _require_prescriber(actor, _("start a re-authorisation"))
    if previous.state not in RENEWABLE_STATES:
        raise Refused(
            _("Only an approved or expired authorisation can be renewed; this one is %(state)s.")
            % {"state": previous.get_state_display().lower()}
        )
    existing = current_renewal(previous)
    if existing is not None:
        raise Refused(
            _("A re-authorisation of this authorisation already exists (%(state)s).")
            % {"state": existing.get_state_display().lower()}
        )
    chosen = prescription or previous.prescription
    renewal = _copy_for_renewal(previous, chosen, actor)
    if chosen.pk != previous.prescription_id:
        _check_new_prescription(renewal, chosen, today)
    with transaction.atomic():
        _requote(renewal)
        renewal.save()
        _carry_documents(previous, renewal, actor)
        note = _("Re-authorisation of %(number)s.") % {
            "number": previous.authorisation_number or previous.pk
        }
        _event(renewal, "", State.DRAFT, actor, today, note, {"renews": previous.pk})
        _audit(actor, AuditAction.CREATE, renewal)
    return renewal


def _copy_for_renewal(
    previous: AuthorisationApplication, prescription: Prescription, actor: Actor
) -> AuthorisationApplication:
    return AuthorisationApplication(
        patient=previous.patient,
        prescription=prescription,
        product=previous.product,
        route=previous.route,
        renews=previous,
        prescriber=previous.prescriber,
        importer=previous.importer,
        dosage=record.dosage_text(prescription)
        if prescription.pk != previous.prescription_id
        else previous.dosage,
        period_weeks=previous.period_weeks,
        requested_pack_grams=previous.requested_pack_grams,
        requested_packs=previous.requested_packs,
        requested_grams=previous.requested_grams,
        motivation=previous.motivation,
        motivation_edited_by=previous.motivation_edited_by,
        motivation_edited_at=previous.motivation_edited_at,
        medicine=dict(previous.medicine),
        created_by=actor.user,
    )


def _carry_documents(
    previous: AuthorisationApplication, renewal: AuthorisationApplication, actor: Actor
) -> None:
    for row in checklist.rows(previous):
        document = row.document
        if document is None or row.item.code not in CARRIED_OVER:
            continue
        ApplicationDocument.objects.create(
            application=renewal,
            item=row.item,
            source=document.source,
            file=document.file.name,
            content_type=document.content_type,
            size=document.size,
            original_name=document.original_name,
            note=_("Carried over from the authorisation renewed."),
            added_by=actor.user,
            checked_by=document.checked_by,
            checked_at=document.checked_at,
        )
