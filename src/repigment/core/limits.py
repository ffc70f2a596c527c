"""The largest request the server reads at all: a body declared larger is refused with 413
before Django parses it (the per-file and per-field checks come after, on what is accepted)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from repigment.core.errors import error_body

#: Paths whose answers are JSON (the REST API) or FHIR JSON.
JSON_PREFIXES = ("/api/", "/fhir/")


def declared_length(request: HttpRequest) -> int:
    """The body's declared length; 0 when absent or unreadable (Django refuses those itself)."""
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


class BodySizeMiddleware:
    """413 for a body over ``settings.REQUEST_MAX_BYTES``: the API's JSON error shape on the API,
    a short page elsewhere. Nothing of the request is read or stored."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = int(settings.REQUEST_MAX_BYTES)
        if declared_length(request) <= limit:
            return self.get_response(request)
        megabytes = limit // (1024 * 1024)
        message = _("The request is larger than %(mb)s MB; send fewer or smaller files.") % {
            "mb": megabytes
        }
        if request.path.startswith(JSON_PREFIXES):
            return JsonResponse(error_body("too_large", message), status=413)
        return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
