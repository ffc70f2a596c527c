"""API for visits with their VASI entries, visit history, photos and the patient's course.

Scores are computed on the server from the entries and returned; a client cannot send them
(input schemas forbid unknown fields, so ``fvasi_total`` in a request is a 422).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile

from repigment.accounts.models import Membership, Role, User
from repigment.assessments import services
from repigment.assessments.access import visit_for
from repigment.assessments.course import Course, build_course
from repigment.assessments.history import history
from repigment.assessments.models import BodySite, Lighting, Photo, ScoreEntry, Visit
from repigment.assessments.photos import photo_response
from repigment.core.errors import ApiError
from repigment.core.pagination import PageQuery, page_of, paginate
from repigment.core.schemas import Strict
from repigment.patients.access import CLINICAL_ROLES, acting_user, patient_for, record_read
from repigment.patients.api import consent_error
from repigment.patients.models import ConsentPurpose, Patient
from repigment.patients.services import ConsentRequired, has_consent

router = Router(tags=["assessments"])


class EntryIn(Strict):
    source_model = ScoreEntry

    instrument: Literal["F-VASI", "T-VASI"]
    region: str
    hand_units: Decimal
    depigmentation: int


class VisitIn(Strict):
    source_model = Visit

    visit_date: date
    assessor_id: int | None = None
    fvasi_scored: bool = True
    tvasi_scored: bool = True
    affected_bsa_percent: Decimal | None = None
    facial_bsa_percent: Decimal | None = None
    vns: int | None = None
    notes: str = ""
    entries: list[EntryIn] = []


class EntryOut(Schema):
    instrument: str
    region: str
    hand_units: Decimal
    depigmentation: int


class VisitOut(Schema):
    id: int
    patient_id: int
    visit_date: date
    week: int | None
    assessor_id: int | None
    fvasi_scored: bool
    tvasi_scored: bool
    fvasi: Decimal | None
    tvasi: Decimal | None
    fvasi_improvement_percent: Decimal | None
    tvasi_improvement_percent: Decimal | None
    reached: list[str]
    affected_bsa_percent: Decimal | None
    facial_bsa_percent: Decimal | None
    vns: int | None
    notes: str
    entries: list[EntryOut]
    version: int


class ChangeOut(Schema):
    what: str
    before: str
    after: str


class VersionOut(Schema):
    number: int
    saved_at: datetime
    saved_by: str
    changes: list[ChangeOut]
    snapshot: dict[str, Any]


class PhotoOut(Schema):
    id: int
    visit_id: int
    body_site: str
    site_detail: str
    lighting: str
    content_type: str
    width: int
    height: int
    size: int
    uploaded_at: datetime


class PhotoTags(Schema):
    body_site: BodySite
    lighting: Lighting
    site_detail: str = ""


class SizeQuery(Schema):
    size: Literal["full", "thumb"] = "full"


class TrialReferenceOut(Schema):
    id: str
    citation: str
    url: str
    quality: str


class TrialFigureOut(Schema):
    trial: str
    endpoint: str
    week: int
    arm: str
    value_percent: Decimal
    vehicle_percent: Decimal | None
    note: str
    reference: TrialReferenceOut


class CoursePointOut(Schema):
    visit_id: int
    visit_date: date
    week: int
    fvasi: Decimal | None
    tvasi: Decimal | None
    fvasi_improvement_percent: Decimal | None
    tvasi_improvement_percent: Decimal | None
    reached: list[str]


class CourseOut(Schema):
    patient_id: int
    start: date | None
    start_source: str
    points: list[CoursePointOut]
    trial_figures: list[TrialFigureOut]


def _visit_out(visit: Visit, course: Course | None = None) -> dict[str, Any]:
    """The visit; ``course``: the patient's, when the caller built it once for many visits."""
    course = course or build_course(visit.patient)
    point = next((p for p in course.points if p.visit.pk == visit.pk), None)
    counted = getattr(visit, "version_count", None)
    return {
        "id": visit.pk,
        "patient_id": visit.patient_id,
        "visit_date": visit.visit_date,
        "week": point.week if point else None,
        "assessor_id": visit.assessor_id,
        "fvasi_scored": visit.fvasi_scored,
        "tvasi_scored": visit.tvasi_scored,
        "fvasi": _exact(visit.fvasi_total),
        "tvasi": _exact(visit.tvasi_total),
        "fvasi_improvement_percent": _improvement(point, "F-VASI"),
        "tvasi_improvement_percent": _improvement(point, "T-VASI"),
        "reached": point.reached() if point else [],
        "affected_bsa_percent": visit.affected_bsa_percent,
        "facial_bsa_percent": visit.facial_bsa_percent,
        "vns": visit.vns,
        "notes": visit.notes,
        "entries": list(visit.entries.all()),
        "version": visit.versions.count() if counted is None else counted,
    }


def _exact(value: Decimal | None) -> Decimal | None:
    """A score without trailing zeros (0.3750 -> 0.375), the same however it was read."""
    text = services.plain(value)
    return None if text is None else Decimal(text)


def _improvement(point: Any, instrument: str) -> Decimal | None:
    result = point.response(instrument) if point else None
    return result.percent_improvement_rounded if result else None


def _visit_input(patient: Patient, payload: VisitIn, request: HttpRequest) -> services.VisitInput:
    assessor = _assessor(patient, payload.assessor_id, acting_user(request))
    entries = [
        services.EntryInput(e.instrument, e.region, e.hand_units, e.depigmentation)
        for e in payload.entries
    ]
    return services.VisitInput(
        visit_date=payload.visit_date,
        assessor=assessor,
        fvasi_scored=payload.fvasi_scored,
        tvasi_scored=payload.tvasi_scored,
        affected_bsa_percent=payload.affected_bsa_percent,
        facial_bsa_percent=payload.facial_bsa_percent,
        vns=payload.vns,
        notes=payload.notes,
        entries=entries,
    )


def _assessor(patient: Patient, assessor_id: int | None, actor: User) -> User:
    wanted = assessor_id if assessor_id is not None else actor.pk
    member = (
        Membership.objects.filter(
            user_id=wanted, clinic=patient.clinic, role=Role.PRESCRIBER, user__is_active=True
        )
        .select_related("user")
        .first()
    )
    if member is None:
        raise ApiError(
            422,
            "invalid",
            "Some fields are not valid.",
            {"assessor_id": ["The assessor must be a prescriber of the clinic."]},
        )
    return member.user


def _save(
    patient: Patient, role: str, payload: VisitIn, request: HttpRequest, visit: Visit | None
) -> Visit:
    data = _visit_input(patient, payload, request)
    try:
        return services.save_visit(
            patient, data, visit=visit, request=request, actor=acting_user(request), role=role
        )
    except services.VisitInvalid as invalid:
        raise ApiError(422, "invalid", "Some fields are not valid.", invalid.fields) from None
    except ConsentRequired as missing:
        raise consent_error(missing) from None


VisitPage = page_of(VisitOut, "VisitPage")


@router.get("/patients/{patient_id}/visits", response=VisitPage)
def list_visits(request: HttpRequest, patient_id: int, pages: Query[PageQuery]) -> dict[str, Any]:
    """The patient's visits, oldest first; the course is built once for the whole page."""
    patient, role = patient_for(request, patient_id, CLINICAL_ROLES)
    record_read(request, patient, role, "visit_list")
    course = build_course(patient)
    visits = patient.visits.prefetch_related("entries").annotate(version_count=Count("versions"))
    page = paginate(request, visits, pages)
    for visit in page.items:
        visit.patient = patient
    return page.answer(lambda visit: _visit_out(visit, course))


@router.post("/patients/{patient_id}/visits", response={201: VisitOut})
def create_visit(request: HttpRequest, patient_id: int, payload: VisitIn) -> Status[dict[str, Any]]:
    patient, role = patient_for(request, patient_id, CLINICAL_ROLES)
    return Status(201, _visit_out(_save(patient, role, payload, request, None)))


@router.get("/visits/{visit_id}", response=VisitOut)
def get_visit(request: HttpRequest, visit_id: int) -> dict[str, Any]:
    visit, role = visit_for(request, visit_id, CLINICAL_ROLES)
    record_read(request, visit.patient, role, "visit", visit.pk)
    return _visit_out(visit)


@router.put("/visits/{visit_id}", response=VisitOut)
def replace_visit(request: HttpRequest, visit_id: int, payload: VisitIn) -> dict[str, Any]:
    visit, role = visit_for(request, visit_id, CLINICAL_ROLES)
    return _visit_out(_save(visit.patient, role, payload, request, visit))


@router.get("/visits/{visit_id}/history", response=list[VersionOut])
def visit_history(request: HttpRequest, visit_id: int) -> list[dict[str, Any]]:
    visit, role = visit_for(request, visit_id, CLINICAL_ROLES)
    record_read(request, visit.patient, role, "visit_history", visit.pk)
    return [
        {
            "number": v.version.number,
            "saved_at": v.version.saved_at,
            "saved_by": v.version.saved_by.full_name if v.version.saved_by else "",
            "changes": [c.__dict__ for c in v.changes],
            "snapshot": v.version.snapshot,
        }
        for v in history(visit)
    ]


@router.get("/visits/{visit_id}/photos", response=list[PhotoOut])
def list_photos(request: HttpRequest, visit_id: int) -> list[Photo]:
    visit, role = visit_for(request, visit_id, CLINICAL_ROLES)
    record_read(request, visit.patient, role, "photo_list", visit.pk)
    if not has_consent(visit.patient, ConsentPurpose.PHOTOS):
        return []
    return list(visit.photos.all())


@router.post("/visits/{visit_id}/photos", response={201: list[PhotoOut]})
def upload_photos(
    request: HttpRequest,
    visit_id: int,
    tags: Form[PhotoTags],
    files: File[list[UploadedFile]],
) -> Status[list[Photo]]:
    visit, role = visit_for(request, visit_id, CLINICAL_ROLES)
    try:
        cleaned = services.clean_photos(files)
    except services.PhotosRejected as refused:
        message = "A file was not accepted; nothing was saved."
        raise ApiError(422, "invalid", message, {"files": refused.problems}) from None
    info = services.PhotoInput(tags.body_site, tags.lighting, tags.site_detail)
    try:
        stored = services.store_photos(
            visit, info, cleaned, request=request, actor=acting_user(request), role=role
        )
    except ConsentRequired as missing:
        raise consent_error(missing) from None
    return Status(201, stored)


@router.get("/photos/{photo_id}/file")
def download_photo(request: HttpRequest, photo_id: int, query: Query[SizeQuery]) -> HttpResponse:
    return photo_response(request, photo_id, query.size)


@router.get("/patients/{patient_id}/course", response=CourseOut)
def patient_course(request: HttpRequest, patient_id: int) -> dict[str, Any]:
    patient, role = patient_for(request, patient_id, CLINICAL_ROLES)
    record_read(request, patient, role, "course")
    course = build_course(patient)
    return {
        "patient_id": patient.pk,
        "start": course.start,
        "start_source": course.start_source,
        "points": [
            {
                "visit_id": p.visit.pk,
                "visit_date": p.visit.visit_date,
                "week": p.week,
                "fvasi": _exact(p.fvasi),
                "tvasi": _exact(p.tvasi),
                "fvasi_improvement_percent": _improvement(p, "F-VASI"),
                "tvasi_improvement_percent": _improvement(p, "T-VASI"),
                "reached": p.reached(),
            }
            for p in course.points
        ],
        "trial_figures": [
            {
                "trial": f.result.trial,
                "endpoint": f.result.endpoint,
                "week": f.result.week,
                "arm": f.result.arm,
                "value_percent": f.result.value_percent,
                "vehicle_percent": f.vehicle.value_percent if f.vehicle else None,
                "note": f.result.note,
                "reference": {
                    "id": f.reference.id,
                    "citation": f.reference.citation,
                    "url": f.reference.url,
                    "quality": str(f.reference.quality),
                },
            }
            for f in course.trial_figures
        ],
    }
