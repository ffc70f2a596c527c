"""Re-authorisation: a new application filled in from the one it renews, in which only the
prescription, the dosage and the consent may change (as on the SAHPRA portal)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from repigment.authorisations import checklist, services
from repigment.authorisations.models import AuthorisationApplication, Importer, State
from repigment.treatment.models import Product
from tests.authorisations.helpers import actor, application_in, cream_prescription, quick_pdfs
from tests.conftest import World
from tests.patients.helpers import TODAY, patient_in

pytestmark = pytest.mark.usefixtures("quick_pdfs")
assert quick_pdfs


def _renewal(world: World) -> tuple[AuthorisationApplication, AuthorisationApplication]:
    previous = application_in(world, State.APPROVED)
    return previous, services.start_reauthorisation(previous, actor(world.prescriber), TODAY())


def test_a_renewal_is_pre_filled_from_the_authorisation_it_renews(world: World) -> None:
    previous, renewal = _renewal(world)
    assert renewal.renews == previous and renewal.state == State.DRAFT
    for name in (
        "patient", "product", "route", "prescriber", "importer", "prescription", "dosage",
        "period_weeks", "requested_packs", "requested_pack_grams", "motivation", "medicine",
    ):  # fmt: skip
        assert getattr(renewal, name) == getattr(previous, name), name
    assert renewal.motivation_edited_by == world.prescriber
    carried = {row.item.code for row in checklist.rows(renewal) if row.done}
    assert carried == {
        "product-brochure", "foreign-registration", "gmp-evidence", "hpcsa-certificate"
    }  # fmt: skip
    still = {row.item.code for row in checklist.missing(renewal)}
    assert still == {"application", "motivation", "informed-consent", "proof-of-payment"}
    assert renewal.events.get().data == {"renews": previous.pk}


def test_a_renewal_may_change_the_prescription_dosage_and_consent(world: World) -> None:
    _previous, renewal = _renewal(world)
    newer = cream_prescription(
        world.patient, treated_areas=[{"region": "face", "bsa_percent": "2"}]
    )
    services.update_application(
        renewal,
        {
            "prescription": newer,
            "dosage": "A thin layer twice daily to the face (2 %).",
            "consent_signed_on": TODAY(),
            "consent_witness": "Nurse M. Dube",
        },
        actor(world.prescriber),
        TODAY(),
    )
    renewal.refresh_from_db()
    assert renewal.prescription == newer and renewal.consent_witness == "Nurse M. Dube"
    assert renewal.requested_packs == 2  # 2 % BSA: 7 g a week for 26 weeks, in 100 g tubes


@pytest.mark.parametrize(
    "field", ["period_weeks", "requested_pack_grams", "api_manufacturer", "importer"]
)
def test_a_renewal_keeps_everything_else(world: World, field: str) -> None:
    previous, renewal = _renewal(world)
    values = {
        "period_weeks": 12,
        "requested_pack_grams": 60,
        "api_manufacturer": "Another maker",
        "importer": Importer.objects.create(
            name="Other", sahpra_licence_number="X-1", site_master_file_number="S", address="A"
        ),
    }
    with pytest.raises(services.Invalid) as invalid:
        services.update_application(
            renewal, {field: values[field]}, actor(world.prescriber), TODAY()
        )
    assert (
        "only the prescription, the dosage and the consent can change"
        in invalid.value.fields[field][0]
    )
    renewal.refresh_from_db()
    assert _snapshot(renewal) == _snapshot(previous)


def _snapshot(application: AuthorisationApplication) -> tuple[object, ...]:
    return (
        application.period_weeks,
        application.requested_pack_grams,
        application.importer_id,
        application.medicine,
    )


def test_a_renewal_cannot_change_the_patient_or_the_product(world: World) -> None:
    previous, renewal = _renewal(world)
    someone_else = cream_prescription(patient_in(world, world.other_clinic))
    with pytest.raises(services.Invalid, match="patient cannot change"):
        services.update_application(
            renewal, {"prescription": someone_else}, actor(world.prescriber), TODAY()
        )
    other_product = Product.objects.create(
        name="Ruxolitinib cream, other pack", form="cream", subject_to_ruxolitinib_label=True
    )
    with pytest.raises(services.Invalid, match="keeps its product"):
        services.update_application(
            renewal,
            {"prescription": cream_prescription(world.patient, product=other_product)},
            actor(world.prescriber),
            TODAY(),
        )
    renewal.refresh_from_db()
    assert (renewal.patient, renewal.product, renewal.prescription) == (
        previous.patient,
        previous.product,
        previous.prescription,
    )


def test_a_renewal_keeps_the_motivation(world: World) -> None:
    _, renewal = _renewal(world)
    with pytest.raises(services.Invalid, match="keeps the motivation"):
        services.save_motivation(renewal, "New reasons entirely.", actor(world.prescriber))


def test_only_one_renewal_and_only_of_an_approved_or_expired_authorisation(world: World) -> None:
    previous, renewal = _renewal(world)
    with pytest.raises(services.Refused, match="already exists"):
        services.start_reauthorisation(previous, actor(world.prescriber), TODAY())
    with pytest.raises(services.Refused, match="Only an approved or expired"):
        services.start_reauthorisation(renewal, actor(world.prescriber), TODAY())


def test_an_expired_authorisation_can_be_renewed(world: World) -> None:
    previous = application_in(world, State.EXPIRED)
    day = TODAY() + timedelta(days=1)
    renewal = services.start_reauthorisation(previous, actor(world.prescriber), day)
    assert renewal.renews == previous


def test_a_renewal_cannot_start_on_another_products_prescription(world: World) -> None:
    previous = application_in(world, State.APPROVED)
    other_product = Product.objects.create(
        name="Ruxolitinib cream, other pack", form="cream", subject_to_ruxolitinib_label=True
    )
    with pytest.raises(services.Invalid, match="keeps its product"):
        services.start_reauthorisation(
            previous,
            actor(world.prescriber),
            TODAY(),
            cream_prescription(world.patient, product=other_product),
        )
    assert not previous.renewals.exists()
