"""Reminders: one row per thing that falls due, found by the sources each app lists in
``settings.REMINDER_SOURCES``. The unique key makes a reminder exist once, however often the
``remind`` command runs; a patient's message about it is one row, so it is sent once.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from repigment.accounts.models import Clinic
from repigment.patients.models import Patient


class DoneReason(models.TextChoices):
    MARKED = "marked", _("Marked done")
    RESOLVED = "resolved", _("No longer due (resolved in the record)")


class ReminderQuerySet(models.QuerySet["Reminder"]):
    def open(self) -> ReminderQuerySet:
        return self.filter(done_at__isnull=True)


class Reminder(models.Model):
    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=60, db_index=True)
    due_on = models.DateField(_("due on"))
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="reminders")
    patient = models.ForeignKey(
        Patient, null=True, blank=True, on_delete=models.PROTECT, related_name="reminders"
    )
    responsible_role = models.CharField(_("responsible role"), max_length=20, blank=True)
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reminders",
    )
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=300, blank=True)
    notify_patient = models.BooleanField(default=False)
    created = models.DateTimeField(default=timezone.now, editable=False)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_reason = models.CharField(max_length=20, choices=DoneReason.choices, blank=True)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["due_on", "pk"]
        indexes: ClassVar = [
            # Open reminders of the clinics, soonest due first, covering what a work list
            # filters and counts on: its first few stop early in each clinic's due order, its
            # counts read the index alone (issue 13: 490 ms at 100,000 patients without it).
            models.Index(
                fields=["clinic", "due_on", "id", "responsible_role", "kind", "responsible_user"],
                condition=models.Q(done_at__isnull=True),
                name="reminder_open_work",
            ),
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class PatientMessage(models.Model):
    """The message a patient was sent about a reminder: at most one per reminder, ever."""

    reminder = models.OneToOneField(Reminder, on_delete=models.PROTECT, related_name="message")
    channel = models.CharField(max_length=20)
    language = models.CharField(max_length=10)
    sent_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.channel} message for {self.reminder_id}"
