"""How a message reaches a patient: e-mail, or SMS through a gateway, behind one interface.

``settings.REMINDER_PATIENT_CHANNELS`` lists the channels in order of preference (e-mail
first by default); the first one the patient has an address for is used.
``settings.SMS_GATEWAY`` names the SMS gateway class; the console gateway, for development,
prints the message instead of sending it.
"""

from __future__ import annotations

import sys
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from repigment.patients.models import Patient


class Channel(Protocol):
    name: str

    def address(self, patient: Patient) -> str: ...

    def send(self, patient: Patient, subject: str, body: str) -> None: ...


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

    def send(self, patient: Patient, subject: str, body: str) -> None:
        send_mail(subject, body, None, [patient.email])


class SmsChannel:
    name = "sms"

    def address(self, patient: Patient) -> str:
        return patient.phone

    def send(self, patient: Patient, subject: str, body: str) -> None:
        gateway: SmsGateway = import_string(settings.SMS_GATEWAY)()
        gateway.send(patient.phone, f"{subject}: {body}")


CHANNELS: dict[str, Channel] = {"email": EmailChannel(), "sms": SmsChannel()}


def channel_for(patient: Patient) -> Channel | None:
    """The first configured channel the patient can be reached on, if any."""
    for name in settings.REMINDER_PATIENT_CHANNELS:
        channel = CHANNELS[name]
        if channel.address(patient):
            return channel
    return None
