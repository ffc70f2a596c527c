"""Saving visits with their VASI entries, keeping each version, and storing photos.

Pages and the API both build a :class:`VisitInput` and call :func:`save_visit`; the checks in
:func:`check_visit` are the only ones, and the arithmetic is :mod:`repigment.clinical.scoring`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from repigment.accounts import audit
from repigment.accounts.models import AuditAction, User
from repigment.assessments.models import (
    REGION_LABELS,
    REGIONS,
    Instrument,
    Photo,
    ScoreEntry,
    Visit,
    VisitVersion,
)
from repigment.clinical.course import study_week
from repigment.clinical.errors import ClinicalInputError
from repigment.clinical.scoring import (
    DEPIGMENTATION_LADDER,
    FVASI_MAX_HAND_UNITS,
    TVASI_MAX_HAND_UNITS,
    VasiEntry,
    VasiScore,
    score_fvasi,
    score_tvasi,
)
from repigment.core.plausibility import implausible_hand_units, implausible_percent
from repigment.core.templatetags.dates import day_text
from repigment.patients.models import ConsentPurpose, Patient
from repigment.patients.services import require_consent
from repigment.patients.uploads import (
    CleanFile,
    UploadRejected,
    clean_image,
    delete_files_on_error,
    read_upload,
    thumbnail,
)

LADDER_TEXT = ", ".join(str(grade) for grade in DEPIGMENTATION_LADDER)
MAX_UNITS = {Instrument.FVASI: FVASI_MAX_HAND_UNITS, Instrument.TVASI: TVASI_MAX_HAND_UNITS}


@dataclass(frozen=True)
class EntryInput:
    instrument: str
    region: str
    hand_units: Decimal
    depigmentation: int


@dataclass
class VisitInput:
    visit_date: date
    assessor: User | None
    fvasi_scored: bool = True
    tvasi_scored: bool = True
    affected_bsa_percent: Decimal | None = None
    facial_bsa_percent: Decimal | None = None
    vns: int | None = None
    notes: str = ""
    entries: list[EntryInput] = field(default_factory=list)


class VisitInvalid(Exception):
    """The visit was not saved; ``fields`` maps a field (``entries.3.hand_units``) to messages."""

    def __init__(self, fields: dict[str, list[str]]) -> None:
        super().__init__("the visit is not valid")
        self.fields = fields


@dataclass(frozen=True)
class Scores:
    fvasi: VasiScore | None
    tvasi: VasiScore | None

    def of(self, instrument: str) -> VasiScore | None:
        return self.fvasi if instrument == Instrument.FVASI else self.tvasi


# --- checking --------------------------------------------------------------------------------


def score_entries(entries: Sequence[EntryInput], fvasi_scored: bool, tvasi_scored: bool) -> Scores:
    """Both scores from the rows, or VisitInvalid naming each row and instrument at fault."""
    errors: dict[str, list[str]] = {}
    by_instrument: dict[str, list[VasiEntry]] = {Instrument.FVASI: [], Instrument.TVASI: []}
    for index, entry in enumerate(entries):
        checked = _check_entry(entry, f"entries.{index}", errors)
        if checked is not None:
            by_instrument[entry.instrument].append(checked)
    scored = {Instrument.FVASI: fvasi_scored, Instrument.TVASI: tvasi_scored}
    results: dict[str, VasiScore | None] = {}
    for instrument, rows in by_instrument.items():
        key = "fvasi" if instrument == Instrument.FVASI else "tvasi"
        if not scored[instrument]:
            if rows:
                errors.setdefault(key, []).append(
                    _(
                        "%(instrument)s is marked as not scored, but it has rows; remove them or "
                        "mark it scored."
                    )
                    % {"instrument": instrument}
                )
            results[instrument] = None
            continue
        results[instrument] = _score(instrument, rows, key, errors)
    if errors:
        raise VisitInvalid(errors)
    return Scores(results[Instrument.FVASI], results[Instrument.TVASI])


def _check_entry(entry: EntryInput, key: str, errors: dict[str, list[str]]) -> VasiEntry | None:
    if entry.instrument not in REGIONS:
        errors.setdefault(f"{key}.instrument", []).append(_("Must be F-VASI or T-VASI."))
        return None
    if entry.region not in REGIONS[entry.instrument]:
        allowed = ", ".join(str(REGION_LABELS[r]) for r in REGIONS[entry.instrument])
        errors.setdefault(f"{key}.region", []).append(
            _("%(instrument)s regions are: %(allowed)s.")
            % {"instrument": entry.instrument, "allowed": allowed}
        )
        return None
    try:
        return VasiEntry.from_values(entry.region, entry.hand_units, entry.depigmentation)
    except ClinicalInputError as error:
        errors.setdefault(f"{key}.{error.field}", []).append(_entry_message(error))
        return None


def _entry_message(error: ClinicalInputError) -> str:
    if error.field == "depigmentation":
        return _("Depigmentation must be one of %(ladder)s %%.") % {"ladder": LADDER_TEXT}
    if error.field == "hand_units" and "negative" in error.problem:
        return _("Hand units cannot be negative.")
    if error.field == "hand_units" and "decimal places" in error.problem:
        return _("Hand units take at most two decimals, for example 0.25.")
    return _("Hand units must be a number, for example 0.5 or 2.")


def _score(
    instrument: str, rows: list[VasiEntry], key: str, errors: dict[str, list[str]]
) -> VasiScore | None:
    total_units = sum((row.hand_units for row in rows), Decimal(0))
    if total_units > MAX_UNITS[instrument]:
        errors.setdefault(key, []).append(
            _("%(instrument)s rows add up to %(units)s hand units; at most %(max)s fit.")
            % {
                "instrument": instrument,
                "units": plain(total_units),
                "max": plain(MAX_UNITS[instrument]),
            }
        )
        return None
    score = score_fvasi if instrument == Instrument.FVASI else score_tvasi
    return score(rows)


def check_visit(patient: Patient, data: VisitInput, visit: Visit | None = None) -> Scores:
    """The visit's scores, or VisitInvalid with every problem found."""
    errors: dict[str, list[str]] = {}
    try:
        scores = score_entries(data.entries, data.fvasi_scored, data.tvasi_scored)
    except VisitInvalid as invalid:
        errors.update(invalid.fields)
        scores = Scores(None, None)
    _check_dates(patient, data, visit, errors)
    age = max(patient.age_on(data.visit_date), 0)
    _check_areas(data, age, errors)
    _check_region_units(data, age, errors)
    if data.vns is not None and not 1 <= data.vns <= 5:
        errors.setdefault("vns", []).append(_("The noticeability scale runs from 1 to 5."))
    if errors:
        raise VisitInvalid(errors)
    return scores


def _check_dates(
    patient: Patient, data: VisitInput, visit: Visit | None, errors: dict[str, list[str]]
) -> None:
    day = data.visit_date
    if day > timezone.localdate():
        errors.setdefault("visit_date", []).append(_("The visit date is in the future."))
    if day < patient.date_of_birth:
        errors.setdefault("visit_date", []).append(_("The visit date is before the birth date."))
    others = patient.visits.exclude(pk=visit.pk) if visit else patient.visits.all()
    if others.filter(visit_date=day).exists():
        errors.setdefault("visit_date", []).append(
            _("There is already a visit on %(date)s; open it to change it.")
            % {"date": day_text(day)}
        )
    earlier = others.filter(visit_date__lt=day).exists()
    if data.vns is not None and not earlier:
        errors.setdefault("vns", []).append(
            _(
                "The noticeability scale compares with before treatment; record it from the "
                "first follow-up visit on, not at baseline."
            )
        )
    first_other = others.order_by("visit_date").first()
    if first_other and first_other.vns and day > first_other.visit_date:
        errors.setdefault("visit_date", []).append(
            _(
                "This date would make the visit of %(date)s the baseline, but that visit has a "
                "noticeability score."
            )
            % {"date": day_text(first_other.visit_date)}
        )


def _check_areas(data: VisitInput, age: int, errors: dict[str, list[str]]) -> None:
    for name in ("affected_bsa_percent", "facial_bsa_percent"):
        value = getattr(data, name)
        if value is not None and not Decimal(0) <= value <= Decimal(100):
            errors.setdefault(name, []).append(_("A percentage of body surface is 0 to 100."))
    face_percent = data.facial_bsa_percent
    if face_percent is not None and Decimal(0) <= face_percent <= Decimal(100):
        refused = implausible_percent("face", face_percent, age)
        if refused:
            errors.setdefault("facial_bsa_percent", []).append(refused)
    body, face = data.affected_bsa_percent, data.facial_bsa_percent
    if body is not None and face is not None and face > body:
        errors.setdefault("facial_bsa_percent", []).append(
            _("The facial area is part of the affected area, so it cannot be larger.")
        )


def _check_region_units(data: VisitInput, age: int, errors: dict[str, list[str]]) -> None:
    """A region's rows cannot cover more hand units (about 1 % each) than the region is."""
    totals: dict[tuple[str, str], Decimal] = {}
    last: dict[tuple[str, str], int] = {}
    for index, entry in enumerate(data.entries):
        units = entry.hand_units
        if not isinstance(units, Decimal) or not units.is_finite() or units < 0:
            continue  # refused on its own row already
        key = (entry.instrument, entry.region)
        totals[key] = totals.get(key, Decimal(0)) + units
        last[key] = index
    for (instrument, region), units in totals.items():
        if region not in REGION_LABELS:
            continue
        refused = implausible_hand_units(region, units, age)
        if refused:
            errors.setdefault(f"entries.{last[instrument, region]}.hand_units", []).append(refused)


# --- saving ----------------------------------------------------------------------------------


def save_visit(
    patient: Patient,
    data: VisitInput,
    *,
    visit: Visit | None = None,
    request: HttpRequest | None,
    actor: User,
    role: str,
) -> Visit:
    """Create or change a visit and its rows, all or nothing, and keep this version."""
    with transaction.atomic():
        Patient.objects.select_for_update().filter(pk=patient.pk).first()
        require_consent(patient, ConsentPurpose.TREATMENT)
        check_visit(patient, data, visit)
        creating = visit is None
        visit = visit or Visit(patient=patient)
        for name in (
            "visit_date",
            "assessor",
            "fvasi_scored",
            "tvasi_scored",
            "affected_bsa_percent",
            "facial_bsa_percent",
            "vns",
            "notes",
        ):
            setattr(visit, name, getattr(data, name))
        visit.save()
        visit.entries.all().delete()
        ScoreEntry.objects.bulk_create(_entry_rows(visit, data.entries))
        visit.save()  # recomputes both totals from the rows just written
        if _keep_version(visit, actor) or creating:
            action = AuditAction.CREATE if creating else AuditAction.UPDATE
            audit.record(
                request,
                action,
                object_type="visit",
                object_id=visit.pk,
                patient_id=patient.pk,
                clinic=patient.clinic,
                role=role,
                actor=actor,
            )
    return visit


def _entry_rows(visit: Visit, entries: Iterable[EntryInput]) -> list[ScoreEntry]:
    return [
        ScoreEntry(
            visit=visit,
            instrument=e.instrument,
            region=e.region,
            hand_units=e.hand_units,
            depigmentation=e.depigmentation,
            position=index,
        )
        for index, e in enumerate(entries)
    ]


def snapshot(visit: Visit) -> dict[str, Any]:
    """What the visit says now, in plain JSON values, for its history."""
    entries = [
        [row.instrument, row.region, plain(row.hand_units), row.depigmentation]
        for row in visit.entries.order_by("instrument", "region", "position", "pk")
    ]
    return {
        "visit_date": visit.visit_date.isoformat(),
        "assessor": visit.assessor.full_name if visit.assessor else "",
        "fvasi_scored": visit.fvasi_scored,
        "tvasi_scored": visit.tvasi_scored,
        "fvasi_total": plain(visit.fvasi_total),
        "tvasi_total": plain(visit.tvasi_total),
        "affected_bsa_percent": plain(visit.affected_bsa_percent),
        "facial_bsa_percent": plain(visit.facial_bsa_percent),
        "vns": visit.vns,
        "notes": visit.notes,
        "entries": entries,
    }


def _keep_version(visit: Visit, actor: User) -> bool:
    """Store this state as the next version, unless nothing changed since the last one."""
    state = snapshot(visit)
    last = visit.versions.order_by("-number").first()
    if last is not None and last.snapshot == state:
        return False
    number = last.number + 1 if last else 1
    VisitVersion.objects.create(visit=visit, number=number, saved_by=actor, snapshot=state)
    return True


def plain(value: Decimal | None) -> str | None:
    """A Decimal as plain text without trailing zeros (0.3750 -> 0.375), None as None."""
    if value is None:
        return None
    text = format(Decimal(value).normalize(), "f")
    return "0" if text in ("-0", "") else text


# --- weeks -----------------------------------------------------------------------------------


def course_start(patient: Patient) -> tuple[date | None, str]:
    """Where week 0 is: the treatment start if recorded, else the baseline (first) visit."""
    if patient.treatment_start is not None:
        return patient.treatment_start, "treatment"
    first = patient.visits.order_by("visit_date").values_list("visit_date", flat=True).first()
    return first, "baseline"


def week_of(patient: Patient, day: date) -> int | None:
    start, _source = course_start(patient)
    return None if start is None else study_week(start, day)


# --- photos ----------------------------------------------------------------------------------


MAX_PHOTOS_PER_UPLOAD = 10


class PhotosRejected(Exception):
    """One or more uploads were refused; ``problems`` says which and why. Nothing is kept."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def clean_photos(uploads: Sequence[UploadedFile]) -> list[CleanFile]:
    """Every upload checked and cleaned, or PhotosRejected naming each file refused."""
    if len(uploads) > MAX_PHOTOS_PER_UPLOAD:
        raise PhotosRejected(
            [_("Upload at most %(n)s photos at a time.") % {"n": MAX_PHOTOS_PER_UPLOAD}]
        )
    cleaned, problems = [], []
    for upload in uploads:
        name = upload.name or "photo"
        try:
            cleaned.append(clean_image(read_upload(upload, name, upload.size), name))
        except UploadRejected as error:
            problems.append(str(error))
    if problems:
        raise PhotosRejected(problems)
    return cleaned


@dataclass(frozen=True)
class PhotoInput:
    body_site: str
    lighting: str
    site_detail: str = ""


def store_photos(
    visit: Visit,
    tags: PhotoInput,
    images: Sequence[CleanFile],
    *,
    request: HttpRequest | None,
    actor: User,
    role: str,
) -> list[Photo]:
    """Store cleaned images and their thumbnails, all or none; needs treatment and photo consent."""
    patient = visit.patient
    stored: list[Photo] = []
    with delete_files_on_error() as written, transaction.atomic():
        require_consent(patient, ConsentPurpose.TREATMENT)  # a photo is clinical data too
        require_consent(patient, ConsentPurpose.PHOTOS)
        for cleaned in images:
            photo = Photo(
                visit=visit,
                body_site=tags.body_site,
                lighting=tags.lighting,
                site_detail=tags.site_detail,
                content_type=cleaned.content_type,
                width=cleaned.width,
                height=cleaned.height,
                size=len(cleaned.content),
                source_format=cleaned.source_format,
                uploaded_by=actor,
            )
            name = Photo.new_name(cleaned.extension)
            photo.image.save(name, ContentFile(cleaned.content), save=False)
            written.append(photo.image)
            small = thumbnail(cleaned.content)
            photo.thumbnail.save(name.split(".")[0] + "-thumb.jpg", ContentFile(small), save=False)
            written.append(photo.thumbnail)
            photo.save()
            audit.record(
                request,
                AuditAction.CREATE,
                object_type="photo",
                object_id=photo.pk,
                patient_id=patient.pk,
                clinic=patient.clinic,
                role=role,
                actor=actor,
            )
            stored.append(photo)
    return stored
