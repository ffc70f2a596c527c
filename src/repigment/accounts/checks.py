"""Deployment checks that `repigment check --deploy` reports and production refuses to serve with.

- ``repigment.E001``: e-mail that is never delivered (password-reset links would go to the
  console, or nowhere).
- ``repigment.E002``: demo accounts, whose password is published, in the database.
- ``repigment.W003``: two-factor log-in not required of the staff (``REPIGMENT_REQUIRE_2FA``
  switched off); a warning, which ``repigment check --deploy`` fails on.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError

UNDELIVERED_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}


@register(deploy=True)
def email_is_delivered(**kwargs: Any) -> list[CheckMessage]:
    if settings.EMAIL_BACKEND not in UNDELIVERED_EMAIL_BACKENDS:
        return []
    return [
        Error(
            f"E-mail uses the {settings.EMAIL_BACKEND.rsplit('.', 2)[-2]} backend, which never "
            "reaches people: password-reset links would be printed to the log or lost.",
            hint="Unset REPIGMENT_EMAIL_BACKEND (SMTP is production's default) and set "
            "REPIGMENT_EMAIL_HOST, REPIGMENT_EMAIL_USER and REPIGMENT_EMAIL_PASSWORD.",
            id="repigment.E001",
        )
    ]


@register(deploy=True)
def no_demo_accounts(**kwargs: Any) -> list[CheckMessage]:
    from repigment.accounts.demo import demo_emails
    from repigment.accounts.models import User

    try:
        present = sorted(
            User.objects.filter(email__in=demo_emails()).values_list("email", flat=True)
        )
    except DatabaseError:  # tables not created yet: no accounts at all
        return []
    if not present:
        return []
    return [
        Error(
            f"Demo accounts with the published demo password exist: {', '.join(present)}.",
            hint="Use a database without the demo world (the demo is for development only).",
            id="repigment.E002",
        )
    ]


@register(deploy=True)
def two_factor_required(**kwargs: Any) -> list[CheckMessage]:
    if settings.REQUIRE_2FA:
        return []
    return [
        Warning(
            "Staff log in with a password alone: two-factor log-in is not required.",
            hint="Unset REPIGMENT_REQUIRE_2FA (production requires it by default).",
            id="repigment.W003",
        )
    ]


def production_errors() -> Sequence[CheckMessage]:
    """The checks above, which production must pass before it serves a request."""
    return [*email_is_delivered(), *no_demo_accounts()]


def refuse_unsafe_production() -> None:
    """In production, stop (ImproperlyConfigured) when a check above fails."""
    if not settings.PRODUCTION:
        return
    errors = production_errors()
    if errors:
        lines = "\n".join(f"{error.id}: {error.msg} {error.hint}" for error in errors)
        raise ImproperlyConfigured(f"Refusing to serve in production:\n{lines}")
