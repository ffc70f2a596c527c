"""The FHIR server's HTTP side: token check, read, search, $everything, metadata.

Only GET; JSON only (``application/fhir+json``). Unknown search parameters are refused
(400) rather than ignored, so a client never mistakes an unfiltered answer for a filtered one.
Each request writes one audit entry naming every patient whose data it returned.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from repigment.accounts import audit, throttle
from repigment.accounts.models import ApiToken, AuditAction, User
from repigment.accounts.permissions import user_clinics
from repigment.interop.fhir import codes
from repigment.interop.fhir.capability import capability_statement
from repigment.interop.fhir.errors import FhirError, outcome
from repigment.interop.fhir.types import TYPES, Item, ResourceType

logger = logging.getLogger(__name__)

FHIR_JSON = "application/fhir+json; charset=utf-8"
JSON_FORMATS = {"json", "application/json", "application/fhir+json"}
DEFAULT_COUNT = 50
MAX_COUNT = 500
#: Parameters every search takes besides its type's own.
COMMON = ("_count", "_include", "_format", "_after")


def fhir_json(data: dict[str, Any], status: int = 200) -> HttpResponse:
    return JsonResponse(data, status=status, content_type=FHIR_JSON)


def error_response(error: FhirError) -> HttpResponse:
    response = fhir_json(outcome(error.code, error.diagnostics), status=error.status)
    if error.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="fhir"'
    return response


def authenticate(request: HttpRequest) -> User:
    """The holder of a valid token with the ``fhir`` scope (the answer is 401 or 403 else)."""
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        raise FhirError(
            401, "login", "Send an API token with the fhir scope: Authorization: Bearer <token>."
        )
    token = ApiToken.find_active(raw.strip())
    if token is None:
        expired = ApiToken.find_expired(raw.strip())
        audit.record(request, AuditAction.API_AUTH_FAILED, object_type="api_token",
                     object_id=expired.pk if expired else "")  # fmt: skip
        if throttle.token_refused(request):  # counted against the address, as on the API
            raise FhirError(429, "throttled", throttle.lockout_message())
        if expired is not None:
            raise FhirError(401, "expired", "The token has expired; make a new one.")
        raise FhirError(401, "login", "The token is not valid (unknown or revoked).")
    request.user = token.user
    if not token.has_scope(ApiToken.SCOPE_FHIR):
        audit.record(request, AuditAction.ACCESS_DENIED, object_type="fhir", object_id="scope")
        raise FhirError(
            403,
            "forbidden",
            "This token lacks the fhir scope; make one with it on your profile page.",
        )
    ApiToken.objects.filter(pk=token.pk).update(last_used=timezone.now())
    return token.user


View = Callable[..., HttpResponse]


def fhir_view(view: View, methods: tuple[str, ...] = ("GET",)) -> View:
    """GET only (unless told), errors as OperationOutcome, ``_format`` other than JSON refused."""

    # Token-authenticated only (no session cookie counts here), so no CSRF token is needed.
    @csrf_exempt
    @require_http_methods(list(methods))
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            wanted = request.GET.get("_format")
            if wanted is not None and wanted not in JSON_FORMATS:
                raise FhirError(406, "not-supported", "Only JSON is served (_format=json).")
            return view(request, *args, **kwargs)
        except FhirError as error:
            return error_response(error)
        except Exception:
            logger.exception("FHIR error on %s", request.path)
            return error_response(FhirError(500, "exception", "Something went wrong on our side."))

    return wrapped


def base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("fhir:base")).rstrip("/")


def resource_type(name: str) -> ResourceType:
    kind = TYPES.get(name)
    if kind is None:
        raise FhirError(
            404,
            "not-supported",
            f"{name} is not a resource type this server "
            f"offers (see {codes.CODE_SYSTEM_ID and 'metadata'}).",
        )
    return kind


def _refuse_outside(request: HttpRequest, user: User, kind: ResourceType, resource_id: str) -> None:
    """A row the user may not see: 403 inside one of their clinics, 404 elsewhere (audited)."""
    clinic_id = None
    if kind.clinic_field and resource_id.isdigit():
        row = kind.model._default_manager.filter(pk=int(resource_id))
        clinic_id = row.values_list(kind.clinic_field, flat=True).first()
    exists = clinic_id is not None
    audit.record(
        request, AuditAction.ACCESS_DENIED, object_type=f"fhir:{kind.name}", object_id=resource_id
    )
    if exists and user_clinics(user).filter(pk=clinic_id).exists():
        raise FhirError(403, "forbidden", f"Your role does not allow reading this {kind.name}.")
    raise FhirError(
        404, "not-found", f"There is no {kind.name} {resource_id}, or not one you may see."
    )


@fhir_view
def base(request: HttpRequest) -> HttpResponse:
    authenticate(request)
    raise FhirError(400, "not-supported", "Search one resource type at a time (see /metadata).")


@fhir_view
def read(request: HttpRequest, type_name: str, resource_id: str) -> HttpResponse:
    if type_name == "CodeSystem":
        if resource_id != codes.CODE_SYSTEM_ID:
            raise FhirError(404, "not-found", f"There is no CodeSystem {resource_id}.")
        return fhir_json(codes.code_system())
    kind = resource_type(type_name)
    user = authenticate(request)
    items = kind.page(kind.lookup(user, resource_id), "", 1)
    if not items:
        _refuse_outside(request, user, kind, resource_id)
    _, resource, patient_id = items[0]
    audit.record(
        request,
        AuditAction.VIEW,
        object_type=f"fhir:{kind.name}",
        object_id=resource_id,
        patient_ids=[] if patient_id is None else [patient_id],
    )
    return fhir_json(resource)


def _count(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_COUNT:
        raise FhirError(
            400, "invalid", f"_count: {text!r} is not a whole number from 1 to {MAX_COUNT}."
        )
    return int(text)


@fhir_view
def search(request: HttpRequest, type_name: str) -> HttpResponse:
    if type_name == "CodeSystem":
        return fhir_json(_bundle(request, [], [], None, [codes.code_system()]))
    kind = resource_type(type_name)
    user = authenticate(request)
    rows = kind.visible(user)
    count, after, includes = DEFAULT_COUNT, "", []
    for name in request.GET:
        values = request.GET.getlist(name)
        if name == "_count":
            count = _count(values[-1])
        elif name == "_after":
            after = values[-1]
        elif name == "_include":
            includes = [_include(kind, value) for value in values]
        elif name == "_format":
            continue
        elif name in kind.params:
            for value in values:
                rows = kind.params[name].apply(rows, value)
        else:
            known = ", ".join([*kind.params, *COMMON])
            raise FhirError(
                400,
                "not-supported",
                f"{kind.name} cannot be searched by {name!r} (supported: {known}).",
            )
    items = kind.page(rows, after, count + 1)
    more = items[count:]
    items = items[:count]
    included = included_items(user, includes, [resource for _, resource, _ in items])
    patients = {p for _, _, p in [*items, *included] if p is not None}
    audit.record(
        request,
        AuditAction.VIEW,
        object_type=f"fhir:{kind.name}",
        object_id="search",
        patient_ids=patients,
    )
    next_after = items[-1][0] if more else None
    return fhir_json(_bundle(request, items, included, next_after))


def _include(kind: ResourceType, value: str) -> tuple[ResourceType, str]:
    source, _, rest = value.partition(":")
    param, _, target = rest.partition(":")
    spec = kind.includes.get(param) if source == kind.name else None
    if spec is None or (target and target != spec.target):
        offered = ", ".join(f"{kind.name}:{name}" for name in kind.includes) or "none"
        raise FhirError(
            400, "not-supported", f"_include={value} is not supported here (supported: {offered})."
        )
    return kind, param


def included_items(
    user: User, includes: list[tuple[ResourceType, str]], resources: list[dict[str, Any]]
) -> list[Item]:
    """The resources the results refer to through the ``_include`` parameters (those the user
    may see; the others are left out, as if they did not exist)."""
    found: list[Item] = []
    for kind, param in includes:
        spec = kind.includes[param]
        ids = sorted({i for resource in resources for i in spec.ids(resource) if i.isdigit()})
        if not ids:
            continue
        target = TYPES[spec.target]
        rows = target.visible(user).filter(pk__in=[int(i) for i in ids])
        found.extend(target.page(rows, "", len(ids)))
    unique: dict[tuple[str, str], Item] = {}
    for item in found:
        unique.setdefault((item[1]["resourceType"], item[1]["id"]), item)
    return list(unique.values())


def _bundle(
    request: HttpRequest,
    items: list[Item],
    included: list[Item],
    next_after: str | None,
    plain: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    base = base_url(request)
    query = [(k, v) for k, vs in request.GET.lists() for v in vs if k != "_after"]
    self_link = request.build_absolute_uri(request.path)
    links = [{"relation": "self", "url": request.build_absolute_uri()}]
    if next_after is not None:
        next_query = urlencode([*query, ("_after", next_after)])
        links.append({"relation": "next", "url": f"{self_link}?{next_query}"})
    entries = [
        _entry(base, resource, mode)
        for mode, batch in (("match", items), ("include", included))
        for _, resource, _ in batch
    ]
    entries += [_entry(base, resource, "match") for resource in plain or []]
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "timestamp": timezone.now().isoformat(),
        "link": links,
        "entry": entries,
    }


def _entry(base: str, resource: dict[str, Any], mode: str) -> dict[str, Any]:
    return {
        "fullUrl": f"{base}/{resource['resourceType']}/{resource['id']}",
        "resource": resource,
        "search": {"mode": mode},
    }


#: The resource types of a patient's compartment, in the order $everything returns them.
COMPARTMENT = (
    "Condition",
    "Observation",
    "MedicationRequest",
    "MedicationDispense",
    "AdverseEvent",
    "Consent",
)


@fhir_view
def everything(request: HttpRequest, resource_id: str) -> HttpResponse:
    """The patient, their clinic, and every record about them the user may read."""
    user = authenticate(request)
    patients = TYPES["Patient"]
    found = patients.page(patients.lookup(user, resource_id), "", 1)
    if not found:
        _refuse_outside(request, user, patients, resource_id)
    items = list(found)
    items += included_items(user, [(patients, "organization")], [found[0][1]])
    for name in COMPARTMENT:
        kind = TYPES[name]
        items.extend(kind.stream(kind.visible(user).filter(patient_id=int(resource_id))))
    audit.record(
        request,
        AuditAction.VIEW,
        object_type="fhir:Patient",
        object_id=resource_id,
        patient_ids=[int(resource_id)],
    )
    return fhir_json(_bundle(request, items, [], None))


@fhir_view
def metadata(request: HttpRequest) -> HttpResponse:
    return fhir_json(capability_statement(base_url(request)))
