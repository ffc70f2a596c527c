"""Invented courses for the demo patients: baseline and follow-up visits up to week 52 and a
little beyond, scored region by region, with some responders, some not and some worse.

A few patients get photographs drawn by this program (a skin-toned field with lighter
patches that shrink as the score falls, marked "DEMO"); no real patient image is used.
"""

from __future__ import annotations

import io
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from PIL import Image, ImageDraw, ImageFilter

from repigment.accounts.models import Role, User
from repigment.assessments.models import BodySite, Instrument, Lighting, Visit
from repigment.assessments.services import (
    EntryInput,
    PhotoInput,
    VisitInput,
    save_visit,
    store_photos,
)
from repigment.clinical.scoring import DEPIGMENTATION_LADDER, TVASI_REGIONS
from repigment.patients.models import ConsentPurpose, Patient
from repigment.patients.services import has_consent
from repigment.patients.uploads import clean_image

SEED = 52
VISIT_WEEKS = (0, 12, 24, 36, 52, 64)
# Share of facial improvement reached by week 52 for each kind of course.
PROFILES = {
    "good": ((0.80, 0.97), 0.38),
    "partial": ((0.52, 0.76), 0.22),
    "slow": ((0.20, 0.48), 0.18),
    "none": ((-0.05, 0.15), 0.12),
    "worse": ((-0.60, -0.20), 0.10),
}
PHOTO_PATIENTS = ("JHB-0001", "JHB-0002", "JHB-0003", "CPT-0001")
SKIN = {
    1: (238, 208, 186),
    2: (224, 187, 158),
    3: (198, 152, 112),
    4: (160, 112, 74),
    5: (112, 74, 48),
    6: (70, 45, 32),
}
HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True)
class Row:
    instrument: str
    region: str
    hand_units: Decimal
    depigmentation: int


def build(step: Callable[[str], None]) -> None:
    """Visits (and a few photos) for demo patients that have none yet."""
    today = timezone.localdate()
    patients = Patient.objects.filter(treatment_start__isnull=False, visits__isnull=True)
    for patient in patients.select_related("clinic").order_by("pk"):
        if not has_consent(patient, ConsentPurpose.TREATMENT):
            continue
        assessor = User.objects.filter(
            memberships__clinic=patient.clinic, memberships__role=Role.PRESCRIBER
        ).first()
        if assessor is None:
            continue
        visits = _course(patient, assessor, today)
        if patient.record_number in PHOTO_PATIENTS and has_consent(patient, ConsentPurpose.PHOTOS):
            _photos(patient, visits, assessor)
        step(f"visits of {patient.record_number}")


def _course(patient: Patient, assessor: User, today: date) -> list[Visit]:
    rng = random.Random(f"{SEED}-{patient.record_number}")
    profile = rng.choices(list(PROFILES), weights=[w for _r, w in PROFILES.values()])[0]
    if patient.record_number == "JHB-0001":
        profile = "good"
    low, high = PROFILES[profile][0]
    target = rng.uniform(low, high)
    diagnosis = patient.current_diagnosis()
    face = diagnosis is None or diagnosis.facial_involvement
    baseline = _baseline_rows(rng, face)
    start = patient.treatment_start
    assert start is not None
    saved = []
    for week in VISIT_WEEKS:
        day = start + timedelta(
            weeks=week, days=rng.randrange(-4, 5) if week else -rng.randrange(0, 4)
        )
        if day > today:
            break
        gain = _improvement(target, week)
        rows = baseline if week == 0 else _follow_up(baseline, gain, body_share=0.6, rng=rng)
        data = _visit_input(rows, day, assessor, week, gain, rng)
        saved.append(save_visit(patient, data, request=None, actor=assessor, role=Role.PRESCRIBER))
    return saved


def _improvement(target: float, week: int) -> float:
    """A saturating course: most of the change comes in the first six months."""
    tau = 14.0
    return target * (1 - math.exp(-week / tau)) / (1 - math.exp(-52 / tau))


def _baseline_rows(rng: random.Random, face: bool) -> list[Row]:
    rows = []
    if face:
        for _ in range(rng.randint(1, 3)):
            rows.append(
                Row(
                    Instrument.FVASI,
                    "face",
                    _hu(rng.uniform(0.25, 0.9)),
                    rng.choice((50, 75, 90, 100)),
                )
            )
    for region in rng.sample(TVASI_REGIONS, rng.randint(2, 5)):
        for _ in range(rng.randint(1, 2)):
            rows.append(
                Row(
                    Instrument.TVASI,
                    region,
                    _hu(rng.uniform(0.5, 2.5)),
                    rng.choice((25, 50, 75, 90, 100)),
                )
            )
    return rows


def _follow_up(
    baseline: list[Row], gain: float, body_share: float, rng: random.Random
) -> list[Row]:
    """Each area's contribution changes by about ``gain``: its depigmentation moves along the
    ladder and its extent shrinks (or grows when worse); a fully repigmented area is dropped."""
    rows = []
    for row in baseline:
        change = gain if row.instrument == Instrument.FVASI else gain * body_share
        change = max(min(change + rng.uniform(-0.04, 0.04), 0.97), -0.9)
        target = float(row.hand_units) * row.depigmentation / 100 * (1 - change)
        grade = _nearest_grade(row.depigmentation * math.sqrt(1 - change))
        if grade == 0 or target < 0.01:
            continue
        units = target * 100 / grade
        if row.instrument == Instrument.FVASI:
            units = min(units, 1.0)
        rows.append(Row(row.instrument, row.region, _hu(units), grade))
    return rows


def _nearest_grade(value: float) -> int:
    value = min(max(value, 0), 100)
    return min(DEPIGMENTATION_LADDER, key=lambda grade: abs(grade - value))


def _hu(value: float) -> Decimal:
    """Hand units to the nearest 0.05, at least 0.05."""
    twentieths = max(1, round(value * 20))
    return (Decimal(twentieths) / 20).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def _visit_input(
    rows: list[Row], day: date, assessor: User, week: int, gain: float, rng: random.Random
) -> VisitInput:
    face_units = sum((r.hand_units for r in rows if r.instrument == Instrument.FVASI), Decimal(0))
    body_units = sum((r.hand_units for r in rows if r.instrument == Instrument.TVASI), Decimal(0))
    return VisitInput(
        visit_date=day,
        assessor=assessor,
        affected_bsa_percent=(face_units + body_units).quantize(HUNDREDTH),
        facial_bsa_percent=face_units.quantize(HUNDREDTH),
        vns=_noticeability(gain, rng) if week else None,
        notes=_note(week, gain, rng),
        entries=[EntryInput(r.instrument, r.region, r.hand_units, r.depigmentation) for r in rows],
    )


def _noticeability(gain: float, rng: random.Random) -> int:
    if gain >= 0.75:
        return rng.choice((4, 5))
    if gain >= 0.5:
        return rng.choice((3, 4))
    if gain >= 0.2:
        return 3
    return 2 if gain >= -0.05 else 1


def _note(week: int, gain: float, rng: random.Random) -> str:
    if week == 0:
        return "Baseline. Explained twice-daily application and what to expect over months."
    options = [
        "Applies the cream twice daily; no irritation reported.",
        "Missed some evening applications; discussed a routine.",
        "Mild itching at the application site, settled without stopping.",
    ]
    if gain < 0:
        options = ["New patches since the last visit; discussed activity and sun protection."]
    return rng.choice(options)


def _photos(patient: Patient, visits: list[Visit], assessor: User) -> None:
    if not visits:
        return
    first = visits[0].fvasi_total or Decimal(1)
    chosen = [visits[0], visits[-1]] if len(visits) > 1 else visits[:1]
    if len(visits) > 3:
        chosen.insert(1, visits[2])
    for visit in chosen:
        share = float((visit.fvasi_total or Decimal(0)) / first) if first else 0.0
        for lighting in (Lighting.DAYLIGHT, Lighting.WOODS_LAMP):
            image = clean_image(_drawn(patient, share, lighting), "demo.jpg")
            store_photos(
                visit,
                PhotoInput(BodySite.FACE, lighting, "demo drawing"),
                [image],
                request=None,
                actor=assessor,
                role=Role.PRESCRIBER,
            )


def _drawn(patient: Patient, share: float, lighting: str) -> bytes:
    """A 480x360 drawing: patches whose area follows the score; never a real photograph."""
    rng = random.Random(f"{SEED}-photo-{patient.pk}")
    woods = lighting == Lighting.WOODS_LAMP
    base = (48, 30, 78) if woods else SKIN[patient.phototype]
    patch = (214, 228, 255) if woods else (246, 236, 228)
    image = Image.new("RGB", (480, 360), base)
    layer = Image.new("L", image.size, 0)
    draw = ImageDraw.Draw(layer)
    scale = math.sqrt(max(min(share, 1.6), 0.0))
    for _ in range(6):
        x, y = rng.randrange(60, 420), rng.randrange(50, 300)
        rx, ry = rng.randrange(25, 70) * scale, rng.randrange(20, 55) * scale
        if rx >= 1 and ry >= 1:
            draw.ellipse((x - rx, y - ry, x + rx, y + ry), fill=255)
    mask = layer.filter(ImageFilter.GaussianBlur(6))
    image.paste(Image.new("RGB", image.size, patch), mask=mask)
    ImageDraw.Draw(image).text(
        (10, 340), "DEMO IMAGE - drawn by Repigment, not a patient", fill=(255, 255, 255)
    )
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()
