"""The patients' e-mails are built more cheaply than ``send_mail`` builds them (shared
headers encoded and folded once), and must be the same bytes but for Date and Message-ID."""

from __future__ import annotations

import random
import string
from datetime import date, timedelta
from email.policy import compat32
from email.utils import formatdate, make_msgid
from io import StringIO

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command

from repigment.patients.models import ConsentPurpose
from repigment.reminders.channels import _POLICY, PatientEmail
from tests.conftest import World
from tests.patients.helpers import consent
from tests.reminders.helpers import monitored
from tests.safety.helpers import prescription

START = date(2026, 1, 5)
VARYING = (b"Date: ", b"Message-ID: ")


def without_date_and_id(data: bytes, linesep: bytes) -> bytes:
    return linesep.join(line for line in data.split(linesep) if not line.startswith(VARYING))


def django_bytes(subject: str, body: str, to: list[str], linesep: str) -> bytes:
    """What ``send_mail`` puts on the wire (SMTP ``\\r\\n``, the console ``\\n``)."""
    message = EmailMultiAlternatives(subject, body, None, to).message()
    return without_date_and_id(message.as_bytes(linesep=linesep), linesep.encode())


def ours(email: EmailMultiAlternatives, linesep: str) -> bytes:
    return without_date_and_id(email.message().as_bytes(linesep=linesep), linesep.encode())


SUBJECTS = [
    "Your week-24 review is due 21 Dec 2026",
    "Votre réévaluation de la semaine 24 est prévue le 21 déc. 2026",
    "Réévaluation " * 12,  # long and not ASCII: folded over several encoded words
    "A long ASCII subject that has to be folded over more than one line " * 2,
    "",
]


@pytest.mark.parametrize("linesep", ["\n", "\r\n"])
@pytest.mark.parametrize("subject", SUBJECTS)
def test_a_patient_email_is_the_bytes_send_mail_would_send(subject: str, linesep: str) -> None:
    body = "Chère Zoë,\n\n" + "é" * 1200 + "\n\nClinique\n"  # a line over 998: quoted-printable
    for _ in range(2):  # the second time from the caches
        for to in (["zoe@example.org"], ["Ngũgĩ <ngugi@exämple.org>"]):
            email = PatientEmail(subject, body, None, to)
            assert ours(email, linesep) == django_bytes(subject, body, to, linesep)
            assert email.subject == subject  # left as it was


def test_a_subject_with_a_newline_is_refused_as_django_refuses_it() -> None:
    with pytest.raises(ValueError, match="newlines"):
        PatientEmail("one\ntwo", "body", None, ["zoe@example.org"]).message()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_run_sends_what_send_mail_would_send(world: World, language: str) -> None:
    monitored(world.patient, START)
    world.patient.given_names = "Zoë Ngũgĩ"
    world.patient.email, world.patient.preferred_language = "zoe@example.org", language
    world.patient.save()
    consent(world.patient, ConsentPurpose.TREATMENT, ConsentPurpose.CONTACT, given_on=START)
    prescription(world.patient, START)
    call_command("remind", "--today", (START + timedelta(weeks=24)).isoformat(), stdout=StringIO())
    assert mail.outbox, "the run should message the patient"
    for sent in mail.outbox:
        assert isinstance(sent, PatientEmail)
        for linesep in ("\n", "\r\n"):
            assert ours(sent, linesep) == django_bytes(sent.subject, sent.body, sent.to, linesep)


def test_every_header_is_folded_as_compat32_folds_it() -> None:
    """Date and Message-ID are left out of the comparisons above: their folding is checked
    here, with addresses and a seeded spread of awkward ASCII values."""
    rng = random.Random(13)
    alphabet = string.ascii_letters + string.digits + " .,;:<>@=?_-\"'()[]\\\t"
    values = [formatdate(), formatdate(localtime=True), make_msgid(domain="localhost")]
    values += ["=?utf-8?q?esperan=C3=A7a=2Ephiri?=@example.org", "a@b.example, c@d.example"]
    values += ["".join(rng.choices(alphabet, k=rng.randint(0, 90))) for _ in range(5000)]
    for linesep in ("\n", "\r\n"):
        policy, theirs = _POLICY.clone(linesep=linesep), compat32.clone(linesep=linesep)
        for name in ("Date", "Message-ID", "To", "Subject"):
            for value in values:
                assert policy.fold_binary(name, value) == theirs.fold_binary(name, value)
