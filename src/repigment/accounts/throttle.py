"""Log-in throttling on django-axes: failures counted per account and per client address.

Axes counts failed log-ins (the web and admin log-in pages through its authentication backend),
and this module adds the other doors: password-reset requests (``PasswordResetView``), wrong
current passwords on the change page (``PasswordChangeView``) and bad API tokens
(``token_refused``). Each failure is an axes attempt row keyed by the account typed
(``account_key``) and the client address, which is the one the audit trail records
(``audit.client_address``).

An account is locked after ``AXES_FAILURE_LIMIT`` failures within the cool-off period, an
address after ``LOGIN_FAILURES_PER_ADDRESS`` (larger: a clinic shares one address), so a
stranger hammering one account from one address locks that account and, later, that address,
and nobody else. Reset requests are counted under their own account key (``RESET_PREFIX``), so
asking for links cannot lock anyone out of logging in. A failure while locked extends the lock.
Lockouts are audited (``AuditAction.LOCKED_OUT``, in ``signals``); ``lift`` ends them, audited.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt, AccessBase
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.db.models import Q, Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from repigment.accounts import audit
from repigment.accounts.forms import PasswordChangeForm, PasswordResetForm
from repigment.accounts.models import AuditAction, User
from repigment.core.errors import error_body

ACCOUNT, ADDRESS = "username", "ip_address"
#: Password-reset requests are counted under this prefix and the account's e-mail address.
RESET_PREFIX = "password-reset:"


def attempted_account(
    request: HttpRequest | None, credentials: dict[str, Any] | None
) -> str | None:
    """The key an attempt is counted under for its account (``account_key``), or None when it
    names none (an API token)."""
    if credentials is not None:
        raw = credentials.get("username") or credentials.get("email")
    else:
        raw = request.POST.get("username") if request is not None else None
    if not raw:
        return None
    typed = str(raw).strip().lower()
    reset = typed.startswith(RESET_PREFIX)
    key = account_key(typed.removeprefix(RESET_PREFIX), request)
    return RESET_PREFIX + key if reset else key


def account_key(typed: str, request: HttpRequest | None = None) -> str:
    """An account's e-mail address, lower-cased (case variants count together); for text that
    names no account, a keyed digest of it: the typed text is not stored, as in the audit
    trail, since it may be a mistyped password. Remembered on the request (asked often)."""
    typed = typed.strip().lower()
    known: dict[str, str] = getattr(request, "_throttle_keys", {})
    if typed not in known:
        if User.objects.filter(email=typed).exists():
            known[typed] = typed
        else:
            secret = settings.SECRET_KEY.encode()
            digest = hmac.new(secret, typed.encode(), hashlib.sha256).hexdigest()[:24]
            known[typed] = f"unknown:{digest}"
        if request is not None:
            request._throttle_keys = known  # type: ignore[attr-defined]
    return known[typed]


def lockout_parameters(
    request_or_attempt: HttpRequest | AccessBase, credentials: dict[str, Any] | None = None
) -> list[str]:
    """Count per account and per address; an attempt naming no account (a bad API token), per
    address alone (else all such attempts would add up as one nameless account)."""
    if isinstance(request_or_attempt, AccessBase):
        account = request_or_attempt.username
    else:
        account = attempted_account(request_or_attempt, credentials)
    return [ACCOUNT, ADDRESS] if account else [ADDRESS]


class ThrottleHandler(AxesDatabaseHandler):
    """Axes' database handler with a separate, larger limit for an address."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """Failures as axes compares them with ``AXES_FAILURE_LIMIT``: the account's own, or
        the address's scaled so that reaching ``LOGIN_FAILURES_PER_ADDRESS`` reaches the limit."""
        per_account: int = settings.AXES_FAILURE_LIMIT
        per_address: int = settings.LOGIN_FAILURES_PER_ADDRESS
        counts = [
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        parameters = lockout_parameters(request, credentials)
        return max(
            count if parameter == ACCOUNT else count * per_account // per_address
            for parameter, count in zip(parameters, counts, strict=True)
        )


def cool_off() -> timedelta:
    period = get_cool_off()
    assert period is not None, "AXES_COOLOFF_TIME is set in settings"
    return period


def _minutes() -> int:
    return max(1, int(cool_off().total_seconds() // 60))


def lockout_message() -> str:
    return _(
        "Too many failed attempts for this account or from this address. Try again in "
        "%(minutes)d minutes, or ask an administrator to lift the lock."
    ) % {"minutes": _minutes()}


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict[str, Any]
) -> HttpResponse:
    """429 with a clear message: the API's JSON error shape under /api/, else a page (a door
    that already answered 429 in its own shape, such as FHIR's, keeps its answer)."""
    if original_response is not None and original_response.status_code == 429:
        return original_response
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            error_body("locked_out", lockout_message()), status=429
        )
    else:
        context = {"message": lockout_message()}
        response = render(request, "accounts/locked_out.html", context, status=429)
    response["Retry-After"] = str(int(cool_off().total_seconds()))
    return response


def is_allowed(request: HttpRequest, account: str | None) -> bool:
    """Whether the account (None: the address alone) may try again from this request."""
    return bool(AxesProxyHandler.is_allowed(request, {ACCOUNT: account}))


def count_failure(request: HttpRequest, account: str | None) -> None:
    """Count a failure outside Django's log-in (reset request, bad token): at the limit the
    request is marked locked out, ``user_locked_out`` is sent and audited."""
    AxesProxyHandler.user_login_failed(
        sender=count_failure, credentials={ACCOUNT: account}, request=request
    )


def token_refused(request: HttpRequest) -> bool:
    """A wrong, revoked or expired API token: a failure of the address. True when the address
    is now locked out (the answer should be 429)."""
    count_failure(request, None)
    return bool(getattr(request, "axes_locked_out", False))


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset page, with requests per account and per address counted like failed
    log-ins: past the limit no mail is sent and the lockout answer is given."""

    form_class = PasswordResetForm

    def form_valid(self, form: Any) -> HttpResponse:
        account = RESET_PREFIX + form.cleaned_data["email"].strip().lower()
        if not is_allowed(self.request, account):
            count_failure(self.request, account)  # audited as a lockout; extends it
            return lockout_response(self.request, None, {ACCOUNT: account})
        response = super().form_valid(form)
        count_failure(self.request, account)
        # The request that reaches the limit was still served; the next one is refused.
        self.request.axes_locked_out = False  # type: ignore[attr-defined]
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's change page, where a wrong current password counts as a failed log-in of the
    account: a borrowed signed-in session cannot try passwords without limit."""

    form_class = PasswordChangeForm

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        account = account_key(request.user.get_username(), request)
        if not is_allowed(request, account):
            count_failure(request, account)  # audited as a lockout; extends it
            return lockout_response(request, None, {ACCOUNT: account})
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        if "old_password" in form.errors:
            count_failure(self.request, account_key(self.request.user.get_username()))
        return super().form_invalid(form)


def lift(request: HttpRequest | None, *, email: str = "", address: str = "") -> int:
    """End the lockouts (and forget the failures) of an account, of an address, or of both;
    audited.
    Returns how many attempt rows were removed."""
    if not email and not address:
        raise ValueError("name an account, an address or both")
    email = email.strip().lower()
    chosen = Q(pk__in=[])
    if email:
        key = account_key(email)
        chosen |= Q(username__in=[key, RESET_PREFIX + key])
    if address:
        chosen |= Q(ip_address=address)
    removed, _rows = AccessAttempt.objects.filter(chosen).delete()
    audit.record(
        request,
        AuditAction.LOCKOUT_LIFTED,
        object_type="lockout",
        object_id=" ".join(part for part in (email, address) if part),
    )
    return removed
