"""`repigment demo --scale N --seed S`: a large synthetic world, deterministic and resumable,
whose records hold what the saved ones would (totals from the entries, label checks)."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from repigment.accounts.management.commands.demo import Command
from repigment.accounts.models import Clinic
from repigment.assessments.models import Visit
from repigment.authorisations.models import ApplicationEvent, AuthorisationApplication, State
from repigment.core.appendonly import verify_chain
from repigment.patients.models import Patient
from repigment.safety.models import AdverseEvent
from repigment.supply.models import Dispense, ImportOrder, Pack, PackMovement
from repigment.treatment.models import DiaryEntry, Prescription

SCALE = ["--no-progress", "--scale", "60", "--seed", "5"]


def fingerprint() -> dict[str, object]:
    scale = Patient.objects.filter(clinic__name__startswith="Scale clinic")
    visits = Visit.objects.filter(patient__in=scale)
    return {
        "patients": list(
            scale.order_by("record_number").values_list(
                "record_number", "given_names", "family_name", "date_of_birth", "phototype",
                "za_id_number", "passport_number", "treatment_start",
            )
        ),
        "visits": list(
            visits.order_by("patient__record_number", "visit_date").values_list(
                "patient__record_number", "visit_date", "fvasi_total", "tvasi_total"
            )
        ),
        "prescriptions": Prescription.objects.filter(patient__in=scale).count(),
        "diary": DiaryEntry.objects.filter(patient__in=scale).count(),
        "events": AdverseEvent.objects.filter(patient__in=scale).count(),
        "applications": list(
            AuthorisationApplication.objects.filter(patient__in=scale)
            .order_by("patient__record_number")
            .values_list("patient__record_number", "state", "approved_on", "authorised_packs")
        ),
        "packs": list(
            Pack.objects.filter(order__authorisation__patient__in=scale)
            .order_by("serial").values_list("serial", "state")
        ),
        "dispensed": list(
            Dispense.objects.filter(patient__in=scale)
            .order_by("pack__serial").values_list("pack__serial", "dispensed_on")
        ),
    }  # fmt: skip


class Rollback(Exception):
    pass


def scale_in_a_savepoint() -> dict[str, object]:
    """The fingerprint of a scale world built, then undone."""
    try:
        with transaction.atomic():
            Command(stdout=io.StringIO())._scale(60, 5, quiet=True)
            seen = fingerprint()
            raise Rollback
    except Rollback:
        return seen


@pytest.mark.django_db
def test_the_same_seed_builds_the_same_world_and_a_second_run_adds_nothing() -> None:
    call_command("demo", "--no-progress", stdout=io.StringIO())
    first = scale_in_a_savepoint()
    assert len(first["patients"]) == 60  # type: ignore[arg-type]
    assert first["prescriptions"] and first["visits"] and first["diary"]
    assert first["applications"] and first["packs"] and first["dispensed"]
    assert scale_in_a_savepoint() == first
    call_command("demo", *SCALE, stdout=io.StringIO())
    assert fingerprint() == first
    assert Clinic.objects.filter(name__startswith="Scale clinic").count() == 2
    call_command("demo", *SCALE, stdout=io.StringIO())
    assert fingerprint() == first


@pytest.mark.django_db
def test_the_records_hold_what_saving_them_would_have() -> None:
    call_command("demo", *SCALE, stdout=io.StringIO())
    scale = Patient.objects.filter(clinic__name__startswith="Scale clinic")
    visits = list(Visit.objects.filter(patient__in=scale).prefetch_related("entries"))
    assert len(visits) > 60
    for visit in visits[:40]:
        assert (visit.fvasi_total, visit.tvasi_total) == visit.totals_from_entries()
    phototypes = Counter(scale.values_list("phototype", flat=True))
    assert phototypes[5] + phototypes[6] > phototypes[1] + phototypes[2] + phototypes[3]
    for prescription in Prescription.objects.filter(patient__in=scale)[:20]:
        assert prescription.treated_bsa_percent == prescription.total_bsa()
        assert prescription.label_overall in {"ok", "caution", "outside_label"}
        assert prescription.start_date == prescription.patient.treatment_start
    treated = scale.filter(treatment_start__isnull=False).count()
    assert Prescription.objects.filter(patient__in=scale).count() == treated


@pytest.mark.django_db
def test_authorisations_orders_packs_and_dispensing_keep_their_rules() -> None:
    """Each application got to its state by the events of allowed steps; packs are received
    against an approved authorisation's order and dispensed within its packs and days; the
    stock ledger and every chain verify as they would after the real steps."""
    from repigment.authorisations import states

    call_command("demo", "--no-progress", "--scale", "200", "--seed", "3", stdout=io.StringIO())
    scale = Patient.objects.filter(clinic__name__startswith="Scale clinic")
    applications = AuthorisationApplication.objects.filter(patient__in=scale)
    seen = Counter(applications.values_list("state", flat=True))
    assert seen[State.APPROVED] and seen[State.DRAFT] + seen[State.SUBMITTED] + seen[State.QUERIED]
    allowed = {(a.source, a.target) for a in states.ACTIONS.values()}
    for application in applications.prefetch_related("events"):
        moves = [(e.from_state, e.to_state) for e in application.events.all()]
        assert moves[0] == ("", State.DRAFT)
        assert all(move in allowed for move in moves[1:]), moves
        assert moves[-1][1] == application.state
        days = [e.on for e in application.events.all()]
        assert days == sorted(days) and days[0] >= application.prescription.start_date
        if application.state in (State.APPROVED, State.EXPIRED):
            assert application.approved_on and application.valid_until
        if application.state == State.APPROVED:
            assert application.valid_until >= timezone.localdate()  # still valid
    for order in ImportOrder.objects.filter(authorisation__patient__in=scale):
        authorisation = order.authorisation
        assert authorisation.state in (State.APPROVED, State.EXPIRED)
        assert order.quantity == authorisation.authorised_packs
        assert order.packs.count() <= order.quantity
        dispensed = Dispense.objects.filter(authorisation=authorisation)
        assert dispensed.count() <= authorisation.authorised_packs
        for record in dispensed:
            assert authorisation.approved_on <= record.dispensed_on <= authorisation.valid_until
            assert record.pack.state == "dispensed" and record.patient == authorisation.patient
    assert Dispense.objects.filter(patient__in=scale).exists()
    for model in (ApplicationEvent, Pack, PackMovement, Dispense):
        assert verify_chain(model).broken is None, model
    assert Pack.verify_more() is None
