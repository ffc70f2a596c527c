"""Issue 18, administration: a clinic administrator invites staff by e-mail; the link sets a
password once, and an expired or used link is refused with a clear message."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from repigment.accounts import invitations
from repigment.accounts.models import AuditEntry, Membership, Role, User
from tests.conftest import World

NEW_PASSWORD = "a long and new passphrase 42"


def invite(client: Client, world: World, email: str = "nurse@clinic.test") -> str:
    client.force_login(world.clinic_admin)
    url = reverse("accounts:invite_member", args=[world.clinic.pk])
    with_commit = client.post(url, {"email": email, "full_name": "Thandi Nurse",
                                    "role": Role.PRESCRIBER})  # fmt: skip
    assert with_commit.status_code == 302
    assert len(mail.outbox) == 1
    found = re.search(r"https?://\S+/accounts/invitation/\S+/", mail.outbox[0].body)
    assert found is not None
    client.logout()
    return found.group(0).split("://", 1)[1].split("/", 1)[1]


@pytest.mark.django_db(transaction=True)
def test_an_invited_person_sets_a_password_once(client: Client, world: World) -> None:
    path = "/" + invite(client, world)
    user = User.objects.get(email="nurse@clinic.test")
    assert not user.is_active and not user.has_usable_password()
    assert Membership.objects.filter(user=user, clinic=world.clinic, role=Role.PRESCRIBER).exists()
    assert mail.outbox[0].to == ["nurse@clinic.test"]
    assert "Thandi Nurse" in mail.outbox[0].body
    assert AuditEntry.objects.filter(object_type="invitation").count() == 1

    form = client.get(path, follow=True)
    assert "Choose your password" in form.content.decode()
    done = client.post(form.redirect_chain[-1][0],
                       {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})  # fmt: skip
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.is_active and user.check_password(NEW_PASSWORD)

    # The same link a second time: refused, and says why.
    again = client.get(path, follow=True).content.decode()
    assert "expired or was already used" in again
    assert "new_password1" not in again


@pytest.mark.django_db(transaction=True)
def test_an_expired_invitation_is_refused(client: Client, world: World, settings: Any) -> None:
    path = "/" + invite(client, world)
    settings.PASSWORD_RESET_TIMEOUT = -1
    page = client.get(path, follow=True).content.decode()
    assert "expired or was already used" in page
    assert not User.objects.get(email="nurse@clinic.test").is_active


@pytest.mark.django_db
def test_an_invitation_to_an_existing_account_or_a_bad_address_changes_nothing(
    client: Client, world: World
) -> None:
    client.force_login(world.clinic_admin)
    url = reverse("accounts:invite_member", args=[world.clinic.pk])
    taken = client.post(url, {"email": world.prescriber.email.upper(), "full_name": "X",
                              "role": Role.PRESCRIBER})  # fmt: skip
    assert taken.status_code == 400
    assert "already has an account" in taken.content.decode()
    bad = client.post(url, {"email": "not-an-address", "full_name": "X", "role": "wizard"})
    assert bad.status_code == 400
    assert len(mail.outbox) == 0
    assert not User.objects.filter(full_name="X").exists()


@pytest.mark.django_db
def test_only_the_clinic_administrator_invites(client: Client, world: World) -> None:
    client.force_login(world.prescriber)
    url = reverse("accounts:invite_member", args=[world.clinic.pk])
    response = client.post(url, {"email": "x@y.test", "full_name": "X", "role": Role.PRESCRIBER})
    assert response.status_code == 403
    assert not User.objects.filter(email="x@y.test").exists()


def test_an_expired_invitation_gets_a_new_link_from_the_members_page(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(world.clinic_admin)
    with django_capture_on_commit_callbacks(execute=True):
        waiting = invitations.invite(clinic=world.clinic, email="late@jhb.test",
                                     full_name="Late Nurse", role=Role.PRESCRIBER,
                                     base_url="http://testserver")  # fmt: skip
    members = client.get(reverse("accounts:clinic_members", args=[world.clinic.pk]))
    resend = reverse("accounts:resend_invitation", args=[world.clinic.pk, waiting.pk])
    assert resend in members.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(resend, follow=True)
    assert "A new invitation link was sent to late@jhb.test." in sent.content.decode()
    assert [m.to for m in mail.outbox] == [["late@jhb.test"], ["late@jhb.test"]]
    assert "/accounts/invitation/" in mail.outbox[-1].body
    active = Membership.objects.get(user=world.prescriber)
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(
            reverse("accounts:resend_invitation", args=[world.clinic.pk, active.pk]), follow=True
        )
    assert "has already accepted the invitation" in refused.content.decode()
    assert len(mail.outbox) == 2
