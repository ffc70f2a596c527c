"""The scale world's clinics and staff: about one clinic per 2,500 patients (2 to 40), each
with a prescriber and a clinic administrator; the demo prescriber, analyst and auditor are
members of them all, so one log-in sees the whole registry (the heaviest case), and the demo
import pharmacy serves them."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password

from repigment.accounts.demo import DEMO_PASSWORD
from repigment.accounts.models import Clinic, Membership, Role, User
from repigment.core.scale import Chunk

CITIES = (
    ("Johannesburg", "ZA"), ("Soweto", "ZA"), ("Pretoria", "ZA"), ("Durban", "ZA"),
    ("Cape Town", "ZA"), ("Gqeberha", "ZA"), ("Bloemfontein", "ZA"), ("Polokwane", "ZA"),
    ("Mthatha", "ZA"), ("Mbombela", "ZA"), ("Kimberley", "ZA"), ("East London", "ZA"),
)  # fmt: skip
#: Demo people who are given every scale clinic (their role there).
DEMO_MEMBERS = (
    ("prescriber@example.org", Role.PRESCRIBER),
    ("analyst@example.org", Role.ANALYST),
    ("auditor@example.org", Role.AUDITOR),
)


def clinic_count(patients: int) -> int:
    return max(2, min(40, -(-patients // 2500)))


def build(chunk: Chunk) -> None:
    if "clinics" in chunk.shared:
        return
    password = make_password(DEMO_PASSWORD)
    clinics, prescribers = [], {}
    for number in range(1, clinic_count(chunk.total) + 1):
        city, country = CITIES[(number - 1) % len(CITIES)]
        clinic, _ = Clinic.objects.get_or_create(
            name=f"Scale clinic {number:02d}", defaults={"city": city, "country": country}
        )
        clinics.append(clinic)
        for role, title in ((Role.PRESCRIBER, "Dr"), (Role.CLINIC_ADMIN, "Admin")):
            email = f"{role.replace('_', '-')}.scale{number:02d}@example.org"
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create(
                    email=email, password=password, full_name=f"{title} Scale {number:02d}"
                )
            Membership.objects.get_or_create(user=user, clinic=clinic, role=role)
            if role == Role.PRESCRIBER:
                prescribers[clinic.pk] = user
        for email, role in DEMO_MEMBERS:
            member = User.objects.filter(email=email).first()
            if member is not None:
                Membership.objects.get_or_create(user=member, clinic=clinic, role=role)
    pharmacy = Clinic.objects.filter(kind=Clinic.Kind.PHARMACY).order_by("pk").first()
    if pharmacy is not None:
        pharmacy.served_clinics.add(*clinics)
    chunk.shared.update(clinics=clinics, prescribers=prescribers, pharmacy=pharmacy)
