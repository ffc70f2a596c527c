"""Opening and closing a patient's own portal account."""

from __future__ import annotations

import re

from django.core import mail
from django.test import Client
from django.urls import reverse

from repigment.accounts.models import User
from repigment.patients.models import ConsentPurpose, Patient
from tests.conftest import World
from tests.patients.helpers import consent


def new_patient(world: World, email: str = "naledi@example.org") -> Patient:
    return Patient.objects.create(
        clinic=world.clinic,
        record_number="JHB-7",
        given_names="Naledi",
        family_name="Zulu",
        date_of_birth="1999-09-09",
        sex="female",
        phototype=6,
        email=email,
    )


def open_portal(client: Client, world: World, patient: Patient) -> str:
    client.force_login(world.clinic_admin)
    url = reverse("patients:portal_access", args=[patient.pk])
    response = client.post(url, {"action": "open"}, follow=True)
    return " ".join(str(m) for m in response.context["messages"])


def test_an_invitation_needs_consent_to_contact(client: Client, world: World) -> None:
    patient = new_patient(world)
    assert "has not consented to contact" in open_portal(client, world, patient)
    assert not mail.outbox and Patient.objects.get(pk=patient.pk).user is None


def test_the_patient_sets_a_password_from_the_e_mailed_link_and_lands_in_the_portal(
    client: Client, world: World
) -> None:
    patient = new_patient(world)
    consent(patient, ConsentPurpose.CONTACT)
    assert "was sent to naledi@example.org" in open_portal(client, world, patient)
    user = User.objects.get(email="naledi@example.org")
    assert Patient.objects.get(pk=patient.pk).user == user and not user.has_usable_password()
    (message,) = mail.outbox
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", message.body)
    assert link is not None and "/en/my/" in message.body
    visitor = Client()
    form = visitor.get(link.group(1), follow=True)
    new = "a long new password 42"
    done = visitor.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    login = {"username": "naledi@example.org", "password": new}
    assert visitor.post(reverse("accounts:login"), login).status_code == 302
    assert visitor.get(reverse("portal:home")).status_code == 200


def test_a_staff_address_cannot_become_a_patient_account(client: Client, world: World) -> None:
    patient = new_patient(world, email=world.analyst.email)
    consent(patient, ConsentPurpose.CONTACT)
    assert "belongs to a staff account" in open_portal(client, world, patient)
    assert Patient.objects.get(pk=patient.pk).user is None


def test_closing_the_portal_deactivates_the_account_and_keeps_the_record(
    client: Client, world: World
) -> None:
    client.force_login(world.prescriber)
    client.post(reverse("patients:portal_access", args=[world.patient.pk]), {"action": "close"})
    world.patient_user.refresh_from_db()
    assert not world.patient_user.is_active
    assert Patient.objects.get(pk=world.patient.pk).user is None
