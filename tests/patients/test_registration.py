"""Registering a patient: identity checks, duplicates, consent at registration, search."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.test import Client
from django.urls import reverse

from repigment.accounts.models import AuditAction, AuditEntry
from repigment.clinical.identifiers import Citizenship, format_za_id
from repigment.patients.models import Consent, ConsentPurpose, Patient
from tests.audit_trail import actions
from tests.conftest import World

BORN = date(1987, 3, 14)
ZA_ID = format_za_id(BORN, 4021, Citizenship.CITIZEN)  # female (sequence below 5000)


def form(**changes: Any) -> dict[str, Any]:
    data = {
        "record_number": "JHB-100",
        "given_names": "Lerato",
        "family_name": "Mokoena",
        "date_of_birth": BORN.isoformat(),
        "sex": "female",
        "za_id_number": ZA_ID,
        "passport_number": "",
        "passport_country": "",
        "phone": "+27 82 555 0100",
        "email": "lerato@example.org",
        "preferred_language": "en",
        "phototype": "5",
        "treatment_start": "",
        "consent-purposes": ["treatment", "photos"],
        "consent-given_on": "2026-01-10",
        "consent-method": "in_person",
        "consent-given_by": "patient",
    }
    data.update(changes)
    return data


def register(client: Client, world: World, **changes: Any) -> Any:
    client.force_login(world.prescriber)
    url = reverse("patients:register", kwargs={"clinic_id": world.clinic.pk})
    return client.post(url, form(**changes))


def test_a_prescriber_registers_a_patient_with_consent_and_it_is_audited(
    client: Client, world: World
) -> None:
    response = register(client, world)
    patient = Patient.objects.get(record_number="JHB-100")
    assert response.status_code == 302
    assert response["Location"] == reverse("patients:detail", args=[patient.pk])
    assert patient.clinic == world.clinic and patient.created_by == world.prescriber
    assert set(Consent.objects.filter(patient=patient).values_list("purpose", flat=True)) == {
        ConsentPurpose.TREATMENT,
        ConsentPurpose.PHOTOS,
    }
    created = AuditEntry.objects.naming(patient.pk).filter(action=AuditAction.CREATE).get()
    assert actions([created]) == {(AuditAction.CREATE, "patient"), (AuditAction.CREATE, "consent")}
    assert created.object_type == "patient"  # the request's main purpose
    assert created.clinic == world.clinic and created.role == "prescriber"


def test_a_clinic_administrator_may_register_too(client: Client, world: World) -> None:
    client.force_login(world.clinic_admin)
    url = reverse("patients:register", kwargs={"clinic_id": world.clinic.pk})
    assert client.post(url, form()).status_code == 302


def test_a_birth_date_that_disagrees_with_the_id_number_is_named_and_nothing_is_saved(
    client: Client, world: World
) -> None:
    response = register(client, world, date_of_birth="1987-03-15")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["date_of_birth"] == [
        "The ID number gives 14 Mar 1987 as the date of birth, not 15 Mar 1987."
    ]
    assert "sex" not in errors
    assert not Patient.objects.filter(record_number="JHB-100").exists()
    assert 'value="Lerato"' in response.content.decode()  # what was typed is kept


def test_a_sex_that_disagrees_with_the_id_number_is_named(client: Client, world: World) -> None:
    errors = register(client, world, sex="male").context["form"].errors
    assert errors["sex"] == ["The ID number is registered as female; this says male."]


def test_a_mistyped_id_number_says_what_is_wrong(client: Client, world: World) -> None:
    wrong = ZA_ID[:-1] + str((int(ZA_ID[-1]) + 1) % 10)
    errors = register(client, world, za_id_number=wrong).context["form"].errors
    assert "check digit" in errors["za_id_number"][0]


def test_a_passport_needs_its_country(client: Client, world: World) -> None:
    response = register(client, world, za_id_number="", passport_number="FN123456")
    assert response.context["form"].errors["passport_country"] == [
        "Give the country that issued the passport."
    ]


def test_a_record_number_is_unique_in_its_clinic_only(client: Client, world: World) -> None:
    assert register(client, world).status_code == 302
    again = register(client, world, za_id_number="", given_names="Other", family_name="Person")
    assert again.context["form"].errors["record_number"] == [
        "Record number JHB-100 is already used in this clinic."
    ]
    client.force_login(world.other_prescriber)
    url = reverse("patients:register", kwargs={"clinic_id": world.other_clinic.pk})
    assert client.post(url, form()).status_code == 302


def test_the_same_id_number_is_flagged_as_a_possible_duplicate(
    client: Client, world: World
) -> None:
    register(client, world)
    response = register(client, world, record_number="JHB-101", given_names="Lerato Grace")
    assert response.status_code == 200
    assert [p.record_number for p in response.context["duplicates"]] == ["JHB-100"]
    assert "Possible duplicate" in response.content.decode()
    assert Patient.objects.filter(za_id_number=ZA_ID).count() == 1
    confirmed = register(client, world, record_number="JHB-101", confirm_not_duplicate="yes")
    assert confirmed.status_code == 302
    assert Patient.objects.filter(za_id_number=ZA_ID).count() == 2


def test_the_same_name_and_birth_date_is_flagged_whatever_the_case_and_spaces(
    client: Client, world: World
) -> None:
    register(client, world, za_id_number="")
    response = register(
        client,
        world,
        record_number="JHB-102",
        za_id_number="",
        given_names=" lerato ",
        family_name="MOKOENA",
    )
    assert [p.record_number for p in response.context["duplicates"]] == ["JHB-100"]


def test_a_patient_of_another_clinic_is_never_offered_as_a_duplicate(
    client: Client, world: World
) -> None:
    client.force_login(world.other_prescriber)
    url = reverse("patients:register", kwargs={"clinic_id": world.other_clinic.pk})
    client.post(url, form())
    assert register(client, world).status_code == 302


def test_a_patient_under_18_needs_a_guardian_to_consent(client: Client, world: World) -> None:
    young = date(2012, 6, 1)
    response = register(client, world, date_of_birth=young.isoformat(), za_id_number="")
    assert response.context["consent"].errors["given_by"] == [
        "The patient was 13 on that day; a parent or guardian must consent."
    ]
    guardian = register(
        client,
        world,
        date_of_birth=young.isoformat(),
        za_id_number="",
        **{
            "consent-given_by": "guardian",
            "consent-guardian_name": "Mpho Mokoena",
            "consent-guardian_relationship": "mother",
        },
    )
    assert guardian.status_code == 302
    assert Consent.objects.filter(guardian_name="Mpho Mokoena").count() == 2


def test_search_finds_by_name_record_or_id_number_in_the_users_clinics_only(
    client: Client, world: World
) -> None:
    register(client, world)
    client.force_login(world.other_prescriber)
    url = reverse("patients:register", kwargs={"clinic_id": world.other_clinic.pk})
    client.post(url, form(record_number="CPT-9"))
    client.force_login(world.prescriber)
    for query in ("mokoena", "jhb-100", ZA_ID, "Lerato Mok"):
        page = client.get(reverse("patients:list"), {"q": query}).context["page"]
        assert [p.record_number for p in page] == ["JHB-100"], query
    listing = AuditEntry.objects.filter(object_type="patient_list", actor=world.prescriber)
    patient = Patient.objects.get(record_number="JHB-100")
    assert listing.count() == 4 and all(e.patient_ids == [patient.pk] for e in listing)
    assert all(ZA_ID not in e.path for e in listing)  # search text never reaches the trail
