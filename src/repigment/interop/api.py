"""The REST API under /api/v1/: authentication, error handling and routers."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from repigment.access.api import router as access_router
from repigment.accounts import audit, throttle
from repigment.accounts.api import router as accounts_router
from repigment.accounts.models import ApiToken, AuditAction
from repigment.assessments.api import router as assessments_router
from repigment.authorisations.api import router as authorisations_router
from repigment.core.errors import ApiError, document_errors, error_body, fields_from_validation
from repigment.core.schemas import tighten_operations
from repigment.patients.api import router as patients_router
from repigment.registry.api import router as registry_router
from repigment.safety.api import router as safety_router
from repigment.supply.api import router as supply_router
from repigment.treatment.api import router as treatment_router

logger = logging.getLogger(__name__)


class TokenAuth(HttpBearer):
    """Personal API tokens (``Authorization: Bearer rpg_…``); bad ones are audited and counted
    against the address (log-in throttling), an expired one is told so, a read-only one may
    only read."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = ApiToken.find_active(token.strip())
        if found is None:
            return self._refuse(request, token.strip())
        if found.read_only and request.method not in audit.SAFE_METHODS:
            audit.record(request, AuditAction.ACCESS_DENIED, actor=found.user,
                         object_type="api_token", object_id=found.pk)  # fmt: skip
            raise ApiError(403, "read_only_token", "This API token is read-only: it may only read.")
        ApiToken.objects.filter(pk=found.pk).update(last_used=timezone.now())
        request.user = found.user
        return found.user

    def _refuse(self, request: HttpRequest, raw: str) -> None:
        """A wrong, revoked or expired token: audited, and counted against the address (at the
        limit the answer becomes 429, from AxesMiddleware)."""
        expired = ApiToken.find_expired(raw)
        audit.record(request, AuditAction.API_AUTH_FAILED, object_type="api_token",
                     object_id=expired.pk if expired else "")  # fmt: skip
        throttle.token_refused(request)
        if expired is not None:
            day = timezone.localdate(expired.expires).isoformat()
            message = f"This API token expired on {day}; create a new one on your profile page."
            raise ApiError(401, "token_expired", message)


api = NinjaAPI(
    title="Repigment API",
    version="1",
    description="Clinics, patients, treatment, access and supply for topical ruxolitinib.",
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
)
api.add_router("/", accounts_router)
api.add_router("/supply", supply_router)
api.add_router("/", patients_router)
api.add_router("/", assessments_router)
api.add_router("/", safety_router)
api.add_router("/", treatment_router)
api.add_router("/countries", access_router)
api.add_router("/authorisations", authorisations_router)
api.add_router("/registry", registry_router)
# After the last add_router: the input limits and error answers reach every operation.
tighten_operations(api)
document_errors(api)


def _json(
    status: int, code: str, message: str, fields: dict[str, Any] | None = None
) -> HttpResponse:
    return JsonResponse(error_body(code, message, fields), status=status)


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return _json(exc.status, exc.code, exc.message, exc.fields)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _json(401, "unauthenticated", "Log in or send a valid API token.")


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _json(403, "forbidden", "Your role does not allow this.")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _json(404, "not_found", "No such object, or not one you may see.")


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields = fields_from_validation(list(exc.errors))
    return _json(422, "invalid", "Some fields are not valid.", fields)


@api.exception_handler(DjangoValidationError)
def _invalid_model(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return _json(422, "invalid", "Some fields are not valid.", fields)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _json(exc.status_code, "http_error", str(exc))


@api.exception_handler(RequestDataTooBig)
def _too_large(request: HttpRequest, exc: Exception) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return _json(413, "too_large", f"The request body is larger than {limit} bytes.")


@api.exception_handler(MultiPartParserError)
def _bad_multipart(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _json(400, "bad_request", f"The multipart body cannot be read: {exc}")


@api.exception_handler(SuspiciousOperation)
def _suspicious(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _json(400, "bad_request", "The request cannot be read.")


@api.exception_handler(DataError)
@api.exception_handler(OverflowError)
def _out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A last guard: the input limits should stop such values before the database sees them."""
    logger.warning("API value out of the database's range on %s: %s", request.path, exc)
    return _json(422, "invalid", "A value is too long or out of range; nothing was saved.")


@api.exception_handler(Exception)
def _crash(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API error on %s", request.path)
    return _json(500, "server_error", "Something went wrong on our side; nothing was saved.")


def api_not_found(request: HttpRequest, rest: str) -> HttpResponse:
    """Unknown paths under /api/v1/ answer in JSON, not with the HTML 404 page."""
    return _json(404, "not_found", "There is no such API endpoint.")
