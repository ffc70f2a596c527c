"""The rules of "Bad input": each refusal has a clear message and saves nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from repigment.access.models import AccessRoute
from repigment.accounts.models import Role
from repigment.authorisations import services, states
from repigment.authorisations.models import ApplicationEvent, AuthorisationApplication, State
from repigment.authorisations.quantity import remaining
from repigment.treatment.models import Product
from tests.authorisations.helpers import (
    MOTIVATION,
    actor,
    application_in,
    approval,
    cream_prescription,
    draft,
    patient_ready,
    quick_pdfs,
    section_21,
)
from tests.conftest import World
from tests.patients.helpers import TODAY

pytestmark = pytest.mark.usefixtures("quick_pdfs")
assert quick_pdfs


def test_a_pharmacist_cannot_edit_the_motivation(client: Client, world: World) -> None:
    application = draft(world)
    before = application.motivation
    with pytest.raises(services.Refused, match="Only the prescriber"):
        services.save_motivation(application, "Mine.", actor(world.pharmacist, Role.PHARMACIST))
    client.force_login(world.pharmacist)
    url = reverse("authorisations:motivation", args=[application.pk])
    response = client.post(url, {"motivation": "A pharmacist's text."}, follow=True)
    assert response.status_code == 403
    assert "Only the prescriber can write or change the motivation." in response.content.decode()
    api = client.put(
        f"/api/v1/authorisations/{application.pk}/motivation",
        {"motivation": "x"},
        content_type="application/json",
    )
    assert api.status_code == 403 and api.json()["error"]["code"] == "forbidden"
    application.refresh_from_db()
    assert application.motivation == before and application.motivation_edited_by is None


def test_the_draft_motivation_must_be_finished_by_the_prescriber(world: World) -> None:
    application = draft(world)
    with pytest.raises(services.Invalid) as invalid:
        services.save_motivation(application, application.motivation, actor(world.prescriber))
    assert "square brackets" in invalid.value.fields["motivation"][0]
    services.save_motivation(application, MOTIVATION, actor(world.prescriber))
    assert application.motivation_edited_by == world.prescriber


@pytest.mark.parametrize(
    ("missing", "field"),
    [
        ({"authorisation_number": ""}, "authorisation_number"),
        ({"valid_until": None}, "valid_until"),
        ({"authorised_packs": None}, "authorised_packs"),
        ({"pack_grams": 50}, "pack_grams"),
    ],
)
def test_an_approval_needs_its_number_validity_and_quantity(
    world: World, missing: dict[str, object], field: str
) -> None:
    application = application_in(world, State.SUBMITTED)
    events = application.events.count()
    with pytest.raises(services.Invalid) as invalid:
        services.transition(
            application,
            states.APPROVE,
            approval(TODAY(), **missing),
            actor(world.prescriber),
            TODAY(),
        )
    assert field in invalid.value.fields
    application.refresh_from_db()
    assert application.state == State.SUBMITTED and application.authorisation_number == ""
    assert application.events.count() == events


def test_the_validity_cannot_end_before_the_approval(world: World) -> None:
    application = application_in(world, State.SUBMITTED)
    step = approval(TODAY(), valid_until=TODAY() - timedelta(days=1))
    with pytest.raises(services.Invalid, match="cannot end before"):
        services.transition(application, states.APPROVE, step, actor(world.prescriber), TODAY())


def test_an_expired_application_cannot_be_used(world: World) -> None:
    application = application_in(world, State.APPROVED)
    assert application.valid_until is not None
    last_day = application.valid_until
    assert application.usable_on(last_day) and remaining(application, last_day).usable  # type: ignore[union-attr]
    after = last_day + timedelta(days=1)
    assert not application.usable_on(after)
    assert not remaining(application, after).usable  # type: ignore[union-attr]
    assert services.expire_lapsed(after) == [application]
    application.refresh_from_db()
    assert application.state == State.EXPIRED
    assert not AuthorisationApplication.objects.usable_on(last_day).exists()
    event = application.events.order_by("-at").first()
    assert event is not None and event.by is None and event.on == after
    with pytest.raises(services.Refused):
        services.transition(
            application, states.WITHDRAW, services.Step(on=after, note="x"),
            actor(world.prescriber), after,
        )  # fmt: skip


def test_an_authorisation_cannot_expire_while_valid(world: World) -> None:
    application = application_in(world, State.APPROVED)
    with pytest.raises(services.Invalid, match="expires only after"):
        services.transition(
            application, states.EXPIRE, services.Step(on=TODAY()), actor(world.prescriber), TODAY()
        )


def test_nothing_is_supplied_beyond_the_authorised_packs(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    application = application_in(world, State.APPROVED)
    settings.AUTHORISATION_DISPENSED_PROVIDERS = ["tests.authorisations.test_rules.all_seven"]
    services_quantity = __import__("repigment.authorisations.quantity", fromlist=["x"])
    services_quantity.dispensed_providers.cache_clear()
    try:
        left = remaining(application, TODAY())
        assert left is not None and left.remaining_packs == 0 and not left.usable
        assert left.dispensed_grams == 700
    finally:
        services_quantity.dispensed_providers.cache_clear()


def all_seven(applications: list[AuthorisationApplication]) -> dict[int, int]:
    """A provider that says 7 packs were dispensed against each application."""
    return {application.pk: 7 for application in applications}


def test_only_a_prescriber_moves_an_application(world: World) -> None:
    application = application_in(world, State.DRAFT)
    with pytest.raises(services.Refused, match="Only the prescriber"):
        services.transition(
            application, states.MARK_READY, services.Step(on=TODAY()),
            actor(world.pharmacist, Role.PHARMACIST), TODAY(),
        )  # fmt: skip
    assert application.state == State.DRAFT


def test_an_application_is_for_a_current_cream_prescription_in_the_patients_country(
    world: World,
) -> None:
    route = section_21()
    patient = patient_ready(world)
    other = Product.objects.create(name="Tacrolimus test", form="ointment")
    tacrolimus = cream_prescription(patient, product=other)
    with pytest.raises(services.Refused, match="Only a prescription of ruxolitinib cream"):
        services.create_application(tacrolimus, route, actor(world.prescriber), TODAY())
    kenya = AccessRoute.objects.get(country__code="KE")
    with pytest.raises(services.Refused, match="country where the patient is treated"):
        services.create_application(
            cream_prescription(patient), kenya, actor(world.prescriber), TODAY()
        )
    assert not AuthorisationApplication.objects.exists()


def test_one_application_at_a_time_per_prescription(world: World) -> None:
    application = draft(world)
    with pytest.raises(services.Refused, match="already has an application in progress"):
        services.create_application(
            application.prescription, application.route, actor(world.prescriber), TODAY()
        )


def test_events_cannot_be_changed(world: World) -> None:
    application = draft(world)
    event = application.events.get()
    event.note = "rewritten"
    with pytest.raises(Exception, match="cannot be changed"):
        event.save()
    with pytest.raises(Exception, match="cannot be changed"):
        ApplicationEvent.objects.update(note="x")


def test_an_authorisation_number_is_used_once_on_a_route(world: World) -> None:
    first = application_in(world, State.APPROVED)
    second = services.create_application(
        cream_prescription(world.patient), first.route, actor(world.prescriber), TODAY()
    )
    AuthorisationApplication.objects.filter(pk=second.pk).update(state=State.SUBMITTED)
    second.refresh_from_db()
    step = approval(TODAY(), authorisation_number=first.authorisation_number)
    with pytest.raises(services.Invalid) as invalid:
        services.transition(second, states.APPROVE, step, actor(world.prescriber), TODAY())
    assert "Another authorisation" in invalid.value.fields["authorisation_number"][0]
    assert second.state == State.SUBMITTED and second.authorisation_number == ""
