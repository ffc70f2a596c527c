"""Answers that may carry patient data are never kept by a browser or a proxy.

The rule is deliberately simple rather than clever: every answer to a signed-in person
(session) or to an API token is ``Cache-Control: no-store``, whatever the page. Static files
never reach this middleware (WhiteNoise answers them above it in ``MIDDLEWARE``), and pages
for anonymous visitors (the public knowledge pages, the log-in form) keep their own caching.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


def carries_personal_data(request: HttpRequest) -> bool:
    """A signed-in user (the API's token auth sets ``request.user`` too) or any credential sent."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    return "Authorization" in request.headers


class NoStoreMiddleware:
    """``Cache-Control: no-store`` (and the older no-cache spellings) on signed-in answers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if carries_personal_data(request):
            add_never_cache_headers(response)
        return response
