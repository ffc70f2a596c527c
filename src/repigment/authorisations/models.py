"""Authorisation applications, their events and documents, and the people and firms they name.

An application is built from one prescription of one patient and follows one access route of
the patient's country (Section 21 in South Africa). Its state changes only through
:mod:`repigment.authorisations.states`, each change one ``ApplicationEvent``; the fields
the regulator's answer sets (authorisation number, approval date, validity end, authorised
quantity) are written by those transitions, never edited directly.

The supply app builds on these names: ``AuthorisationApplication`` (``patient``,
``prescription``, ``product``, ``route``, ``importer``, ``state``, ``authorisation_number``,
``approved_on``, ``valid_until``, ``authorised_packs``, ``pack_grams``), ``Importer`` and
``PrescriberRecord``. Use :func:`repigment.authorisations.quantity.remaining` for what is
left to dispense, and ``usable_on(day)`` before supplying against an application.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from repigment.access.models import AccessRoute, ChecklistItem
from repigment.accounts.models import Clinic
from repigment.core.appendonly import AppendOnly
from repigment.patients.models import Patient
from repigment.treatment.models import Prescription, Product, TubeSize


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    READY = "ready", _("Ready to submit")
    SUBMITTED = "submitted", _("Submitted")
    QUERIED = "queried", _("Queried by the regulator")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


#: States in which the regulator holds the application (what the pipeline's turnaround measures).
WITH_REGULATOR = frozenset({State.SUBMITTED, State.QUERIED})
#: States that end an application.
FINAL_STATES = frozenset({State.REJECTED, State.EXPIRED, State.WITHDRAWN})
#: States in which the application's own content may still change.
EDITABLE_STATES = frozenset({State.DRAFT, State.READY})


class PrescriberRecord(models.Model):
    """Section A of an application: the treating practitioner, reused across applications."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="prescriber_record",
        verbose_name=_("user"),
    )
    title = models.CharField(_("title"), max_length=20, blank=True, help_text=_("e.g. Dr"))
    initials = models.CharField(_("initials"), max_length=20, blank=True)
    hpcsa_number = models.CharField(
        _("HPCSA registration number"), max_length=30, unique=True, help_text=_("e.g. MP 0123456")
    )
    qualifications = models.CharField(_("registered qualifications"), max_length=300)
    specialty = models.CharField(
        _("specialty"),
        max_length=120,
        help_text=_("The specialty under which the patient is treated, e.g. Dermatology."),
    )
    practice_number = models.CharField(_("practice number (BHF)"), max_length=30)
    hpcsa_certificate = models.FileField(
        _("HPCSA registration certificate"), upload_to="access/prescribers/", blank=True
    )
    certificate_content_type = models.CharField(max_length=40, blank=True)
    certificate_size = models.PositiveIntegerField(null=True, blank=True)
    updated = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering: ClassVar = ["user__full_name"]
        verbose_name = _("prescriber record")
        verbose_name_plural = _("prescriber records")

    def __str__(self) -> str:
        return f"{self.user} ({self.hpcsa_number})"

    @property
    def name_without_title(self) -> str:
        """The user's full name, without the title when it is typed there too ("Dr ...")."""
        name = self.user.full_name.strip()
        if self.title and name.lower().startswith(self.title.lower() + " "):
            return name[len(self.title) + 1 :].strip()
        return name

    @property
    def display_name(self) -> str:
        return f"{self.title} {self.name_without_title}".strip()


class Importer(models.Model):
    """Section B: a licensed importer (usually an import pharmacy), reused across applications."""

    name = models.CharField(_("name"), max_length=200)
    sahpra_licence_number = models.CharField(_("SAHPRA licence number"), max_length=60, unique=True)
    site_master_file_number = models.CharField(_("site master file (SMF) number"), max_length=60)
    address = models.TextField(_("address"))
    country = models.CharField(_("country (ISO 3166 alpha-2)"), max_length=2, default="ZA")
    pharmacy = models.ForeignKey(
        Clinic,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="importer_records",
        limit_choices_to={"kind": Clinic.Kind.PHARMACY},
        verbose_name=_("pharmacy in Repigment"),
        help_text=_("The import pharmacy's own account here, when it has one."),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    active = models.BooleanField(_("can be named on new applications"), default=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["name"]
        verbose_name = _("importer")
        verbose_name_plural = _("importers")

    def __str__(self) -> str:
        return f"{self.name} ({self.sahpra_licence_number})"


class ApplicationQuerySet(models.QuerySet["AuthorisationApplication"]):
    def in_clinics(self, clinics: Any) -> ApplicationQuerySet:
        return self.filter(patient__clinic__in=clinics)

    def usable_on(self, day: date) -> ApplicationQuerySet:
        """Approved and valid on ``day`` (quantity is checked by ``quantity.remaining``)."""
        return self.filter(state=State.APPROVED, approved_on__lte=day, valid_until__gte=day)


class AuthorisationApplication(models.Model):
    """One application to the regulator for one patient's prescription on one route."""

    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="authorisation_applications"
    )
    prescription = models.ForeignKey(
        Prescription, on_delete=models.PROTECT, related_name="authorisation_applications"
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="authorisation_applications"
    )
    route = models.ForeignKey(
        AccessRoute, on_delete=models.PROTECT, related_name="applications", verbose_name=_("route")
    )
    renews = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewals",
        verbose_name=_("re-authorisation of"),
    )
    prescriber = models.ForeignKey(
        PrescriberRecord,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("applicant"),
    )
    importer = models.ForeignKey(
        Importer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("importer"),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True
    )
    state_changed_at = models.DateTimeField(_("state since"), default=timezone.now)
    # What is asked for.
    dosage = models.CharField(_("dosage"), max_length=300)
    period_weeks = models.PositiveSmallIntegerField(_("supply period (weeks)"))
    requested_pack_grams = models.PositiveSmallIntegerField(
        _("pack size requested"), choices=TubeSize.choices
    )
    requested_packs = models.PositiveIntegerField(_("packs requested"))
    requested_grams = models.DecimalField(
        _("grams needed for the period"), max_digits=10, decimal_places=3
    )
    motivation = models.TextField(
        _("motivation"),
        help_text=_("Why no medicine registered in the country can be used (Regulation 29(2)(f))."),
    )
    motivation_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    motivation_edited_at = models.DateTimeField(null=True, blank=True)
    medicine = models.JSONField(
        _("medicine details (section D)"),
        default=dict,
        help_text=_("Active ingredient, strength, form, makers and foreign registrations."),
    )
    consent_signed_on = models.DateField(_("informed consent signed on"), null=True, blank=True)
    consent_witness = models.CharField(_("consent witnessed by"), max_length=150, blank=True)
    # Set by the transitions.
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    reference_number = models.CharField(_("regulator's reference"), max_length=60, blank=True)
    authorisation_number = models.CharField(_("authorisation number"), max_length=60, blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    authorised_packs = models.PositiveIntegerField(_("packs authorised"), null=True, blank=True)
    pack_grams = models.PositiveSmallIntegerField(
        _("pack size authorised"), choices=TubeSize.choices, null=True, blank=True
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    created = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated = models.DateTimeField(auto_now=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-created", "-pk"]
        verbose_name = _("authorisation application")
        verbose_name_plural = _("authorisation applications")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=~Q(state="approved")
                | (
                    ~Q(authorisation_number="")
                    & Q(approved_on__isnull=False, valid_until__isnull=False)
                    & Q(authorised_packs__isnull=False, pack_grams__isnull=False)
                ),
                name="approved_application_has_its_terms",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(approved_on__isnull=True)
                | Q(valid_until__gte=models.F("approved_on")),
                name="application_valid_after_approval",
            ),
            models.UniqueConstraint(
                fields=["route", "authorisation_number"],
                condition=~Q(authorisation_number=""),
                name="authorisation_number_unique_on_route",
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["state", "valid_until"]),  # the dispensing list's order
            # A state's pages in the pipeline: longest in the state first.
            models.Index(fields=["state", "state_changed_at"], name="application_state_since"),
        ]

    def __str__(self) -> str:
        number = self.authorisation_number or self.reference_number or f"#{self.pk}"
        return f"{self.route.name} {number} ({self.get_state_display()})"

    @property
    def clinic(self) -> Clinic:
        return self.patient.clinic

    @property
    def authorised_grams(self) -> int | None:
        """The authorised quantity in grams: packs × pack size."""
        if self.authorised_packs is None or self.pack_grams is None:
            return None
        return self.authorised_packs * self.pack_grams

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES

    def usable_on(self, day: date) -> bool:
        """Approved and within its validity on ``day`` (not expired, withdrawn or early)."""
        return (
            self.state == State.APPROVED
            and self.approved_on is not None
            and self.valid_until is not None
            and self.approved_on <= day <= self.valid_until
        )

    def days_left(self, day: date) -> int | None:
        """Days of validity left after ``day`` (0 on the last valid day; None if not approved)."""
        if self.state != State.APPROVED or self.valid_until is None:
            return None
        return max((self.valid_until - day).days, 0)

    def chain(self) -> list[AuthorisationApplication]:
        """This application and those it renews, oldest first."""
        found = [self]
        while found[0].renews_id is not None:
            found.insert(0, found[0].renews)  # type: ignore[arg-type]
        return found

    @property
    def requested_grams_total(self) -> Decimal:
        return Decimal(self.requested_packs * self.requested_pack_grams)


class ApplicationEvent(AppendOnly):
    """One state change: who, when, from which state to which, and why (append-only).

    A query's question is the note of the change to ``queried``, its answer the note of the
    change back to ``submitted``; ``data`` keeps what the change recorded (reference number,
    authorisation number, dates, quantity).
    """

    time_field = "at"

    application = models.ForeignKey(
        AuthorisationApplication, on_delete=models.PROTECT, related_name="events"
    )
    from_state = models.CharField(_("from"), max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=State.choices)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    on = models.DateField(
        _("on"), help_text=_("The day it happened (e.g. the day the regulator's letter is dated).")
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering: ClassVar = ["at", "pk"]
        verbose_name = _("application event")
        verbose_name_plural = _("application events")

    def __str__(self) -> str:
        return f"{self.from_state or '-'} → {self.to_state} ({self.at:%Y-%m-%d})"


class DocumentSource(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    GENERATED = "generated", _("Generated by Repigment")
    RECORD = "record", _("From the prescriber's record")


def _document_path(instance: ApplicationDocument, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1]
    return f"access/applications/{instance.application_id}/{uuid.uuid4().hex}.{extension}"


class ApplicationDocument(models.Model):
    """One document for one checklist item of the route; the newest per item is the current one."""

    application = models.ForeignKey(
        AuthorisationApplication, on_delete=models.PROTECT, related_name="documents"
    )
    item = models.ForeignKey(
        ChecklistItem,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("checklist item"),
    )
    source = models.CharField(_("source"), max_length=20, choices=DocumentSource.choices)
    file = models.FileField(upload_to=_document_path, max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("checked by"),
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["item__order", "item__pk", "-added_at", "-pk"]
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")

    def __str__(self) -> str:
        return f"{self.item.code} for application {self.application_id}"

    @property
    def is_checked(self) -> bool:
        return self.checked_at is not None


class ReportKind(models.TextChoices):
    PROGRESS = "progress", _("Six-monthly progress report")
    FINAL = "final", _("Final report")


class ReportTask(models.Model):
    """A report the regulator is owed for a course authorised by a chain of applications.

    ``first_application`` is the first approved application of the chain (a re-authorisation
    continues it); ``application`` is the one in force when the report falls due.
    """

    first_application = models.ForeignKey(
        AuthorisationApplication, on_delete=models.PROTECT, related_name="+"
    )
    application = models.ForeignKey(
        AuthorisationApplication, on_delete=models.PROTECT, related_name="report_tasks"
    )
    kind = models.CharField(_("report"), max_length=20, choices=ReportKind.choices)
    number = models.PositiveSmallIntegerField(_("number"), default=1)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    due_on = models.DateField(_("due on"))
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering: ClassVar = ["due_on", "pk"]
        verbose_name = _("report task")
        verbose_name_plural = _("report tasks")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["first_application", "kind", "number"], name="one_report_task_per_number"
            )
        ]
        indexes: ClassVar = [
            # The reports owed, soonest first (``reporting.owed``): the dashboards' first few
            # stop after a few entries instead of sorting every unsent task (100,000 patients
            # on PostgreSQL: 22 ms for one clinic, 2.5 ms with it).
            models.Index(
                fields=["due_on", "id"],
                condition=models.Q(submitted_on__isnull=True),
                name="report_task_owed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number} due {self.due_on}"

    @property
    def is_done(self) -> bool:
        return self.submitted_on is not None
