"""One run of the reminders: find what is due, create each reminder once, close what the
record has resolved, and send patients their message once, if they consented to contact.

Safe to run again and again, and by two timers at once: a reminder's key is unique, and a
patient's message is claimed (one row per reminder) before it is sent. A claim whose sending
fails is released, so the next run tries again; a message is never sent twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format

from repigment.accounts import audit
from repigment.accounts.models import AuditAction, Clinic, User
from repigment.patients.services import may_contact
from repigment.reminders.channels import channel_for
from repigment.reminders.models import DoneReason, PatientMessage, Reminder
from repigment.reminders.registry import Due, kind_of, sources

logger = logging.getLogger(__name__)


@dataclass
class RunResult:
    created: int = 0
    resolved: int = 0
    sent: int = 0
    no_consent: int = 0
    no_address: int = 0
    failed: int = 0

    def summary(self) -> str:
        return (
            f"reminders: {self.created} new, {self.resolved} resolved; patient messages: "
            f"{self.sent} sent, {self.no_consent} withheld (no consent to contact), "
            f"{self.no_address} without an address, {self.failed} failed"
        )


def lead_days() -> int:
    return int(settings.REMINDER_LEAD_DAYS)


def _audit(action: str, reminder: Reminder, object_type: str = "reminder") -> None:
    audit.record(
        None,
        action,
        object_type=object_type,
        object_id=reminder.pk,
        patient_id=reminder.patient_id,
        clinic=reminder.clinic,
    )


def _store(due: Due) -> bool:
    """Create the reminder unless its key exists (open or done); True when created."""
    defaults: dict[str, Any] = {
        "kind": due.kind,
        "due_on": due.due_on,
        "clinic": due.clinic,
        "patient": due.patient,
        "responsible_role": due.responsible_role,
        "responsible_user": due.responsible_user,
        "params": due.params,
        "url": due.url,
        "notify_patient": due.notify_patient,
    }
    reminder, created = Reminder.objects.get_or_create(key=due.key, defaults=defaults)
    if created:
        _audit(AuditAction.CREATE, reminder)
    return created


def collect(today: date, result: RunResult) -> None:
    """Create what is due and close what is resolved, without messaging anyone."""
    horizon = today + timedelta(days=lead_days())
    for source in sources():
        found = list(source.due(today))
        for due in found:
            if due.due_on <= horizon:
                result.created += _store(due)
        stale = Reminder.objects.open().filter(kind__in=list(source.kinds))
        for reminder in stale.exclude(key__in=[due.key for due in found]):
            reminder.done_at, reminder.done_reason = timezone.now(), DoneReason.RESOLVED
            reminder.save(update_fields=["done_at", "done_reason"])
            _audit(AuditAction.UPDATE, reminder)
            result.resolved += 1


def patient_language(code: str) -> str:
    """The patient's preferred language if the site speaks it, else the site's default."""
    spoken = {language for language, _name in settings.LANGUAGES}
    return code if code in spoken else settings.LANGUAGE_CODE


def message_text(reminder: Reminder, language: str) -> tuple[str, str]:
    """Subject and body of the patient's message, in ``language``."""
    kind = kind_of(reminder.kind)
    assert kind is not None and kind.patient_subject is not None and reminder.patient is not None
    with translation.override(language):
        params = {
            **reminder.params,
            "due": date_format(reminder.due_on),
            "clinic": reminder.clinic.name,
        }
        context = {
            "patient": reminder.patient,
            "clinic": reminder.clinic,
            "body": str(kind.patient_body or "") % params,
        }
        subject = str(kind.patient_subject) % params
        return subject, render_to_string("reminders/email/patient_message.txt", context)


def _notify(reminder: Reminder, result: RunResult) -> None:
    patient = reminder.patient
    assert patient is not None
    if not may_contact(patient):
        result.no_consent += 1
        return
    channel = channel_for(patient)
    if channel is None:
        result.no_address += 1
        return
    language = patient_language(patient.preferred_language)
    try:
        with transaction.atomic():
            claim = PatientMessage.objects.create(
                reminder=reminder, channel=channel.name, language=language
            )
    except IntegrityError:
        return  # another run claimed it: it is theirs to send
    try:
        subject, body = message_text(reminder, language)
        channel.send(patient, subject, body)
    except Exception:
        logger.exception("message for reminder %s could not be sent", reminder.pk)
        claim.delete()
        result.failed += 1
        return
    _audit(AuditAction.CREATE, reminder, "patient_message")
    result.sent += 1


def _messages_due(today: date) -> QuerySet[Reminder]:
    kinds = [code for source in sources() for code, k in source.kinds.items() if k.patient_subject]
    return (
        Reminder.objects.open()
        .filter(notify_patient=True, patient__isnull=False, kind__in=kinds, message__isnull=True)
        .filter(due_on__lte=today + timedelta(days=lead_days()))
        .select_related("patient__clinic", "clinic")
    )


def run(today: date | None = None) -> RunResult:
    today = today or timezone.localdate()
    result = RunResult()
    collect(today, result)
    for reminder in _messages_due(today):
        _notify(reminder, result)
    return result


# --- what a person sees ------------------------------------------------------------------


def reminder_text(reminder: Reminder) -> str:
    kind = kind_of(reminder.kind)
    if kind is None:
        return reminder.kind
    return str(kind.title) % {**reminder.params, "due": date_format(reminder.due_on)}


def open_for(user: User, clinics: list[Clinic], role: str, today: date) -> QuerySet[Reminder]:
    """Open reminders, due within the lead time, that are this person's or their role's."""
    mine = Q(responsible_user=user) | Q(responsible_user__isnull=True, responsible_role=role)
    return (
        Reminder.objects.open()
        .filter(clinic__in=clinics, due_on__lte=today + timedelta(days=lead_days()))
        .filter(mine)
        .select_related("patient__clinic", "clinic")
    )
