"""How a message reaches a patient: e-mail, or SMS through a gateway, behind one interface.

``settings.REMINDER_PATIENT_CHANNELS`` lists the channels in order of preference (e-mail
first by default); the first one the patient has an address for is used.
``settings.SMS_GATEWAY`` names the SMS gateway class; the console gateway, for development,
prints the message instead of sending it.

A run sends a chunk of messages through ``send_all``: one mail connection (one gateway) for
the chunk, not one per message, and each message's failure reported on its own.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.utils.module_loading import import_string

from repigment.patients.models import Patient

logger = logging.getLogger(__name__)

#: A message to send: the patient, the subject and the body.
Outgoing = tuple[Patient, str, str]


class Channel(Protocol):
    name: str

    def address(self, patient: Patient) -> str: ...

    def send(self, patient: Patient, subject: str, body: str) -> None: ...

    def send_all(self, messages: Sequence[Outgoing]) -> list[bool]: ...


class SmsGateway(Protocol):
    def send(self, to: str, text: str) -> None: ...


class ConsoleSmsGateway:
    """Development only: writes the SMS to standard output."""

    def send(self, to: str, text: str) -> None:
        sys.stdout.write(f"SMS to {to}: {text}\n")


class EmailChannel:
    name = "email"

    def address(self, patient: Patient) -> str:
        return patient.email

    def send(self, patient: Patient, subject: str, body: str, connection: Any = None) -> None:
        send_mail(subject, body, None, [patient.email], connection=connection)

    def send_all(self, messages: Sequence[Outgoing]) -> list[bool]:
        """Send each message over one mail connection; whether each one went."""
        connection = get_connection()
        try:
            connection.open()
            return [_tried(self.send, *message, connection) for message in messages]
        finally:
            connection.close()


class SmsChannel:
    name = "sms"

    def address(self, patient: Patient) -> str:
        return patient.phone

    def send(
        self, patient: Patient, subject: str, body: str, gateway: SmsGateway | None = None
    ) -> None:
        gateway = gateway or import_string(settings.SMS_GATEWAY)()
        gateway.send(patient.phone, f"{subject}: {body}")

    def send_all(self, messages: Sequence[Outgoing]) -> list[bool]:
        """Send each message through one gateway; whether each one went."""
        gateway: SmsGateway = import_string(settings.SMS_GATEWAY)()
        return [_tried(self.send, *message, gateway) for message in messages]


def _tried(send: Any, patient: Patient, subject: str, body: str, through: Any) -> bool:
    try:
        send(patient, subject, body, through)
    except Exception:
        logger.exception("message to patient %s could not be sent", patient.pk)
        return False
    return True


CHANNELS: dict[str, Channel] = {"email": EmailChannel(), "sms": SmsChannel()}


def channel_for(patient: Patient) -> Channel | None:
    """The first configured channel the patient can be reached on, if any."""
    for name in settings.REMINDER_PATIENT_CHANNELS:
        channel = CHANNELS[name]
        if channel.address(patient):
            return channel
    return None
