"""Scale-world visits: the baseline and then the weeks the TRuE-V trials assessed and a clinic
would follow (4, 8, 12, 16, 24, 32, 40, 52, then every quarter), each missed by about one
patient in seven; F-VASI on the face and T-VASI over three to five regions, repigmenting at
the patient's own pace. Totals are computed by the clinical core, as a saved visit's are.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from repigment.assessments.models import Instrument, ScoreEntry, Visit
from repigment.clinical.scoring import DEPIGMENTATION_LADDER, VasiEntry, score_fvasi, score_tvasi
from repigment.core.rows import create_rows
from repigment.core.scale import Chunk, insert_rows

SCHEDULE_WEEKS = (0, 4, 8, 12, 16, 24, 32, 40, 52, 64, 78, 91, 104)
MISSED = 0.15
BODY_REGIONS = ("head_neck", "hands", "upper_limbs", "trunk", "lower_limbs", "feet")


def build(chunk: Chunk) -> None:
    rng, today = chunk.rng, chunk.today
    prescribers = chunk.shared["prescribers"]
    visits: list[dict[str, Any]] = []
    planned: list[list[VasiEntry]] = []
    for patient in chunk.patients:
        start = patient.treatment_start
        if start is None:
            continue
        pace = rng.uniform(0.0, 0.02)  # share of depigmentation regained per week
        face_units = Decimal(rng.choice(("0.25", "0.5", "1", "1.5", "2")))
        regions = rng.sample(BODY_REGIONS, rng.randint(3, 5))
        body = {r: Decimal(rng.choice(("0.5", "1", "2", "3", "5"))) for r in regions}
        first_grade = rng.choice((75, 90, 100))
        for week in SCHEDULE_WEEKS:
            day = start + timedelta(weeks=week, days=rng.randint(-3, 3) if week else 0)
            if day >= today:
                break
            if week and rng.random() < MISSED:
                continue
            grade = _grade(first_grade * (1 - pace * week))
            entries = [VasiEntry("face", face_units, grade)] + [
                VasiEntry(region, units, _grade(grade + rng.choice((-10, 0, 0, 10))))
                for region, units in body.items()
            ]
            planned.append(entries)
            visits.append(
                {
                    "patient_id": patient.pk,
                    "visit_date": day,
                    "assessor_id": prescribers[patient.clinic_id].pk,
                    "fvasi_total": score_fvasi(entries[:1]).score,
                    "tvasi_total": score_tvasi(entries[1:]).score,
                    "vns": rng.randint(1, 5) if week else None,
                }
            )
    ids = create_rows(Visit, visits)  # columns, not instances: a million of them at 100k
    insert_rows(
        ScoreEntry,
        ("visit", "instrument", "region", "hand_units", "depigmentation", "position"),
        (
            (visit, Instrument.FVASI if n == 0 else Instrument.TVASI, entry.region,
             entry.hand_units, entry.depigmentation, 0)
            for visit, entries in zip(ids, planned, strict=True)
            for n, entry in enumerate(entries)
        ),
    )  # fmt: skip


def _grade(value: float) -> int:
    """The nearest step of the depigmentation ladder."""
    return min(DEPIGMENTATION_LADDER, key=lambda step: abs(step - value))
