"""A person with roles in several clinics sees the union of them, never more."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from repigment.accounts.models import Membership, Role
from repigment.accounts.permissions import has_role, user_clinics
from tests.conftest import World


def test_roles_in_two_clinics_give_the_union_and_nothing_else(world: World) -> None:
    Membership.objects.create(user=world.analyst, clinic=world.other_clinic, role=Role.PRESCRIBER)
    assert set(user_clinics(world.analyst)) == {world.clinic, world.other_clinic}
    assert has_role(world.analyst, [Role.PRESCRIBER], world.other_clinic)
    assert not has_role(world.analyst, [Role.PRESCRIBER], world.clinic)
    assert not has_role(world.analyst, [Role.AUDITOR])
    assert list(user_clinics(world.analyst, [Role.PRESCRIBER])) == [world.other_clinic]


def test_the_dashboard_shows_one_panel_per_role_held(client: Client, world: World) -> None:
    Membership.objects.create(user=world.analyst, clinic=world.other_clinic, role=Role.PRESCRIBER)
    client.force_login(world.analyst)
    panels = client.get(reverse("accounts:dashboard")).context["panels"]
    assert [(p["role"], [c.pk for c in p["clinics"]]) for p in panels] == [
        (Role.PRESCRIBER, [world.other_clinic.pk]),
        (Role.ANALYST, [world.clinic.pk]),
    ]


def test_the_prescribers_panel_leads_to_finding_and_registering_patients_of_their_clinics(
    client: Client, world: World
) -> None:
    client.force_login(world.prescriber)
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert f'href="{reverse("patients:list")}"' in page
    assert f'href="{reverse("patients:register", args=[world.clinic.pk])}"' in page
    assert reverse("patients:register", args=[world.other_clinic.pk]) not in page
    assert "will be listed here" not in page


def test_the_switcher_only_selects_the_users_own_clinics(client: Client, world: World) -> None:
    client.force_login(world.prescriber)
    client.post(reverse("accounts:switch_clinic"), {"clinic": world.clinic.pk})
    assert client.session["active_clinic_id"] == world.clinic.pk
    response = client.post(
        reverse("accounts:switch_clinic"), {"clinic": world.other_clinic.pk}, follow=True
    )
    assert client.session["active_clinic_id"] == world.clinic.pk
    assert "You are not a member of that clinic." in response.content.decode()


def test_the_switcher_refuses_to_redirect_to_another_host(client: Client, world: World) -> None:
    client.force_login(world.prescriber)
    response = client.post(
        reverse("accounts:switch_clinic"), {"clinic": "", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_a_clinic_admin_adds_and_removes_a_role(client: Client, world: World) -> None:
    client.force_login(world.clinic_admin)
    url = reverse("accounts:clinic_members", args=[world.clinic.pk])
    client.post(url, {"email": world.other_prescriber.email, "role": Role.PRESCRIBER})
    added = Membership.objects.get(user=world.other_prescriber, clinic=world.clinic)
    repeat = client.post(url, {"email": world.other_prescriber.email, "role": Role.PRESCRIBER})
    assert "already holds that role" in repeat.content.decode()
    unknown = client.post(url, {"email": "nobody@x.test", "role": Role.PRESCRIBER})
    assert "No active user has this e-mail address." in unknown.content.decode()
    remove = reverse("accounts:remove_member", args=[world.clinic.pk, added.pk])
    # The first step only asks; a POST without the confirmation changes nothing either.
    asked = client.get(remove)
    assert "Yes, remove this role" in asked.content.decode()
    client.post(remove)
    assert Membership.objects.filter(pk=added.pk).exists()
    done = client.post(remove, {"confirm": "yes"})
    assert done.status_code == 302
    assert not Membership.objects.filter(pk=added.pk).exists()


def test_a_clinic_admin_cannot_remove_their_own_admin_role(client: Client, world: World) -> None:
    own = Membership.objects.get(user=world.clinic_admin, role=Role.CLINIC_ADMIN)
    client.force_login(world.clinic_admin)
    url = reverse("accounts:remove_member", args=[world.clinic.pk, own.pk])
    refused = client.post(url, {"confirm": "yes"})
    assert refused.status_code == 409
    assert "cannot remove your own administrator role" in refused.content.decode()
    assert Membership.objects.filter(pk=own.pk).exists()


def test_a_clinic_admin_cannot_manage_another_clinics_members(client: Client, world: World) -> None:
    target = Membership.objects.get(user=world.other_prescriber)
    client.force_login(world.clinic_admin)
    url = reverse("accounts:remove_member", args=[world.other_clinic.pk, target.pk])
    assert client.post(url, {"confirm": "yes"}).status_code == 403
    assert Membership.objects.filter(pk=target.pk).exists()


def test_the_chosen_clinic_narrows_the_audit_trail(client: Client, world: World) -> None:
    from repigment.accounts import audit
    from repigment.accounts.models import AuditAction

    Membership.objects.create(user=world.auditor, clinic=world.other_clinic, role=Role.AUDITOR)
    audit.record(None, AuditAction.VIEW, actor=world.prescriber, clinic=world.clinic)
    audit.record(None, AuditAction.VIEW, actor=world.other_prescriber, clinic=world.other_clinic)
    client.force_login(world.auditor)
    client.post(reverse("accounts:switch_clinic"), {"clinic": world.other_clinic.pk})
    views = client.get(reverse("accounts:audit_list"), {"action": AuditAction.VIEW})
    assert [e.actor for e in views.context["page"]] == [world.other_prescriber]


def test_a_password_reset_mails_a_link_that_sets_a_new_password(
    client: Client, world: World
) -> None:
    from django.core import mail

    client.post(reverse("accounts:password_reset"), {"email": world.prescriber.email})
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/reset/" in line)
    form_page = client.get(link.split("testserver", 1)[1], follow=True)
    new = "a fresh long passphrase 42"
    client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    world.prescriber.refresh_from_db()
    assert world.prescriber.check_password(new)


def test_a_reset_for_an_unknown_address_sends_nothing(client: Client, world: World) -> None:
    from django.core import mail

    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@x.test"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_the_dashboard_greets_by_the_whole_name_never_a_bare_title(
    client: Client, world: World
) -> None:
    world.prescriber.full_name = "Dr Lindiwe Naidoo"
    world.prescriber.save(update_fields=["full_name"])
    client.force_login(world.prescriber)
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert "<h1>Hello, Dr Lindiwe Naidoo</h1>" in page
    assert "Hello, Dr</h1>" not in page
