"""Adverse events of a patient and the reports sent about them to the regulator.

An event is reported by the prescriber, or by the patient from the portal; a patient's report
stays *unconfirmed* until a prescriber of the clinic reviews it (confirms it, completing the
clinical fields, or dismisses it with a note). A serious event stays highlighted on the clinic
dashboard until a report about it is recorded as sent.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from repigment.patients.models import Patient
from repigment.safety.terms import BY_CODE, OTHER, TERM_CHOICES, Term, TermGroup


class Severity(models.TextChoices):
    MILD = "mild", _("Mild")
    MODERATE = "moderate", _("Moderate")
    SEVERE = "severe", _("Severe")


class Seriousness(models.TextChoices):
    """The ICH E2B seriousness criteria; an event meeting any of them is serious."""

    DEATH = "death", _("Results in death")
    LIFE_THREATENING = "life_threatening", _("Life-threatening")
    HOSPITALISATION = "hospitalisation", _("Caused or prolonged hospitalisation")
    DISABILITY = "disability", _("Persistent or significant disability or incapacity")
    CONGENITAL_ANOMALY = "congenital_anomaly", _("Congenital anomaly or birth defect")
    OTHER_IMPORTANT = "other_important", _("Other important medical event")


class Outcome(models.TextChoices):
    RECOVERED = "recovered", _("Recovered or resolved")
    RECOVERING = "recovering", _("Recovering or resolving")
    NOT_RECOVERED = "not_recovered", _("Not recovered, not resolved, ongoing")
    RECOVERED_WITH_SEQUELAE = "sequelae", _("Recovered or resolved with sequelae")
    FATAL = "fatal", _("Fatal")
    UNKNOWN = "unknown", _("Unknown")


class ActionTaken(models.TextChoices):
    """What was done with the cream because of the event."""

    NOT_CHANGED = "not_changed", _("Use not changed")
    REDUCED = "reduced", _("Use reduced (smaller area or fewer applications)")
    INTERRUPTED = "interrupted", _("Interrupted, then restarted or to be restarted")
    WITHDRAWN = "withdrawn", _("Stopped")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")
    UNKNOWN = "unknown", _("Unknown")


class Causality(models.TextChoices):
    """The WHO-UMC causality categories, as the prescriber assesses them."""

    CERTAIN = "certain", _("Certain")
    PROBABLE = "probable", _("Probable / likely")
    POSSIBLE = "possible", _("Possible")
    UNLIKELY = "unlikely", _("Unlikely")
    CONDITIONAL = "conditional", _("Conditional / unclassified")
    UNASSESSABLE = "unassessable", _("Unassessable / unclassifiable")


class ReporterKind(models.TextChoices):
    PRESCRIBER = "prescriber", _("Prescriber")
    PATIENT = "patient", _("Patient")


class Status(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("Reported by the patient, awaiting review")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed after review")


class AdverseEventQuerySet(models.QuerySet["AdverseEvent"]):
    def serious(self) -> AdverseEventQuerySet:
        return self.exclude(seriousness=[])

    def awaiting_review(self) -> AdverseEventQuerySet:
        return self.filter(status=Status.UNCONFIRMED)

    def without_sent_report(self) -> AdverseEventQuerySet:
        return self.exclude(reports__isnull=False)

    def needing_report(self) -> AdverseEventQuerySet:
        """Serious, not dismissed, and no report recorded as sent: the dashboard's highlight."""
        return self.serious().exclude(status=Status.DISMISSED).without_sent_report()


class AdverseEvent(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="adverse_events")
    term = models.CharField(_("event"), max_length=40, choices=TERM_CHOICES)
    term_other = models.CharField(
        _("event, in words"),
        max_length=200,
        blank=True,
        help_text=_("Required when the event is not in the list."),
    )
    description = models.TextField(_("description"), blank=True)
    onset_date = models.DateField(_("started on"))
    end_date = models.DateField(_("ended on"), null=True, blank=True)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    seriousness = models.JSONField(_("seriousness criteria"), default=list, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.UNKNOWN
    )
    action_taken = models.CharField(
        _("action taken with the cream"),
        max_length=20,
        choices=ActionTaken.choices,
        default=ActionTaken.UNKNOWN,
    )
    causality = models.CharField(
        _("causality (WHO-UMC)"), max_length=20, choices=Causality.choices, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.CONFIRMED
    )
    reporter_kind = models.CharField(_("reported by"), max_length=20, choices=ReporterKind.choices)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(default=timezone.now, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    updated = models.DateTimeField(auto_now=True)

    objects = AdverseEventQuerySet.as_manager()

    class Meta:
        ordering = ["-onset_date", "-pk"]
        verbose_name = _("adverse event")
        verbose_name_plural = _("adverse events")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("onset_date")),
                name="adverse_event_ends_after_onset",
            ),
            models.CheckConstraint(
                condition=~Q(term=OTHER) | ~Q(term_other=""),
                name="adverse_event_other_term_named",
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["patient", "status"]),
            # The lists' order, newest first: an API page walks it instead of sorting them all.
            models.Index(fields=["onset_date", "id"], name="adverse_event_order"),
        ]

    def __str__(self) -> str:
        return f"{self.term_text} ({self.onset_date}) of patient {self.patient_id}"

    @property
    def term_entry(self) -> Term:
        return BY_CODE[self.term]

    @property
    def term_text(self) -> str:
        """The event as reported: the listed term, or the reporter's own words."""
        return self.term_other if self.term == OTHER else str(self.term_entry.label)

    @property
    def patient_words(self) -> str:
        """The event as the patient sees it: what they typed, else the everyday wording they
        chose; the coded term (``term_text``) is for staff and reports."""
        if self.term_other:
            return self.term_other
        plain = self.term_entry.plain
        return str(plain if plain is not None else self.term_entry.label)

    @property
    def is_serious(self) -> bool:
        return bool(self.seriousness)

    @property
    def is_boxed_warning_category(self) -> bool:
        return self.term_entry.group == TermGroup.BOXED

    @property
    def is_unconfirmed(self) -> bool:
        return self.status == Status.UNCONFIRMED

    def seriousness_labels(self) -> list[str]:
        return [str(Seriousness(code).label) for code in self.seriousness]

    def sent_report(self) -> SafetyReport | None:
        return self.reports.order_by("-sent_on", "-pk").first()


class SafetyReport(models.Model):
    """A report about an event recorded as sent to the regulator (the first or a follow-up)."""

    class Route(models.TextChoices):
        MED_SAFETY = "med_safety", _("SAHPRA Med Safety app")
        ADR_FORM = "adr_form", _("SAHPRA ADR reporting form (e-mailed)")
        OTHER = "other", _("Another regulator or route")

    event = models.ForeignKey(AdverseEvent, on_delete=models.PROTECT, related_name="reports")
    sent_on = models.DateField(_("sent on"))
    route = models.CharField(_("sent through"), max_length=20, choices=Route.choices)
    reference = models.CharField(
        _("regulator's reference"),
        max_length=100,
        blank=True,
        help_text=_("The acknowledgement or case number, if the regulator gave one."),
    )
    follow_up = models.BooleanField(_("follow-up report"), default=False)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["sent_on", "pk"]
        verbose_name = _("safety report")
        verbose_name_plural = _("safety reports")

    def __str__(self) -> str:
        return f"report of {self.event_id} sent {self.sent_on}"
