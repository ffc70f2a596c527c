"""Who must pass a second factor after their password."""

from __future__ import annotations

from django.conf import settings

from repigment.accounts.models import User


def is_staff_person(user: User) -> bool:
    """Anyone who works in a clinic or pharmacy (any membership) or in the site administration."""
    return user.is_staff or user.is_superuser or user.memberships.exists()


def is_demo_account(user: User) -> bool:
    from repigment.accounts.demo import demo_emails

    return user.email in demo_emails()


def must_enrol(user: User) -> bool:
    """Required by the installation's policy (whether or not already enrolled)."""
    if not settings.REQUIRE_2FA or not is_staff_person(user):
        return False
    return not (settings.TWO_FACTOR_DEMO_EXEMPT and is_demo_account(user))


def owes_second_factor(user: User) -> bool:
    """A signed-in, not yet verified session of this person must pass the second factor first.

    Anyone enrolled always does (a patient who opted in too); the policy adds the staff.
    """
    return user.two_factor_since is not None or must_enrol(user)
