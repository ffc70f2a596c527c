"""About forty invented patients across the two demo clinics, with consent and diagnosis.

Every name, number and address is invented; ID numbers are built with valid check digits
but for people who do not exist, e-mail addresses use example.org, phone numbers the 555
range. Phototypes lean towards IV-VI, the skin types the trials under-represent.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from repigment.accounts.demo import DEMO_PASSWORD, PORTAL_DEMO_EMAIL
from repigment.accounts.models import Clinic, Role, User
from repigment.clinical.identifiers import Citizenship, format_za_id
from repigment.patients.models import (
    Activity,
    Comorbidity,
    Consent,
    ConsentGiver,
    ConsentMethod,
    ConsentPurpose,
    Diagnosis,
    Patient,
    Sex,
    VitiligoType,
)

SEED = 20261126
DEMO_PATIENT_EMAIL = PORTAL_DEMO_EMAIL
CLINICS = (("Johannesburg Skin Clinic", "JHB", 22), ("Cape Town Dermatology", "CPT", 18))
PHOTOTYPE_WEIGHTS = (1, 2, 4, 8, 13, 12)  # I..VI
#: (record number, weeks on the cream when first built): the week-24 reassessment walk-through.
REASSESSMENT_DUE = ("JHB-0102", 23)

FEMALE_NAMES = (
    "Nomvula",
    "Thandeka",
    "Lerato",
    "Ayanda",
    "Zanele",
    "Palesa",
    "Naledi",
    "Refilwe",
    "Anele",
    "Busisiwe",
    "Marieke",
    "Fatima",
    "Priya",
    "Chipo",
    "Amina",
    "Esperança",
    "Grace",
    "Nokuthula",
    "Dineo",
    "Karabo",
)
MALE_NAMES = (
    "Sipho",
    "Thabo",
    "Mandla",
    "Lwazi",
    "Tshepo",
    "Kagiso",
    "Bongani",
    "Sibusiso",
    "Johan",
    "Pieter",
    "Yusuf",
    "Ravi",
    "Tendai",
    "Farai",
    "João",
    "Mpho",
    "Kabelo",
    "Andile",
    "Musa",
    "Themba",
)
FAMILY_NAMES = (
    "Dube",
    "Mokoena",
    "Khumalo",
    "Ndlovu",
    "Mthembu",
    "Nkosi",
    "Sithole",
    "Molefe",
    "Zulu",
    "Mahlangu",
    "Mabaso",
    "Radebe",
    "van der Merwe",
    "Botha",
    "Naidoo",
    "Pillay",
    "Moosa",
    "Hendricks",
    "Adams",
    "Moyo",
    "Chikwanha",
    "Machava",
    "Kabongo",
    "Phiri",
    "Mabuza",
    "Tshabalala",
    "Shabalala",
    "Gumede",
    "Maseko",
    "Daniels",
)
FOREIGN = (("ZW", "Tendai"), ("MZ", "João"), ("CD", "Kabongo"), ("MW", "Phiri"))


@dataclass(frozen=True)
class PlannedPatient:
    clinic_name: str
    record_number: str
    given_names: str
    family_name: str
    sex: str
    born: date
    phototype: int
    weeks_treated: int | None  # None: registered, not yet treated


def plan(today: date) -> list[PlannedPatient]:
    """The same invented people on every run (the seed is fixed)."""
    rng = random.Random(SEED)
    people = []
    for clinic_name, prefix, count in CLINICS:
        for number in range(1, count + 1):
            female = rng.random() < 0.58
            given = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
            age = rng.choice((14, 16, *range(19, 72)))
            born = today - timedelta(days=365 * age + rng.randrange(365))
            weeks = rng.choice((None, 2, 10, 14, 20, 26, 30, 38, 44, 52, 53, 56, 60, 64))
            if clinic_name == CLINICS[0][0] and number == 1:
                given, female, age, weeks = "Nomvula", True, 34, 56
                born = today - timedelta(days=365 * age + 40)
            people.append(
                PlannedPatient(
                    clinic_name,
                    f"{prefix}-{number:04d}",
                    given,
                    rng.choice(FAMILY_NAMES),
                    Sex.FEMALE if female else Sex.MALE,
                    born,
                    rng.choices(range(1, 7), weights=PHOTOTYPE_WEIGHTS)[0],
                    weeks,
                )
            )
    return people


def build(step: Callable[[str], None]) -> None:
    """Create the demo patients that do not exist yet; leave existing ones as they are."""
    today = timezone.localdate()
    rng = random.Random(SEED + 1)
    for planned in plan(today):
        clinic = Clinic.objects.get(name=planned.clinic_name)
        if Patient.objects.filter(clinic=clinic, record_number=planned.record_number).exists():
            continue
        prescriber = User.objects.filter(
            memberships__clinic=clinic, memberships__role=Role.PRESCRIBER
        ).first()
        patient = _create(planned, clinic, prescriber, today, rng)
        step(f"patient {patient.record_number}")
    _reassessment_patient(today)
    _link_portal_user()


def _create(
    planned: PlannedPatient,
    clinic: Clinic,
    prescriber: User | None,
    today: date,
    rng: random.Random,
) -> Patient:
    foreign = rng.random() < 0.15 and planned.record_number != "JHB-0001"
    za_id, passport, country = "", "", ""
    if foreign:
        country = rng.choice(FOREIGN)[0]
        passport = f"{country}{rng.randrange(100000, 999999)}"
    else:
        sequence = (
            rng.randrange(0, 5000) if planned.sex == Sex.FEMALE else rng.randrange(5000, 10000)
        )
        za_id = format_za_id(planned.born, sequence, Citizenship.CITIZEN)
    start = today - timedelta(weeks=planned.weeks_treated) if planned.weeks_treated else None
    email_name = f"{planned.given_names}.{planned.family_name}".lower().replace(" ", "")
    patient = Patient.objects.create(
        clinic=clinic,
        record_number=planned.record_number,
        given_names=planned.given_names,
        family_name=planned.family_name,
        date_of_birth=planned.born,
        sex=planned.sex,
        za_id_number=za_id,
        passport_number=passport,
        passport_country=country,
        phone=f"+27 82 555 {rng.randrange(1000, 9999)}",
        email=f"{email_name}.{planned.record_number.lower()}@example.org",
        preferred_language="pt" if country == "MZ" else ("fr" if country == "CD" else "en"),
        phototype=planned.phototype,
        treatment_start=start,
        created_by=prescriber,
    )
    registered = (start or today) - timedelta(days=rng.randrange(3, 15))
    _consents(patient, prescriber, registered, rng)
    _diagnosis(patient, prescriber, registered, rng)
    return patient


def _consents(patient: Patient, recorder: User | None, day: date, rng: random.Random) -> None:
    minor = patient.is_minor_on(day)
    purposes = [ConsentPurpose.TREATMENT, ConsentPurpose.CONTACT]
    if rng.random() < 0.85:
        purposes.append(ConsentPurpose.PHOTOS)
    if rng.random() < 0.8:
        purposes.append(ConsentPurpose.REGISTRY)
    if patient.record_number == "JHB-0001":
        purposes = list(ConsentPurpose.values)
    for purpose in purposes:
        Consent.objects.create(
            patient=patient,
            purpose=purpose,
            given_on=day,
            method=ConsentMethod.IN_PERSON,
            given_by=ConsentGiver.GUARDIAN if minor else ConsentGiver.PATIENT,
            guardian_name=f"Parent of {patient.given_names}" if minor else "",
            guardian_relationship="mother" if minor else "",
            recorded_by=recorder,
        )


def _diagnosis(patient: Patient, recorder: User | None, day: date, rng: random.Random) -> None:
    kind = rng.choices(
        (
            VitiligoType.NON_SEGMENTAL,
            VitiligoType.MIXED,
            VitiligoType.SEGMENTAL,
            VitiligoType.UNCLASSIFIED,
        ),
        weights=(34, 3, 2, 1),
    )[0]
    active = rng.random() < 0.35
    conditions = [c for c in Comorbidity.values if rng.random() < 0.06]
    if rng.random() < 0.18:
        conditions.append(Comorbidity.THYROID)
    Diagnosis.objects.create(
        patient=patient,
        vitiligo_type=kind,
        onset_year=max(patient.date_of_birth.year + 3, day.year - rng.randrange(1, 20)),
        activity=Activity.ACTIVE if active else Activity.STABLE,
        confetti_lesions=active and rng.random() < 0.5,
        koebner=active and rng.random() < 0.5,
        trichrome=active and rng.random() < 0.2,
        facial_involvement=rng.random() < 0.9,
        comorbidities=sorted(set(conditions)),
        recorded_on=day,
        recorded_by=recorder,
        notes="Invented demo patient.",
    )


def _reassessment_patient(today: date) -> None:
    """An adult with facial non-segmental vitiligo, 23 weeks into the cream when first built:
    visits at weeks 0 and 12 only, so the week-24 reassessment shows due on the Johannesburg
    prescriber's dashboard (reminders appear 14 days ahead)."""
    clinic = Clinic.objects.filter(name=CLINICS[0][0]).first()
    number, weeks = REASSESSMENT_DUE
    if clinic is None or Patient.objects.filter(clinic=clinic, record_number=number):
        return
    prescriber = User.objects.filter(
        memberships__clinic=clinic, memberships__role=Role.PRESCRIBER
    ).first()
    start = today - timedelta(weeks=weeks)
    patient = Patient.objects.create(
        clinic=clinic,
        record_number=number,
        given_names="Bongani",
        family_name="Zulu",
        date_of_birth=today - timedelta(days=365 * 41 + 200),
        sex=Sex.MALE,
        phone="+27 82 555 0102",
        email="bongani.zulu.jhb-0102@example.org",
        phototype=6,
        treatment_start=start,
        created_by=prescriber,
    )
    for purpose in (ConsentPurpose.TREATMENT, ConsentPurpose.CONTACT, ConsentPurpose.REGISTRY):
        Consent.objects.create(
            patient=patient,
            purpose=purpose,
            given_on=start - timedelta(days=7),
            method=ConsentMethod.IN_PERSON,
            given_by=ConsentGiver.PATIENT,
            recorded_by=prescriber,
        )
    Diagnosis.objects.create(
        patient=patient,
        vitiligo_type=VitiligoType.NON_SEGMENTAL,
        onset_year=today.year - 6,
        activity=Activity.STABLE,
        facial_involvement=True,
        recorded_on=start - timedelta(days=7),
        recorded_by=prescriber,
        notes="Invented demo patient whose week-24 reassessment is coming up.",
    )


def _link_portal_user() -> None:
    """The demo patient's own log-in, linked to JHB-0001."""
    patient = Patient.objects.filter(record_number="JHB-0001", clinic__name=CLINICS[0][0]).first()
    if patient is None or patient.user_id is not None:
        return
    user = User.objects.filter(email=DEMO_PATIENT_EMAIL).first()
    if user is None:
        user = User.objects.create_user(
            DEMO_PATIENT_EMAIL, DEMO_PASSWORD, full_name=patient.full_name
        )
    patient.user = user
    patient.email = DEMO_PATIENT_EMAIL
    patient.save(update_fields=["user", "email"])
