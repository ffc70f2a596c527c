"""Inviting staff by e-mail: the clinic administrator names the person and their role; an
inactive account is made and the person gets a one-time link to choose a password.

The link is Django's password-reset token: it lapses after PASSWORD_RESET_TIMEOUT and once the
password is set (the token hashes the password), so it works once only.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from repigment.accounts.models import Clinic, Membership, User


def invite(*, clinic: Clinic, email: str, full_name: str, role: str, base_url: str) -> Membership:
    """Make the inactive account and its role, and send the link (after the commit)."""
    with transaction.atomic():
        user = User.objects.create_user(email, None, full_name=full_name, is_active=False)
        membership = Membership.objects.create(user=user, clinic=clinic, role=role)
    _send_link(membership, base_url)
    return membership


def is_waiting(membership: Membership) -> bool:
    """Invited and not yet in: the account is closed and was never used."""
    return not membership.user.is_active and membership.user.last_login is None


def resend(membership: Membership, base_url: str) -> bool:
    """A new link for an invitation not yet accepted (the old one may have lapsed); False, and
    nothing sent, for anyone else."""
    if not is_waiting(membership):
        return False
    _send_link(membership, base_url)
    return True


def _send_link(membership: Membership, base_url: str) -> None:
    user, clinic = membership.user, membership.clinic
    link = base_url + reverse(
        "accounts:invite_accept",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
    context = {"user": user, "clinic": clinic, "role": membership.get_role_display(),
               "link": link, "days": days}  # fmt: skip
    subject = render_to_string("accounts/email/invite_subject.txt", context).strip()
    body = render_to_string("accounts/email/invite.txt", context)
    transaction.on_commit(lambda: send_mail(subject, body, None, [user.email]))
