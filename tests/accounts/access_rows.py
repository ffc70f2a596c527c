"""Access rules for the accounts pages."""

from __future__ import annotations

from typing import Any

from repigment.accounts.models import ApiToken, Clinic, Membership, Role
from tests.access_rules import ANONYMOUS, Row, clinic_kwargs, everyone, only
from tests.conftest import PATIENT, World


def _membership(world: World, clinic: Clinic) -> dict[str, Any]:
    member = Membership.objects.filter(clinic=clinic).exclude(user=world.clinic_admin).first()
    assert member is not None
    return {"clinic_id": clinic.pk, "membership_id": member.pk}


def _prescriber_token(world: World, clinic: Clinic) -> dict[str, Any]:
    token, _ = ApiToken.issue(world.prescriber, "table")
    return {"token_id": token.pk}


def _reset(world: World, clinic: Clinic) -> dict[str, Any]:
    return {"uidb64": "MQ", "token": "set-password"}


PUBLIC = {kind: 200 for kind in everyone(200)}

ROWS = [
    # A visitor is sent on to the public pages in their language, staff to the dashboard.
    Row("accounts:home", own={ANONYMOUS: 302}, default=302),
    Row("accounts:dashboard", own={**everyone(200), PATIENT: 302}),
    Row("accounts:profile", own=everyone(200)),
    Row("accounts:switch_clinic", own=everyone(302), method="POST", data={"clinic": ""}),
    # A patient signed in to the portal holds no role in the clinic.
    Row(
        "accounts:clinic_detail",
        own={**everyone(200), PATIENT: 403},
        kwargs=clinic_kwargs,
        other=403,
    ),
    Row(
        "accounts:clinic_members",
        own=only(Role.CLINIC_ADMIN),
        kwargs=clinic_kwargs,
        other=403,
    ),
    Row(
        "accounts:clinic_settings",
        own=only(Role.CLINIC_ADMIN),
        kwargs=clinic_kwargs,
        other=403,
    ),
    # Removing a role asks first: the GET is the confirmation page.
    Row(
        "accounts:remove_member",
        own=only(Role.CLINIC_ADMIN),
        kwargs=_membership,
        other=403,
    ),
    Row(
        "accounts:invite_member",
        own=only(Role.CLINIC_ADMIN),
        kwargs=clinic_kwargs,
        other=403,
    ),
    # Resending to someone already in only says so.
    Row(
        "accounts:resend_invitation",
        own=only(Role.CLINIC_ADMIN, status=302),
        kwargs=_membership,
        other=403,
        method="POST",
    ),
    Row(
        "accounts:invite_accept",
        own=PUBLIC,
        kwargs=_reset,
        other_pharmacy=200,
        other_patient=200,
    ),
    Row("accounts:audit_list", own=only(Role.AUDITOR)),
    Row("accounts:audit_export", own=only(Role.AUDITOR)),
    # Only the prescriber owns the token; everyone else gets "not found".
    Row(
        "accounts:revoke_token",
        own=only(Role.PRESCRIBER, status=302),
        default=404,
        method="POST",
        kwargs=_prescriber_token,
    ),
    Row("accounts:login", own={ANONYMOUS: 200}, default=302),
    Row("accounts:logout", own=everyone(302, anonymous=302), method="POST"),
    # Two-factor log-in (no one enrolled here): anyone signed in may turn it on; without an
    # authenticator the other pages send them there (tests/accounts/test_two_factor.py).
    Row("accounts:two_factor", own=everyone(200)),
    Row("accounts:two_factor_verify", own=everyone(302)),
    Row("accounts:two_factor_codes", own=everyone(302), method="POST"),
    Row("accounts:two_factor_off", own=everyone(302), method="POST"),
    Row("accounts:password_change", own=everyone(200)),
    Row("accounts:password_change_done", own=everyone(200)),
    Row("accounts:password_reset", own=PUBLIC),
    Row("accounts:password_reset_done", own=PUBLIC),
    Row(
        "accounts:password_reset_confirm",
        own=PUBLIC,
        kwargs=_reset,
        other_pharmacy=200,
        other_patient=200,
    ),
    Row("accounts:password_reset_complete", own=PUBLIC),
    Row("set_language", own=everyone(302, anonymous=302), method="POST", data={"language": "fr"}),
]
