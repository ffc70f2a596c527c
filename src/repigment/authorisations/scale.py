"""Scale-world Section 21 applications: about three treated patients in five have one, spread
over the lifecycle (draft, ready, submitted, queried, approved, rejected, expired, withdrawn)
as the regulator's turnaround would leave them, each with the events that took it there.

Approved and expired applications carry their terms (authorisation number, approval day,
182 days of validity, the packs asked for), so the supply builder can order, receive and
dispense against them. Invented throughout: HPCSA and practice numbers, references and
authorisation numbers (``SCALE-…``). Report tasks are not made here (``reporting.sync_all``
derives them from the approved applications when it next runs).
"""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from repigment.access.models import AccessRoute
from repigment.authorisations.medicine import medicine_for
from repigment.authorisations.models import (
    ApplicationEvent,
    AuthorisationApplication,
    Importer,
    PrescriberRecord,
    State,
)
from repigment.core.rows import create_objects
from repigment.core.scale import BATCH_SIZE, Chunk

SHARE = 0.6
#: (final state, weight, the states it passed through after draft, in order).
PLANS: tuple[tuple[State, int, tuple[State, ...]], ...] = (
    (State.DRAFT, 5, ()),
    (State.READY, 3, (State.READY,)),
    (State.SUBMITTED, 7, (State.READY, State.SUBMITTED)),
    (State.QUERIED, 3, (State.READY, State.SUBMITTED, State.QUERIED)),
    (State.APPROVED, 55, (State.READY, State.SUBMITTED, State.APPROVED)),
    (State.APPROVED, 8, (State.READY, State.SUBMITTED, State.QUERIED, State.SUBMITTED,
                         State.APPROVED)),
    (State.REJECTED, 5, (State.READY, State.SUBMITTED, State.REJECTED)),
    (State.EXPIRED, 10, (State.READY, State.SUBMITTED, State.APPROVED, State.EXPIRED)),
    (State.WITHDRAWN, 4, (State.READY, State.SUBMITTED, State.APPROVED, State.WITHDRAWN)),
)  # fmt: skip
VALID_DAYS = 182
PERIOD_WEEKS = 26
NOTES = {
    State.QUERIED: "The regulator asks for the manufacturer's GMP certificate (invented).",
    State.REJECTED: "The motivation does not show that registered alternatives were tried "
    "(invented).",
    State.WITHDRAWN: "Treatment stopped at the patient's request (invented).",
    State.EXPIRED: "The validity ended.",
}
MOTIVATION = (
    "Non-segmental vitiligo with facial involvement that has not responded to the registered "
    "treatments tried. (Invented scale motivation.)"
)


def build(chunk: Chunk) -> None:
    shared = _shared(chunk)
    prescriptions = chunk.by_patient.get("prescription", {})
    if shared is None or not prescriptions:
        return
    rng, today = chunk.rng, chunk.today
    weights = [weight for _, weight, _ in PLANS]
    applications, histories = [], []
    for patient in chunk.patients:
        prescription = prescriptions.get(patient.pk)
        if prescription is None or rng.random() >= SHARE:
            continue
        path, days = _days(rng.choices(PLANS, weights=weights)[0][2], prescription.start_date,
                           today, rng)  # fmt: skip
        application = _application(patient, prescription, shared, path, days, today)
        applications.append(application)
        histories.append((path, days))
    made = create_objects(applications)
    events = []
    for application, (path, days) in zip(made, histories, strict=True):
        events.append(_event(application, "", State.DRAFT, days[0], "Application started."))
        sources = (State.DRAFT, *path)[: len(path)]
        for source, target, day in zip(sources, path, days[1:], strict=True):
            events.append(_event(application, source, target, day, NOTES.get(target, "")))
    ApplicationEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)
    chunk.by_patient["authorisation"] = {
        application.patient_id: application
        for application in made
        if application.state in (State.APPROVED, State.EXPIRED)
    }


def _shared(chunk: Chunk) -> dict[str, Any] | None:
    if "section21" not in chunk.shared:
        route = AccessRoute.objects.filter(country__code="ZA", slug="section-21").first()
        cream = chunk.shared.get("cream")
        chunk.shared["section21"] = None if route is None or cream is None else {
            "route": route,
            "importer": Importer.objects.filter(active=True).order_by("pk").first(),
            "medicine": medicine_for(cream),
            "records": _records(chunk.shared["prescribers"]),
        }  # fmt: skip
    return chunk.shared["section21"]  # type: ignore[no-any-return]


def _records(prescribers: dict[int, Any]) -> dict[int, PrescriberRecord]:
    """Each scale prescriber's Section A record (by user id), made once."""
    records = {}
    for user in prescribers.values():
        records[user.pk], _ = PrescriberRecord.objects.get_or_create(
            user=user,
            defaults={
                "title": "Dr",
                "hpcsa_number": f"SCALE MP {user.pk:07d}",
                "qualifications": "MBChB, FC Derm (SA) (invented)",
                "specialty": "Dermatology",
                "practice_number": f"SCALE{user.pk:07d}",
            },
        )
    return records


def _days(
    path: tuple[State, ...], start: date, today: date, rng: Any
) -> tuple[tuple[State, ...], list[date]]:
    """The day the draft was started and the day of each later step, oldest first (the path
    cut short when the patient's treatment began too recently for its end).

    A step takes 2 to 20 days at the regulator's pace. An approved application was approved
    within its validity, so it is usable today; an expired one ran out its 182 days; a
    withdrawn one was withdrawn within them."""
    steps = [rng.randrange(2, 21) for _ in path]
    if State.APPROVED not in path:
        first = today - timedelta(days=sum(steps) + rng.randrange(0, 10))
        shift = max(0, (start - first).days)
        days = [first + timedelta(days=shift)]
        for step in steps:
            days.append(min(today, days[-1] + timedelta(days=step)))
        return path, days
    at = path.index(State.APPROVED)
    if path[-1] == State.APPROVED:
        approved = today - timedelta(days=rng.randrange(0, VALID_DAYS - 7))
    else:
        approved = today - timedelta(days=rng.randrange(VALID_DAYS + 1, VALID_DAYS + 200))
    first = approved - timedelta(days=sum(steps[: at + 1]))
    if first < start:  # the prescription is younger: everything moves later
        approved += start - first
        first = start
    after = {State.EXPIRED: VALID_DAYS + 1, State.WITHDRAWN: rng.randrange(10, VALID_DAYS)}
    if path[-1] in after and approved + timedelta(days=after[path[-1]]) > today:
        path, steps = path[:-1], steps[:-1]  # not yet over: still approved
    if approved > today:  # treated too recently for an answer yet: still with the regulator
        return _days(path[:at], start, today, rng)
    days = [first]
    for index, step in enumerate(steps):
        state = path[index]
        if state == State.APPROVED:
            days.append(approved)
        elif state in after:
            days.append(approved + timedelta(days=after[state]))
        else:
            days.append(days[-1] + timedelta(days=step))
    return path, days


def _application(
    patient: Any,
    prescription: Any,
    shared: dict[str, Any],
    path: tuple[State, ...],
    days: list[date],
    today: date,
) -> AuthorisationApplication:
    number = f"{patient.record_number}"
    grams = Decimal(prescription.grams_per_week) * PERIOD_WEEKS
    packs = max(1, math.ceil(grams / prescription.tube_grams))
    state = path[-1] if path else State.DRAFT
    terms: dict[str, Any] = {}
    if State.SUBMITTED in path:
        terms.update(
            submitted_on=days[path.index(State.SUBMITTED) + 1],
            reference_number=f"SCALE-S21-{number}",
        )
    if State.APPROVED in path:
        approved = days[path.index(State.APPROVED) + 1]
        terms.update(
            authorisation_number=f"SCALE-AUTH-{number}",
            approved_on=approved,
            valid_until=approved + timedelta(days=VALID_DAYS),
            authorised_packs=packs,
            pack_grams=prescription.tube_grams,
        )
    if state == State.REJECTED:
        terms["rejection_reason"] = NOTES[State.REJECTED]
    noon = timezone.make_aware(datetime.combine(days[-1], time(12)))
    return AuthorisationApplication(
        patient=patient,
        prescription=prescription,
        product=prescription.product,
        route=shared["route"],
        prescriber=shared["records"].get(prescription.prescriber_id),
        importer=shared["importer"],
        state=state,
        state_changed_at=noon,
        dosage=f"A thin layer twice daily to {prescription.treated_bsa_percent} % of the body "
        "surface area (invented scale prescription).",
        period_weeks=PERIOD_WEEKS,
        requested_pack_grams=prescription.tube_grams,
        requested_packs=packs,
        requested_grams=grams.quantize(Decimal("0.001")),
        motivation=MOTIVATION,
        medicine=shared["medicine"],
        consent_signed_on=days[0],
        created=timezone.make_aware(datetime.combine(days[0], time(9))),
        created_by=prescription.prescriber,
        **terms,
    )


def _event(
    application: AuthorisationApplication, source: str, target: str, on: date, note: str
) -> ApplicationEvent:
    data: dict[str, Any] = {}
    if target == State.SUBMITTED and source == State.READY:
        data = {"reference_number": application.reference_number}
    elif target == State.APPROVED:
        assert application.valid_until is not None
        data = {
            "authorisation_number": application.authorisation_number,
            "valid_until": application.valid_until.isoformat(),
            "authorised_packs": application.authorised_packs,
            "pack_grams": application.pack_grams,
        }
    return ApplicationEvent(
        application=application,
        from_state=source,
        to_state=target,
        on=on,
        by=application.created_by,
        note=note,
        data=data,
    )
