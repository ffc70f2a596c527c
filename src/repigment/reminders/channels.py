"""How a message reaches a patient: e-mail, or SMS through a gateway, behind one interface.

``settings.REMINDER_PATIENT_CHANNELS`` lists the channels in order of preference (e-mail
first by default); the first one the patient has an address for is used.
``settings.SMS_GATEWAY`` names the SMS gateway class; the console gateway, for development,
prints the message instead of sending it.

A run sends a chunk of messages through ``send_all``: one mail connection (one gateway) for
the chunk, not one per message, and each message's failure reported on its own.

The e-mails are Django's own, byte for byte (``send_mail`` builds the same but for ``Date``
and ``Message-ID``), only cheaper: the headers that are the same in thousands of messages
(the subject of a kind on a day in a language, ``From``, the MIME headers) are encoded and
folded once, not once per message; at 100,000 patients that was a seventh of a first run.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from email.message import Message
from email.policy import Compat32
from functools import lru_cache
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.message import forbid_multi_line_headers
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


#: Headers whose value many messages share: each value is folded once per run, not per message.
_SHARED = frozenset(
    {"subject", "from", "mime-version", "content-type", "content-transfer-encoding"}
)


@lru_cache(maxsize=4096)
def _folded(name: str, value: str, linesep: str, max_line_length: int | None, cte: str) -> bytes:
    policy = Compat32(linesep=linesep, max_line_length=max_line_length, cte_type=cte)
    return policy.fold_binary(name, value)


class _SharedHeaders(Compat32):
    """The standard library's ``compat32`` policy (Django's), which folds a shared header's
    value once (folding is a function of the name, the value and these settings alone) and
    writes a short plain header as it is, which is what folding it gives."""

    def fold_binary(self, name: str, value: Any) -> bytes:
        if isinstance(value, str):
            if name.lower() in _SHARED:
                return _folded(name, value, self.linesep, self.max_line_length, self.cte_type)
            if _fits(name, value, self.max_line_length):  # Date, Message-ID, most To
                return f"{name}: {value}{self.linesep}".encode("ascii")
        return super().fold_binary(name, value)


def _fits(name: str, value: str, max_line_length: int | None) -> bool:
    """Whether ``compat32`` leaves the header as it is: printable ASCII, one space at most
    between words and none around them, on one line within the limit."""
    return (
        bool(max_line_length)
        and len(name) + 2 + len(value) <= max_line_length  # type: ignore[operator]
        and value.isascii()
        and value.isprintable()
        and "  " not in value
        and value == value.strip()
    )


_POLICY = _SharedHeaders()


@lru_cache(maxsize=1024)
def _stored_subject(subject: str, encoding: str) -> str:
    """The subject as Django stores it in the message (encoded words if not ASCII)."""
    return str(forbid_multi_line_headers("Subject", subject, encoding)[1])


class PatientEmail(EmailMultiAlternatives):
    """What ``send_mail`` sends, with the subject encoded once per text rather than once per
    message, and the shared headers folded once (see ``_SharedHeaders``)."""

    def message(self) -> Message:
        subject, self.subject = self.subject, ""  # Django encodes "" for free; ours is cached
        try:
            message = super().message()
        finally:
            self.subject = subject
        encoding = self.encoding or settings.DEFAULT_CHARSET
        message.replace_header("Subject", _stored_subject(subject, encoding))
        message.policy = _POLICY
        return message  # type: ignore[no-any-return]


class EmailChannel:
    name = "email"

    def address(self, patient: Patient) -> str:
        return patient.email

    def send(self, patient: Patient, subject: str, body: str, connection: Any = None) -> None:
        connection = connection or get_connection()
        PatientEmail(subject, body, None, [patient.email], connection=connection).send()

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
