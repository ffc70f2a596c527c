"""The two-factor pages: turn it on (or see and manage it) and pass it after the password."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from repigment.accounts.models import User
from repigment.accounts.twofactor import services
from repigment.accounts.twofactor.policy import must_enrol
from repigment.core.forms import Form


class CodeForm(Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=20,
        help_text=gettext_lazy("The six digits your authenticator app shows now."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class VerifyForm(CodeForm):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["code"].help_text = gettext_lazy(
            "The six digits your authenticator app shows now, or one of your recovery codes."
        )
        self.fields["code"].widget.attrs["inputmode"] = "text"


def _next(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(wanted, {request.get_host()}, request.is_secure()):
        return wanted
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _verified(request: HttpRequest) -> bool:
    return bool(request.user.is_verified())  # type: ignore[union-attr]


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Turn it on (scan the key, confirm one code), or see its state once on."""
    user: User = request.user  # type: ignore[assignment]
    enrolled = services.authenticator(user)
    if enrolled is not None and not _verified(request):
        return redirect("accounts:two_factor_verify")  # a password alone may not change it
    if enrolled is not None:
        context = {
            "enrolled": enrolled,
            "codes_left": services.recovery_codes_left(user),
            "required": must_enrol(user),
        }
        return render(request, "accounts/two_factor/manage.html", context)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.confirm_enrolment(request, user, form.cleaned_data["code"])
        if codes is not None:
            return _show_codes(request, codes, _("Two-factor log-in is on."))
        form.add_error("code", _("That code does not match the key. Check the clock of the phone."))
    device = services.pending_authenticator(user)
    context = {
        "form": form,
        "qr": services.qr_svg(device),
        "key": services.key_text(device),
        "required": must_enrol(user),
        "next": _next(request),
    }
    return render(request, "accounts/two_factor/enrol.html", context)


def _show_codes(request: HttpRequest, codes: list[str], heading: str) -> HttpResponse:
    context = {"codes": codes, "heading": heading, "next": _next(request)}
    return render(request, "accounts/two_factor/codes.html", context)


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of a log-in: a code from the app or a recovery code."""
    user: User = request.user  # type: ignore[assignment]
    if _verified(request):
        return redirect(_next(request))
    if services.authenticator(user) is None:
        return redirect(
            f"{resolve_url('accounts:two_factor')}?{urlencode({'next': _next(request)})}"
        )
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = services.verify(request, user, form.cleaned_data["code"])
        if outcome.accepted:
            if outcome.recovery_code:
                messages.warning(
                    request,
                    _("Recovery code used; %(n)d left. Make new ones on your profile.")
                    % {"n": outcome.codes_left},
                )
            return redirect(_next(request))
        if outcome.wait_until is not None:
            form.add_error("code", _("Too many wrong codes: wait a few seconds and try again."))
        else:
            form.add_error("code", _("That code is not correct (or was already used)."))
    return render(
        request, "accounts/two_factor/verify.html", {"form": form, "next": _next(request)}
    )


@login_required
@require_POST
def new_recovery_codes(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if services.authenticator(user) is None or not _verified(request):
        return redirect("accounts:two_factor")
    codes = services.new_recovery_codes(request, user)
    return _show_codes(request, codes, _("New recovery codes"))


@login_required
@require_POST
def turn_off(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if must_enrol(user) or not _verified(request):
        messages.error(request, _("Your role requires two-factor log-in; it stays on."))
        return redirect("accounts:two_factor")
    services.turn_off(request, user)
    messages.success(request, _("Two-factor log-in is off."))
    return redirect("accounts:profile")
