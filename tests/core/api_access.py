"""Access rows for the REST API (the ``api`` namespace): every operation, its method and its
path's objects, built with the page rows' builders.

Signed in through the session (the API takes a session or a token; tokens have their own tests).
A body-taking operation gets an empty JSON object: a visitor it refuses must be refused before
the body is judged (401, 403 or 404), and one it admits is told what is missing (422), so no
write happens here; writes with real bodies, ids of another clinic inside them, are in
``tests/test_access_bodies.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from repigment.accounts.models import Clinic, Role
from repigment.interop.api import api
from tests.access.access_rows import _kenya
from tests.access_rules import ANONYMOUS, KwargsBuilder, Row
from tests.assessments.access_rows import _photo, _visit
from tests.authorisations.access_rows import _app
from tests.conftest import PATIENT, World
from tests.patients.access_rows import _consent, _document, patient_kwargs
from tests.safety.access_rows import _event
from tests.supply.access_rows import order_kwargs, session_kwargs
from tests.treatment.access_rows import _co_medication, _prescription

_BUILDERS: dict[frozenset[str], Callable[[World, Clinic], dict[str, Any]]] = {
    frozenset({"patient_id"}): patient_kwargs,
    frozenset({"patient_id", "consent_id"}): _consent,
    frozenset({"patient_id", "document_id"}): _document,
    frozenset({"visit_id"}): _visit,
    frozenset({"photo_id"}): _photo,
    frozenset({"event_id"}): _event,
    frozenset({"prescription_id"}): _prescription,
    frozenset({"co_medication_id"}): _co_medication,
    frozenset({"code"}): _kenya,
    frozenset({"application_id"}): _app,
    frozenset({"order_id"}): order_kwargs,
    frozenset({"session_id"}): session_kwargs,
}


def _methods() -> dict[str, str]:
    found = {}
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                found[operation.view_func.__name__] = operation.methods[0]
    return found


def api_patterns() -> list[tuple[str, list[str]]]:
    """(URL name, its path parameters) for every API URL."""
    found = []
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace == "api":
            for pattern in entry.url_patterns:
                if isinstance(pattern, URLPattern) and pattern.name:
                    params = list(getattr(pattern.pattern, "converters", {}))
                    found.append((f"api:{pattern.name}", params))
    return found


def _builder(params: list[str]) -> KwargsBuilder | None:
    if not params:
        return None
    build = _BUILDERS[frozenset(params)]

    def kwargs(world: World, clinic: Clinic) -> dict[str, Any]:
        return {name: value for name, value in build(world, clinic).items() if name in params}

    return kwargs


Expected = tuple[dict[str, int], int, int | None]
#: An operation that takes a body judges an empty one first: 401 anonymous, 422 to anyone else
#: (the object, own clinic's or not, is not looked at, so nothing is revealed).
BODY_FIRST: Expected = ({ANONYMOUS: 401}, 422, None)
#: The same for every signed-in kind, so run for anonymous and one role (short table).
BODY_FIRST_KINDS = (ANONYMOUS, Role.PRESCRIBER)

#: URL name → (statuses that differ from the default, the default for signed-in kinds, the
#: status for the same URL built for the other clinic). The rules are the pages' (see each app's
#: access_rows.py): a pharmacist reads authorisations of the clinics their pharmacy serves, a
#: portal patient their own photos and adverse events, the auditor the audit trail.
EXPECTED: dict[str, Expected] = {
    "api:add_co_medication": BODY_FIRST,
    "api:add_consents": BODY_FIRST,
    "api:add_diagnosis": BODY_FIRST,
    "api:api-root": ({}, 404, None),
    "api:audit_entries": ({ANONYMOUS: 401, Role.AUDITOR: 200}, 403, None),
    "api:change": ({ANONYMOUS: 401, Role.PRESCRIBER: 200, PATIENT: 404}, 403, 404),
    "api:check_prescription": BODY_FIRST,
    "api:clinic_events": ({ANONYMOUS: 401}, 200, None),
    "api:clinics": ({ANONYMOUS: 401}, 200, None),
    "api:confirm_event": BODY_FIRST,
    "api:create": BODY_FIRST,
    "api:create_event": BODY_FIRST,
    "api:create_patient": BODY_FIRST,
    "api:create_prescription": BODY_FIRST,
    "api:create_visit": BODY_FIRST,
    "api:dismiss_event": BODY_FIRST,
    "api:dispense": BODY_FIRST,
    "api:download_consent_document": (
        {ANONYMOUS: 401, Role.PHARMACIST: 404, Role.ANALYST: 403, Role.AUDITOR: 403, PATIENT: 404},
        200,
        404,
    ),
    "api:download_photo": (
        {ANONYMOUS: 401, Role.PRESCRIBER: 200, Role.PHARMACIST: 404, PATIENT: 200},
        403,
        404,
    ),
    "api:event_report": (
        {ANONYMOUS: 401, Role.PRESCRIBER: 200, Role.PHARMACIST: 404, PATIENT: 404},
        403,
        404,
    ),
    "api:events": (
        {ANONYMOUS: 401, Role.PRESCRIBER: 200, Role.PHARMACIST: 200, PATIENT: 404},
        403,
        404,
    ),
    "api:fhir_event": (
        {ANONYMOUS: 401, Role.PRESCRIBER: 200, Role.PHARMACIST: 404, PATIENT: 404},
        403,
        404,
    ),
    "api:get_application": (
        {ANONYMOUS: 401, Role.PRESCRIBER: 200, Role.PHARMACIST: 200, PATIENT: 404},
        403,
        404,
    ),
    "api:get_country": ({}, 200, 200),
    "api:get_event": (
        {ANONYMOUS: 401, Role.PRESCRIBER: 200, Role.PHARMACIST: 404, PATIENT: 200},
        403,
        404,
    ),
    "api:get_patient": (
        {ANONYMOUS: 401, Role.PHARMACIST: 404, Role.ANALYST: 403, Role.AUDITOR: 403, PATIENT: 404},
        200,
        404,
    ),
    "api:get_prescription": (
        {ANONYMOUS: 401, Role.PRESCRIBER: 200, Role.PHARMACIST: 404, PATIENT: 404},
        403,
        404,
    ),
    "api:get_visit": (
        {ANONYMOUS: 401, Role.PRESCRIBER: 200, Role.PHARMACIST: 404, PATIENT: 404},
        403,
        404,
    ),
    "api:list_applications": ({ANONYMOUS: 401}, 200, None),
    "api:list_co_medications": (
        {ANONYMOUS: 401, Role.PRESCRIBER: 200, Role.PHARMACIST: 404, PATIENT: 404},
        403,
        404,
    ),
    "api:list_consents": (
        {ANONYMOUS: 401, Role.PHARMACIST: 404, Role.ANALYST: 403, Role.AUDITOR: 403, PATIENT: 404},
        200,
        404,
    ),
    "api:list_countries": ({}, 200, None),
    "api:list_diagnoses": (
        {ANONYMOUS: 401, Role.PRESCRIBER: 200, Role.PHARMACIST: 404, PATIENT: 404},
        403,
        404,
    ),
    "api:list_events": (
        {ANONYMOUS: 401, Role.PRESCRIBER: 200, Role.PHARMACIST: 404, PATIENT: 200},
        403,
        404,
    ),
    "api:list_patients": (
        {ANONYMOUS: 401, Role.PRESCRIBER: 200, Role.CLINIC_ADMIN: 200},
        403,
        None,
    ),
    "api:list_photos": (
        {ANONYMOUS: 401, Role.PRESCRIBER: 200, Role.PHARMACIST: 404, PATIENT: 404},
        403,
        404,
    ),
    "api:list_prescriptions": (
        {ANONYMOUS: 401, Role.PRESCRIBER: 200, Role.PHARMACIST: 404, PATIENT: 404},
        403,
        404,
    ),
    "api:list_products": ({ANONYMOUS: 401}, 200, None),
    "api:list_visits": (
        {ANONYMOUS: 401, Role.PRESCRIBER: 200, Role.PHARMACIST: 404, PATIENT: 404},
        403,
        404,
    ),
    "api:me": ({ANONYMOUS: 401}, 200, None),
    "api:motivation": BODY_FIRST,
    "api:my_diary": ({ANONYMOUS: 401, PATIENT: 200}, 404, None),
    "api:openapi-json": ({}, 200, None),
    "api:openapi-view": ({}, 200, None),
    "api:order_create": BODY_FIRST,
    "api:order_list": ({ANONYMOUS: 401, Role.PHARMACIST: 200}, 403, None),
    "api:packs": ({ANONYMOUS: 401, Role.PHARMACIST: 200}, 403, None),
    "api:parse_scan": BODY_FIRST,
    "api:patient_adherence": (
        {ANONYMOUS: 401, Role.PRESCRIBER: 200, Role.PHARMACIST: 404, PATIENT: 404},
        403,
        404,
    ),
    "api:patient_course": (
        {ANONYMOUS: 401, Role.PRESCRIBER: 200, Role.PHARMACIST: 404, PATIENT: 404},
        403,
        404,
    ),
    "api:patient_diary": (
        {ANONYMOUS: 401, Role.PRESCRIBER: 200, Role.PHARMACIST: 404, PATIENT: 404},
        403,
        404,
    ),
    "api:products": ({ANONYMOUS: 401, Role.PHARMACIST: 200}, 403, None),
    "api:reauthorise": ({ANONYMOUS: 401, Role.PRESCRIBER: 409, PATIENT: 404}, 403, 404),
    "api:recall_import": BODY_FIRST,
    "api:recall_list": ({ANONYMOUS: 401, Role.PHARMACIST: 200}, 403, None),
    "api:registry_outcomes": ({ANONYMOUS: 401, Role.PRESCRIBER: 200, Role.ANALYST: 200}, 403, None),
    "api:replace_co_medication": BODY_FIRST,
    "api:replace_event": BODY_FIRST,
    "api:replace_visit": BODY_FIRST,
    "api:report_sent": BODY_FIRST,
    "api:session_open": ({ANONYMOUS: 401, Role.PHARMACIST: 201}, 403, None),
    "api:session_scan": BODY_FIRST,
    "api:stock_counts": ({ANONYMOUS: 401, Role.PHARMACIST: 200}, 403, None),
    "api:stop_prescription": BODY_FIRST,
    "api:transition": BODY_FIRST,
    "api:turnaround": ({ANONYMOUS: 401}, 422, None),
    "api:update_patient": (
        {ANONYMOUS: 401, Role.PHARMACIST: 404, Role.ANALYST: 403, Role.AUDITOR: 403, PATIENT: 404},
        200,
        404,
    ),
    "api:upload_consent_document": BODY_FIRST,
    "api:upload_photos": BODY_FIRST,
    "api:verify_scan": BODY_FIRST,
    "api:visit_history": (
        {ANONYMOUS: 401, Role.PRESCRIBER: 200, Role.PHARMACIST: 404, PATIENT: 404},
        403,
        404,
    ),
    "api:withdraw_consent": BODY_FIRST,
    "api:write_my_diary": BODY_FIRST,
}


#: Public (a country's facts) or the clinic's authorisation, read by every pharmacy serving it.
OTHER_PHARMACY_READS = {"api:get_country", "api:events", "api:get_application"}


def api_rows() -> list[Row]:
    methods = _methods()
    rows = []
    for name, params in sorted(api_patterns()):
        if name not in EXPECTED:  # no decided rule: the table's first test names it
            continue
        expected = EXPECTED[name]
        own, default, other = expected
        method = methods.get(name.removeprefix("api:"), "GET")
        rows.append(
            Row(
                name,
                own=own,
                default=default,
                method=method,
                kwargs=_builder(params),
                other=other if params else None,
                json=method != "GET",
                other_pharmacy=200 if name in OTHER_PHARMACY_READS else None,
                other_patient=200 if name == "api:get_country" else 404,
                kinds=BODY_FIRST_KINDS if expected is BODY_FIRST else None,
            )
        )
    return rows
