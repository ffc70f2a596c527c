"""A clinic always keeps an active administrator: removing or changing its last one is
refused with the reason, on the members pages and in the site administration."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from repigment.accounts import services
from repigment.accounts.models import Membership, Role, User
from tests.conftest import World


def second_admin(world: World) -> Membership:
    user = User.objects.create_user("admin2@jhb.test", "x" * 16, full_name="Second Admin")
    return Membership.objects.create(user=user, clinic=world.clinic, role=Role.CLINIC_ADMIN)


def test_an_administrator_removes_another_while_one_remains(world: World, client: Client) -> None:
    other = second_admin(world)
    client.force_login(world.clinic_admin)
    url = reverse("accounts:remove_member", args=[world.clinic.pk, other.pk])
    assert client.post(url, {"confirm": "yes"}).status_code == 302
    assert not Membership.objects.filter(pk=other.pk).exists()


def test_two_administrators_removing_each_other_leave_one(world: World) -> None:
    """The second of two crossing removals finds the clinic's last administrator."""
    mine = Membership.objects.get(user=world.clinic_admin, role=Role.CLINIC_ADMIN)
    other = second_admin(world)
    services.remove_membership(mine, other.user)
    with pytest.raises(services.MembershipRefused, match="would be left without an admin"):
        services.remove_membership(other, world.clinic_admin)
    assert Membership.objects.filter(pk=other.pk).exists()


def test_an_invited_administrator_who_never_logged_in_does_not_count(world: World) -> None:
    mine = Membership.objects.get(user=world.clinic_admin, role=Role.CLINIC_ADMIN)
    invited = second_admin(world)
    User.objects.filter(pk=invited.user_id).update(is_active=False)
    assert services.removal_refused(mine, invited.user) is not None
    assert "without an administrator" in str(services.removal_refused(mine, invited.user))


def test_removing_a_non_administrator_role_is_never_refused(world: World) -> None:
    role = Membership.objects.get(user=world.prescriber)
    assert services.removal_refused(role, world.clinic_admin) is None


def _user_form(user: User, membership: Membership, **changes: Any) -> dict[str, Any]:
    data = {
        "email": user.email, "full_name": user.full_name, "is_active": "on",
        "memberships-TOTAL_FORMS": "1", "memberships-INITIAL_FORMS": "1",
        "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-id": str(membership.pk), "memberships-0-user": str(user.pk),
        "memberships-0-clinic": str(membership.clinic_id), "memberships-0-role": membership.role,
        "memberships-0-created_0": membership.created.strftime("%Y-%m-%d"),
        "memberships-0-created_1": membership.created.strftime("%H:%M:%S"),
    }  # fmt: skip
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "change", [{"memberships-0-role": Role.PRESCRIBER}, {"memberships-0-DELETE": "on"}]
)
def test_the_site_administration_cannot_take_away_the_last_administrator(
    world: World, client: Client, change: dict[str, str]
) -> None:
    root = User.objects.create_superuser("root@site.test", "x" * 16, full_name="Root")
    client.force_login(root)
    mine = Membership.objects.get(user=world.clinic_admin, role=Role.CLINIC_ADMIN)
    url = reverse("admin:accounts_user_change", args=[world.clinic_admin.pk])
    refused = client.post(url, _user_form(world.clinic_admin, mine, **change))
    assert refused.status_code == 200
    assert "would be left without an administrator" in refused.content.decode()
    assert Membership.objects.get(pk=mine.pk).role == Role.CLINIC_ADMIN
    second_admin(world)
    done = client.post(url, _user_form(world.clinic_admin, mine, **change))
    assert done.status_code == 302, [str(e) for e in done.context["errors"]]
    assert not Membership.objects.filter(pk=mine.pk, role=Role.CLINIC_ADMIN).exists()
