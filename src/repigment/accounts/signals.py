"""Audit every log-in, log-out, failed log-in and lockout."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from repigment.accounts import audit
from repigment.accounts.models import AuditAction, User
from repigment.accounts.throttle import RESET_PREFIX


@receiver(user_logged_in)
def _logged_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    audit.record(request, AuditAction.LOGIN, actor=user, object_type="user", object_id=user.pk)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        audit.record(request, AuditAction.LOGOUT, actor=user, object_type="user", object_id=user.pk)


@receiver(user_login_failed)
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # The typed identifier is not stored (it may be a mistyped password);
    # the account is linked only when it exists.
    email = str(credentials.get("username") or credentials.get("email") or "").lower()
    account = User.objects.filter(email=email).first() if email else None
    audit.record(
        request,
        AuditAction.LOGIN_FAILED,
        actor=account,
        object_type="user",
        object_id=account.pk if account else "unknown",
    )


@receiver(user_locked_out)
def _locked_out(
    sender: Any, request: HttpRequest | None, username: str | None, ip_address: str | None,
    **kwargs: Any,
) -> None:  # fmt: skip
    """A refused attempt of a locked account or address (log-in, reset request, API token)."""
    email = (username or "").removeprefix(RESET_PREFIX)
    account = User.objects.filter(email=email).first() if email else None
    audit.record(
        request,
        AuditAction.LOCKED_OUT,
        actor=account,
        object_type="user" if username else "address",
        object_id=account.pk if account else ("unknown" if username else ip_address or ""),
    )
