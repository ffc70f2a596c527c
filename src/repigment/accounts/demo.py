"""The demo world's clinics and people; later apps add their own builders."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from repigment.accounts.models import Clinic, Membership, Role, User

# Printed by `repigment demo` and `make run`; refused in production.
DEMO_PASSWORD = "repigment-demo-2026"


@dataclass(frozen=True)
class DemoClinic:
    key: str
    name: str
    kind: str
    city: str
    code: str


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    roles: tuple[tuple[str, str], ...]  # (clinic key, role)


CLINICS = (
    DemoClinic("jhb", "Johannesburg Skin Clinic", Clinic.Kind.CLINIC, "Johannesburg", "JHB"),
    DemoClinic("cpt", "Cape Town Dermatology", Clinic.Kind.CLINIC, "Cape Town", "CPT"),
    DemoClinic("pharm", "Gauteng Import Pharmacy", Clinic.Kind.PHARMACY, "Johannesburg", "GIP"),
)

USERS = (
    DemoUser("prescriber@example.org", "Dr Thandi Nkosi", (("jhb", Role.PRESCRIBER),)),
    DemoUser("prescriber.cpt@example.org", "Dr Pieter van Wyk", (("cpt", Role.PRESCRIBER),)),
    DemoUser("pharmacist@example.org", "Ayesha Patel", (("pharm", Role.PHARMACIST),)),
    DemoUser("admin@example.org", "Sipho Dlamini", (("jhb", Role.CLINIC_ADMIN),)),
    DemoUser(
        "analyst@example.org",
        "Grace Mensah",
        (("jhb", Role.ANALYST), ("cpt", Role.ANALYST)),
    ),
    DemoUser(
        "auditor@example.org",
        "Johan Botha",
        (("jhb", Role.AUDITOR), ("cpt", Role.AUDITOR), ("pharm", Role.AUDITOR)),
    ),
)


def build(step: Callable[[str], None]) -> None:
    """Create (or leave as they are) the demo clinics, users and memberships."""
    clinics: dict[str, Clinic] = {}
    for spec in CLINICS:
        clinics[spec.key], _ = Clinic.objects.get_or_create(
            name=spec.name,
            defaults={"kind": spec.kind, "city": spec.city, "country": "ZA", "code": spec.code},
        )
        if not clinics[spec.key].code:  # a demo built before clinics had codes
            Clinic.objects.filter(pk=clinics[spec.key].pk).update(code=spec.code)
        step(f"clinic {spec.name}")
    clinics["pharm"].served_clinics.add(clinics["jhb"], clinics["cpt"])
    for person in USERS:
        user = User.objects.filter(email=person.email).first()
        if user is None:
            user = User.objects.create_user(person.email, DEMO_PASSWORD, full_name=person.full_name)
        for clinic_key, role in person.roles:
            Membership.objects.get_or_create(user=user, clinic=clinics[clinic_key], role=role)
        step(f"user {person.email}")


#: The patient portal's demo account, created by the patients app's demo builder.
PORTAL_DEMO_EMAIL = "patient@example.org"


def login_table() -> list[tuple[str, str, str]]:
    """(e-mail, password, what the person does) for printing."""
    names = {clinic.key: clinic.name for clinic in CLINICS}
    rows = [
        (u.email, DEMO_PASSWORD, "; ".join(f"{Role(r).label}, {names[c]}" for c, r in u.roles))
        for u in USERS
    ]
    if User.objects.filter(email=PORTAL_DEMO_EMAIL).exists():
        rows.append((PORTAL_DEMO_EMAIL, DEMO_PASSWORD, "Patient (own record, in the portal)"))
    return rows


def demo_emails() -> list[str]:
    """Every demo account that can log in (its password is printed in the README)."""
    return [person.email for person in USERS] + [PORTAL_DEMO_EMAIL]
