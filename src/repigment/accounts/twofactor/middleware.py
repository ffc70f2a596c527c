"""A session that owes its second factor reaches nothing but the pages that settle it.

Placed after django-otp's ``OTPMiddleware`` (which tells whether the session passed its
second factor). The site administration sits behind it like every other page, so it asks
for the second factor too. The API treats such a session as not signed in (API tokens, made
on the profile page once verified, still work).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse

from repigment.accounts.twofactor.policy import owes_second_factor

#: Pages a session owing its second factor may still open.
OPEN_PAGES = frozenset(
    {
        "accounts:two_factor",
        "accounts:two_factor_verify",
        "accounts:logout",
        "admin:logout",
        "set_language",
    }
)


def _page_name(request: HttpRequest) -> str:
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return ""


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not user.is_verified() and owes_second_factor(user):  # type: ignore[attr-defined,arg-type]
            if request.path_info.startswith("/api/"):
                request.user = AnonymousUser()
            elif _page_name(request) not in OPEN_PAGES:
                return self._send_to_second_factor(request)
        return self.get_response(request)

    @staticmethod
    def _send_to_second_factor(request: HttpRequest) -> HttpResponse:
        target = reverse("accounts:two_factor_verify")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(target)
