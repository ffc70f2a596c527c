"""The shared test world and the rules for tests that need a browser or PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.utils import translation

from repigment.accounts.models import Clinic, Membership, Role, User
from repigment.patients.models import Patient

REQUIRE_ALL = os.environ.get("REPIGMENT_REQUIRE_ALL") == "1"
PASSWORD = "correct horse battery staple"
#: The user kind of a patient signed in to the portal (not a clinic role).
PATIENT = "patient"


@pytest.fixture(autouse=True)
def _each_test_starts_in_english() -> Iterator[None]:
    """A request leaves its page's language active in the test thread; do not let it leak."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """With REPIGMENT_REQUIRE_ALL=1 (CI), a skipped test is a failed test."""
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_ALL and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"skipped, but REPIGMENT_REQUIRE_ALL=1 forbids skips: {reason}"


@dataclass
class World:
    """Two clinics and an import pharmacy, one person per role, each with an obvious name."""

    clinic: Clinic  # Johannesburg: every role below belongs here (the pharmacist via the pharmacy)
    other_clinic: Clinic  # Cape Town: none of the people below belong here
    pharmacy: Clinic
    prescriber: User
    other_prescriber: User
    pharmacist: User
    clinic_admin: User
    analyst: User
    auditor: User
    patient: Patient  # a patient of the Johannesburg clinic, linked to patient_user
    patient_user: User  # signs in to the portal; holds no clinic role

    def user(self, role: str) -> User:
        if role == PATIENT:
            return self.patient_user
        return {
            Role.PRESCRIBER: self.prescriber,
            Role.PHARMACIST: self.pharmacist,
            Role.CLINIC_ADMIN: self.clinic_admin,
            Role.ANALYST: self.analyst,
            Role.AUDITOR: self.auditor,
        }[Role(role)]

    def home_clinic(self, role: str) -> Clinic:
        return self.pharmacy if role == Role.PHARMACIST else self.clinic


def _person(email: str, name: str, clinic: Clinic, role: str) -> User:
    user = User.objects.create_user(email, PASSWORD, full_name=name)
    Membership.objects.create(user=user, clinic=clinic, role=role)
    return user


def build_world() -> World:
    clinic = Clinic.objects.create(name="Johannesburg Test Clinic", city="Johannesburg")
    other = Clinic.objects.create(name="Cape Town Test Clinic", city="Cape Town")
    pharmacy = Clinic.objects.create(
        name="Test Import Pharmacy", city="Johannesburg", kind=Clinic.Kind.PHARMACY
    )
    pharmacy.served_clinics.add(clinic)
    return World(
        clinic=clinic,
        other_clinic=other,
        pharmacy=pharmacy,
        prescriber=_person("prescriber@jhb.test", "Prescriber Jhb", clinic, Role.PRESCRIBER),
        other_prescriber=_person("prescriber@cpt.test", "Prescriber Cpt", other, Role.PRESCRIBER),
        pharmacist=_person("pharmacist@pharm.test", "Pharmacist", pharmacy, Role.PHARMACIST),
        clinic_admin=_person("admin@jhb.test", "Admin Jhb", clinic, Role.CLINIC_ADMIN),
        analyst=_person("analyst@jhb.test", "Analyst Jhb", clinic, Role.ANALYST),
        auditor=_person("auditor@jhb.test", "Auditor Jhb", clinic, Role.AUDITOR),
        **_patient(clinic),
    )


def _patient(clinic: Clinic) -> dict[str, Any]:
    user = User.objects.create_user("patient@jhb.test", PASSWORD, full_name="Patient Jhb")
    patient = Patient.objects.create(
        clinic=clinic,
        record_number="JHB-T-1",
        given_names="Patient",
        family_name="Jhb",
        date_of_birth=date(1990, 5, 17),
        sex="female",
        phototype=5,
        user=user,
    )
    return {"patient": patient, "patient_user": user}


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def skip_or_fail(reason: str) -> None:
    """Skip on a laptop without the service; CI (REPIGMENT_REQUIRE_ALL=1) fails instead."""
    if REQUIRE_ALL:
        pytest.fail(f"{reason} (REPIGMENT_REQUIRE_ALL=1 forbids skipping)")
    pytest.skip(reason)
