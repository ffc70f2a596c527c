"""Each treated region's % is bounded by how much of the body the region is at the patient's
age (Lund-Browder): a lost decimal comma cannot turn a 2.5 % face into 25 % (issue 18)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from repigment.patients.models import Patient
from repigment.treatment.models import Prescription
from tests.conftest import World
from tests.treatment.helpers import form, ready

pytestmark = pytest.mark.django_db


def post(client: Client, patient: Patient, **changes: Any) -> Any:
    return client.post(reverse("treatment:prescription_new", args=[patient.pk]), form(**changes))


@pytest.mark.parametrize("typed", ["2,5", "2.5"])
def test_a_comma_and_a_point_both_give_2_5(prescriber: Client, world: World, typed: str) -> None:
    adult = ready(world, age=40)
    response = post(prescriber, adult, area_face=typed)
    assert response.status_code == 302, response.context["form"].errors
    areas = {
        a["region"]: Decimal(a["bsa_percent"]) for a in Prescription.objects.get().treated_areas
    }
    assert areas["face"] == Decimal("2.5")


def test_a_face_of_25_percent_is_refused_with_the_reason(prescriber: Client, world: World) -> None:
    adult = ready(world, age=40)
    response = post(prescriber, adult, area_face="25")
    assert response.status_code == 200
    assert response.context["form"].errors["area_face"] == [
        "The face is about 3.5 % of the body in adults; 25 % cannot be right."
    ]
    page = response.content.decode()
    assert "The face is about 3.5 % of the body in adults; 25 % cannot be right." in page
    assert 'href="#id_area_face"' in page  # in the error summary, linked to the field
    assert not Prescription.objects.exists()


def test_a_childs_proportions_differ(prescriber: Client, world: World) -> None:
    child = ready(world, age=3)
    # 6 % of the body on the face: impossible for an adult, possible for a 3-year-old.
    checked = post(prescriber, child, area_face="6", action="check")
    assert "area_face" not in checked.context["form"].errors
    refused = post(prescriber, child, area_face="12", area_head_neck="30", action="check")
    errors = refused.context["form"].errors
    assert errors["area_face"] == [
        "The face is about 8.5 % of the body at age 3; 12 % cannot be right."
    ]
    assert errors["area_head_neck"] == [
        "The head and neck is about 19 % of the body at age 3; 30 % cannot be right."
    ]


def test_an_adult_face_of_6_percent_is_refused(prescriber: Client, world: World) -> None:
    adult = ready(world, age=40)
    refused = post(prescriber, adult, area_face="6", action="check")
    assert refused.context["form"].errors["area_face"] == [
        "The face is about 3.5 % of the body in adults; 6 % cannot be right."
    ]
