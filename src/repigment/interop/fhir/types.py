"""Per resource type: which rows a user sees, the search parameters, paging and _include.

Paging is by keyset: a page asks for rows after the last one of the page before, ordered by
primary key, ``_count + 1`` at a time, so each page costs the same bounded queries however deep
it is. Observations are three per visit at most (F-VASI, T-VASI, VNS); their place is the
visit's key and the kind's position.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from repigment.accounts.models import Clinic, Membership, Role, User
from repigment.accounts.permissions import user_clinics
from repigment.assessments.models import Visit
from repigment.interop.fhir import codes
from repigment.interop.fhir import resources as build
from repigment.interop.fhir.errors import FhirError
from repigment.patients.access import CLINICAL_ROLES, RECORD_ROLES
from repigment.patients.models import Consent, Diagnosis, Patient
from repigment.safety.models import AdverseEvent
from repigment.supply.models import Dispense, ProductPack
from repigment.treatment.models import Prescription

Resource = dict[str, Any]
#: One search result: its place in the order (the paging cursor), the resource, its patient.
Item = tuple[str, Resource, int | None]


# --- parameter values ----------------------------------------------------------------------

PREFIXES = ("eq", "ne", "lt", "gt", "le", "ge")
_DATE = re.compile(
    r"^(?P<prefix>[a-z]{2})?(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2})"
    r"(?:T(?P<time>\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(?P<tz>Z|[+-]\d{2}:\d{2})?)?)?)?$"
)


def date_range(name: str, text: str) -> tuple[str, datetime, datetime]:
    """``ge2024-03`` → ("ge", start of March 2024, start of April 2024): the value's precision
    is the range it stands for (FHIR search, date parameters)."""
    match = _DATE.match(text)
    if not match:
        raise FhirError(
            400,
            "invalid",
            f"{name}: {text!r} is not a date (YYYY, YYYY-MM, "
            "YYYY-MM-DD or a date and time), with an optional prefix "
            f"({', '.join(PREFIXES)})",
        )
    prefix = match["prefix"] or "eq"
    if prefix not in PREFIXES:
        raise FhirError(
            400,
            "not-supported",
            f"{name}: the prefix {prefix!r} is not supported (supported: {', '.join(PREFIXES)})",
        )
    tz = timezone.get_current_timezone()
    try:
        year, month, day = int(match["year"]), int(match["month"] or 1), int(match["day"] or 1)
        if match["time"]:
            stamp = f"{match['year']}-{match['month']}-{match['day']}T{match['time']}"
            start = datetime.fromisoformat(stamp + (match["tz"] or "").replace("Z", "+00:00"))
            if start.tzinfo is None:
                start = timezone.make_aware(start, tz)
            seconds = match["time"].count(":")
            end = start + (timedelta(minutes=1) if seconds == 1 else timedelta(seconds=1))
        else:
            first = date(year, month, day)
            if match["day"]:
                last = first + timedelta(days=1)
            elif match["month"]:
                last = date(year + month // 12, month % 12 + 1, 1)
            else:
                last = date(year + 1, 1, 1)
            start = timezone.make_aware(datetime.combine(first, time()), tz)
            end = timezone.make_aware(datetime.combine(last, time()), tz)
    except ValueError as error:
        raise FhirError(400, "invalid", f"{name}: {text!r} is not a real date ({error})") from None
    return prefix, start, end


def date_filter(field_name: str, is_day: bool, name: str, text: str) -> Q:
    """The condition for one date value on a DateField (``is_day``) or a DateTimeField."""
    prefix, start, end = date_range(name, text)
    low: date | datetime = start
    high: date | datetime = end
    if is_day:
        low, high = timezone.localtime(start).date(), timezone.localtime(end).date()
    within = Q(**{f"{field_name}__gte": low, f"{field_name}__lt": high})
    return {
        "eq": within,
        "ne": ~within,
        "lt": Q(**{f"{field_name}__lt": low}),
        "le": Q(**{f"{field_name}__lt": high}),
        "gt": Q(**{f"{field_name}__gte": high}),
        "ge": Q(**{f"{field_name}__gte": low}),
    }[prefix]


def reference_ids(name: str, text: str, kind: str = "Patient") -> list[int]:
    """``Patient/12,13`` or ``12`` → [12, 13]."""
    ids = []
    for part in text.split(","):
        value = part.strip()
        if value.startswith(f"{kind}/"):
            value = value[len(kind) + 1 :]
        if not value.isdigit():
            raise FhirError(
                400, "invalid", f"{name}: {part!r} is not a {kind} reference ({kind}/<id> or <id>)"
            )
        ids.append(int(value))
    return ids


def tokens(name: str, text: str, known: dict[str, set[str]]) -> set[str]:
    """``system|code`` or ``code`` values (comma: either) → the codes, checked against
    ``known`` (system → its codes)."""
    found = set()
    for part in text.split(","):
        system, bar, code = part.partition("|")
        if not bar:
            system, code = "", part
        systems = [system] if system else list(known)
        if system and system not in known:
            raise FhirError(
                400,
                "invalid",
                f"{name}: unknown code system {system!r} (known: {', '.join(sorted(known))})",
            )
        matched = {code for s in systems if code in known[s]}
        found |= matched
    return found


# --- the resource types --------------------------------------------------------------------


@dataclass(frozen=True)
class SearchParam:
    name: str
    kind: str  # FHIR search parameter type: reference, date, token
    documentation: str
    apply: Callable[[QuerySet[Any], str], QuerySet[Any]]
    field: str = ""  # the model field a date parameter compares


@dataclass(frozen=True)
class Include:
    """``Source:param``: the referenced resources of type ``target``, found in each result."""

    param: str
    target: str
    ids: Callable[[Resource], list[str]]


@dataclass(frozen=True)
class ResourceType:
    name: str
    model: type[Model]
    #: The rows the user may see.
    visible: Callable[[User], QuerySet[Any]]
    build: Callable[[Sequence[Any]], list[Resource]]
    params: dict[str, SearchParam] = field(default_factory=dict)
    includes: dict[str, Include] = field(default_factory=dict)
    #: Field holding the clinic the row belongs to (for 403 rather than 404 inside it).
    clinic_field: str = ""
    #: Field naming the patient (None: the resource is about no patient).
    patient_field: str | None = "patient_id"

    @property
    def last_updated_field(self) -> str | None:
        """The field ``_lastUpdated`` and ``_since`` compare (None: the type keeps no time)."""
        param = self.params.get("_lastUpdated")
        return param.field if param else None

    def patient_of(self, row: Any) -> int | None:
        return getattr(row, self.patient_field) if self.patient_field else None

    def lookup(self, user: User, resource_id: str) -> QuerySet[Any]:
        if not resource_id.isdigit():
            raise FhirError(404, "not-found", f"There is no {self.name} {resource_id}.")
        return self.visible(user).filter(pk=int(resource_id))

    def page(self, rows: QuerySet[Any], after: str, count: int) -> list[Item]:
        """Up to ``count`` results after the cursor ``after`` ("" for the first page)."""
        if after and not after.isdigit():
            raise FhirError(400, "invalid", f"_after: {after!r} is not a page cursor.")
        if after:
            rows = rows.filter(pk__gt=int(after))
        batch = list(rows.order_by("pk")[:count])
        return [
            (str(row.pk), resource, self.patient_of(row))
            for row, resource in zip(batch, self.build(batch), strict=True)
        ]

    def stream(self, rows: QuerySet[Any], batch: int = 1000) -> Iterator[Item]:
        """Every result, a batch at a time (constant memory, one keyset query per batch)."""
        after = ""
        while True:
            items = self.page(rows, after, batch)
            yield from items
            if len(items) < batch:
                return
            after = items[-1][0]


class ObservationType(ResourceType):
    """Observations are built from visits: up to three each."""

    def lookup(self, user: User, resource_id: str) -> QuerySet[Any]:
        parsed = build.parse_observation_id(resource_id)
        if parsed is None:
            raise FhirError(404, "not-found", f"There is no Observation {resource_id}.")
        kind, visit_id = parsed
        return _with_kinds(self.visible(user).filter(pk=visit_id), {kind})

    def page(self, rows: QuerySet[Any], after: str, count: int) -> list[Item]:
        kinds = getattr(rows, "fhir_kinds", frozenset(build.OBSERVATION_KINDS))
        order = build.OBSERVATION_KINDS
        start = (0, -1)
        if after:
            visit, _, position = after.partition(".")
            if not (visit.isdigit() and position.isdigit()):
                raise FhirError(400, "invalid", f"_after: {after!r} is not a page cursor.")
            start = (int(visit), int(position))
        items: list[Item] = []
        cursor = start[0]
        first = True
        while len(items) < count:
            lookup = {"pk__gte" if first else "pk__gt": cursor}
            visits = list(rows.filter(**lookup).order_by("pk")[: count + 1])
            first = False
            for visit, kind, resource in build.visit_observations(visits, kinds):
                place = (visit.pk, order.index(kind))
                if place > start and len(items) < count:
                    items.append((f"{place[0]}.{place[1]}", resource, visit.patient_id))
            if len(visits) <= count:
                break
            cursor = visits[-1].pk
        return items


def _with_kinds(rows: QuerySet[Any], kinds: set[str]) -> QuerySet[Any]:
    """Visits with at least one of the observation kinds, remembering which kinds to make."""
    wanted = Q(pk__in=[])
    if codes.FVASI in kinds:
        wanted |= Q(fvasi_scored=True)
    if codes.TVASI in kinds:
        wanted |= Q(tvasi_scored=True)
    if codes.VNS in kinds:
        wanted |= Q(vns__isnull=False)
    narrowed = rows.filter(wanted)
    narrowed.fhir_kinds = narrowed.fhir_kinds & frozenset(kinds)  # type: ignore[attr-defined]
    return narrowed


class VisitRows(QuerySet[Visit]):
    """Visits that remember which observation kinds a search asked for (``code``, ``_id``)."""

    fhir_kinds: frozenset[str] = frozenset(build.OBSERVATION_KINDS)

    def _clone(self) -> VisitRows:
        copy: VisitRows = super()._clone()  # type: ignore[misc]
        copy.fhir_kinds = self.fhir_kinds
        return copy


def _visits(user: User) -> QuerySet[Any]:
    rows = VisitRows(model=Visit).filter(patient__clinic__in=_clinics(user, CLINICAL_ROLES))
    return rows


def _observation_codes(rows: QuerySet[Any], text: str) -> QuerySet[Any]:
    known = {codes.VITILIGO_SYSTEM: set(build.OBSERVATION_KINDS)}
    return _with_kinds(rows, tokens("code", text, known))


def _clinics(user: User, roles: Sequence[str]) -> QuerySet[Clinic]:
    return user_clinics(user, roles)


def _patient_param(name: str, field_name: str = "patient_id") -> SearchParam:
    def apply(rows: QuerySet[Any], text: str) -> QuerySet[Any]:
        return rows.filter(**{f"{field_name}__in": reference_ids(name, text)})

    return SearchParam(name, "reference", "The patient the resource is about.", apply)


def _date_param(name: str, field_name: str, is_day: bool, doc: str) -> SearchParam:
    def apply(rows: QuerySet[Any], text: str) -> QuerySet[Any]:
        return rows.filter(date_filter(field_name, is_day, name, text))

    return SearchParam(name, "date", doc + " Prefixes: eq, ne, lt, gt, le, ge.", apply, field_name)


def _last_updated(field_name: str) -> SearchParam:
    return _date_param("_lastUpdated", field_name, False, "When the resource last changed.")


def _id_param(rows: QuerySet[Any], text: str) -> QuerySet[Any]:
    ids = [part.strip() for part in text.split(",")]
    return rows.filter(pk__in=[int(part) for part in ids if part.isdigit()])


def _observation_ids(rows: QuerySet[Any], text: str) -> QuerySet[Any]:
    parsed = [build.parse_observation_id(part.strip()) for part in text.split(",")]
    found = [pair for pair in parsed if pair is not None]
    narrowed = rows.filter(pk__in=[visit for _, visit in found])
    return _with_kinds(narrowed, {kind for kind, _ in found})


def _reference(*paths: str) -> Callable[[Resource], list[str]]:
    """The ids found at ``paths`` (``subject``, ``performer[]``, ``performer[].actor``)."""

    def ids(resource: Resource) -> list[str]:
        found = []
        for path in paths:
            values: list[Any] = [resource]
            for step in path.split("."):
                many = step.endswith("[]")
                key = step.removesuffix("[]")
                values = [v.get(key) for v in values if isinstance(v, dict)]
                if many:
                    values = [item for value in values for item in (value or [])]
            for value in values:
                if isinstance(value, dict) and "/" in value.get("reference", ""):
                    found.append(value["reference"].split("/", 1)[1])
        return found

    return ids


def _id_common(model_name: str) -> SearchParam:
    return SearchParam("_id", "token", f"The {model_name}'s id (comma: either).", _id_param)


def _patients(user: User) -> QuerySet[Any]:
    return Patient.objects.filter(clinic__in=_clinics(user, RECORD_ROLES))


def _organizations(user: User) -> QuerySet[Any]:
    """The user's clinics and pharmacies, the pharmacies serving them, the clinics served."""
    mine = user_clinics(user)
    related = Q(pk__in=mine) | Q(served_clinics__in=mine) | Q(pharmacies__in=mine)
    return Clinic.objects.filter(pk__in=Clinic.objects.filter(related).values("pk"))


def _practitioners(user: User) -> QuerySet[Any]:
    """The people of those organisations (the pharmacist of a dispense, say), and oneself."""
    people = Membership.objects.filter(clinic__in=_organizations(user)).values("user_id")
    return User.objects.filter(Q(pk__in=people) | Q(pk=user.pk))


def _clinical(model: type[Model], *related: str) -> Callable[[User], QuerySet[Any]]:
    def visible(user: User) -> QuerySet[Any]:
        rows = model._default_manager.filter(patient__clinic__in=_clinics(user, CLINICAL_ROLES))
        return rows.select_related(*related) if related else rows

    return visible


def _dispenses(user: User) -> QuerySet[Any]:
    clinical = Q(patient__clinic__in=_clinics(user, CLINICAL_ROLES))
    own_pharmacy = Q(pharmacy__in=_clinics(user, [Role.PHARMACIST]))
    return Dispense.objects.filter(clinical | own_pharmacy).select_related(
        "pack__lot", "pack__product_pack__product", "pharmacy"
    )


def _medications(user: User) -> QuerySet[Any]:
    return ProductPack.objects.select_related("product")


def _gtin(rows: QuerySet[Any], text: str) -> QuerySet[Any]:
    known = {codes.GTIN: set(ProductPack.objects.values_list("gtin", flat=True))}
    return rows.filter(gtin__in=tokens("code", text, known))


def _condition_code(rows: QuerySet[Any], text: str) -> QuerySet[Any]:
    known = {
        codes.SNOMED: {codes.VITILIGO_SNOMED},
        codes.ICD10: set(rows.values_list("icd10_code", flat=True).distinct()),
        codes.VITILIGO_SYSTEM: {f"type-{kind}" for kind in codes.VITILIGO_TYPES},
    }
    found = tokens("code", text, known)
    if found & ({codes.VITILIGO_SNOMED} | known[codes.ICD10]):
        return rows
    return rows.filter(vitiligo_type__in=[code.removeprefix("type-") for code in found])


PATIENT_INCLUDE = ("Patient", _reference("subject"))


def _types() -> dict[str, ResourceType]:
    subject = _patient_param("subject")
    patient = _patient_param("patient")
    about_patient = {
        "patient": Include("patient", "Patient", _reference("subject")),
        "subject": Include("subject", "Patient", _reference("subject")),
    }
    all_types = [
        ResourceType(
            "Patient",
            Patient,
            _patients,
            build.patient_resources,
            params={
                "_id": _id_common("patient"),
                "_lastUpdated": _last_updated("updated"),
                "birthdate": _date_param("birthdate", "date_of_birth", True, "Date of birth."),
            },
            includes={
                "organization": Include(
                    "organization", "Organization", _reference("managingOrganization")
                )
            },
            clinic_field="clinic_id",
            patient_field="pk",
        ),
        ResourceType(
            "Practitioner",
            User,
            _practitioners,
            build.practitioner_resources,
            params={"_id": _id_common("practitioner")},
            patient_field=None,
        ),
        ResourceType(
            "Organization",
            Clinic,
            _organizations,
            build.organization_resources,
            params={"_id": _id_common("organization")},
            patient_field=None,
        ),
        ResourceType(
            "Condition",
            Diagnosis,
            _clinical(Diagnosis),
            build.condition_resources,
            params={
                "_id": _id_common("condition"),
                "patient": patient,
                "subject": subject,
                "_lastUpdated": _last_updated("recorded_at"),
                "recorded-date": _date_param(
                    "recorded-date", "recorded_on", True, "The day the diagnosis was recorded."
                ),
                "code": SearchParam(
                    "code",
                    "token",
                    "SNOMED CT 56727007, ICD-10 L80, or a vitiligo type (type-non_segmental, ...).",
                    _condition_code,
                ),
            },
            includes=about_patient,
            clinic_field="patient__clinic_id",
        ),
        ObservationType(
            "Observation",
            Visit,
            _visits,
            build.observation_resources,
            params={
                "_id": SearchParam(
                    "_id", "token", "fvasi-<visit>, tvasi-<visit>, vns-<visit>.", _observation_ids
                ),
                "patient": patient,
                "subject": subject,
                "_lastUpdated": _last_updated("updated"),
                "date": _date_param("date", "visit_date", True, "The visit day."),
                "code": SearchParam(
                    "code",
                    "token",
                    f"{codes.VITILIGO_SYSTEM}|fvasi, tvasi or vns.",
                    _observation_codes,
                ),
            },
            includes={
                **about_patient,
                "performer": Include("performer", "Practitioner", _reference("performer[]")),
            },
            clinic_field="patient__clinic_id",
        ),
        ResourceType(
            "MedicationRequest",
            Prescription,
            _clinical(Prescription, "product"),
            build.medication_request_resources,
            params={
                "_id": _id_common("prescription"),
                "patient": patient,
                "subject": subject,
                "_lastUpdated": _last_updated("updated"),
                "authoredon": _date_param(
                    "authoredon", "created", False, "When the prescription was written."
                ),
            },
            includes={
                **about_patient,
                "requester": Include("requester", "Practitioner", _reference("requester")),
            },
            clinic_field="patient__clinic_id",
        ),
        ResourceType(
            "Medication",
            ProductPack,
            _medications,
            build.medication_resources,
            params={
                "_id": _id_common("medication"),
                "code": SearchParam(
                    "code", "token", f"The pack's GTIN ({codes.GTIN}|<GTIN>).", _gtin
                ),
            },
            patient_field=None,
        ),
        ResourceType(
            "MedicationDispense",
            Dispense,
            _dispenses,
            build.medication_dispense_resources,
            params={
                "_id": _id_common("dispense"),
                "patient": patient,
                "subject": subject,
                "_lastUpdated": _last_updated("at"),
                "whenhandedover": _date_param(
                    "whenhandedover", "dispensed_on", True, "The day the pack was handed over."
                ),
            },
            includes={
                **about_patient,
                "prescription": Include(
                    "prescription", "MedicationRequest", _reference("authorizingPrescription[]")
                ),
                "performer": Include("performer", "Practitioner", _reference("performer[].actor")),
            },
            clinic_field="patient__clinic_id",
        ),
        ResourceType(
            "AdverseEvent",
            AdverseEvent,
            _clinical(AdverseEvent),
            build.adverse_event_resources,
            params={
                "_id": _id_common("adverse event"),
                "subject": subject,
                "_lastUpdated": _last_updated("updated"),
                "date": _date_param("date", "onset_date", True, "The day the event began."),
            },
            includes={"subject": about_patient["subject"]},
            clinic_field="patient__clinic_id",
        ),
        ResourceType(
            "Consent",
            Consent,
            _consents,
            build.consent_resources,
            params={
                "_id": _id_common("consent"),
                "patient": patient,
                "_lastUpdated": _last_updated("recorded_at"),
                "date": _date_param("date", "given_on", True, "The day consent was given."),
            },
            includes={"patient": about_patient["patient"]},
            clinic_field="patient__clinic_id",
        ),
    ]
    return {kind.name: kind for kind in all_types}


def _consents(user: User) -> QuerySet[Any]:
    return Consent.objects.filter(patient__clinic__in=_clinics(user, RECORD_ROLES)).select_related(
        "patient"
    )


TYPES = _types()
