"""Demo prescriptions, co-medications and diaries with realistic adherence.

Every treated demo patient gets a ruxolitinib prescription from their treatment start, made
through the same service as the page (the label check runs; cautions are acknowledged and
the few prescriptions outside the label carry a justification). Diaries run from the start
to yesterday, with each patient's own habits: some near-perfect, some forgetting evenings,
weekends or whole weeks. One 15-year-old, registered and not yet treated, is there for the
walk-through of prescribing under the EMA label (the patients builder adds JHB-0102, whose cream
started 23 weeks before the first run, for the week-24 reassessment). Patients who already have
a prescription are left alone, so the builder can run again.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from repigment.accounts.models import Clinic, Role, User
from repigment.patients.models import (
    Activity,
    Consent,
    ConsentGiver,
    ConsentMethod,
    ConsentPurpose,
    Diagnosis,
    Patient,
    Sex,
    VitiligoType,
)
from repigment.patients.services import has_consent
from repigment.treatment import services
from repigment.treatment.models import (
    BodyRegion,
    CoMedication,
    DiaryEntry,
    ExchangeRate,
    Frequency,
    Jurisdiction,
    LatentTbTreatment,
    Prescription,
    Product,
    ProductFact,
    RiskFactor,
    SkinExam,
    SkinFinding,
    SkipReason,
    StopReason,
    TbResult,
    TbScreening,
    TbTest,
    TubePrice,
)
from repigment.treatment.products import ensure_starting_products

SEED = 20261127
FDA_CLINIC = "Cape Town Dermatology"
WALKTHROUGH = ("Johannesburg Skin Clinic", "JHB-0101")
#: (record number, area per region): these few are prescribed above 10 % BSA, with reasons.
OVER_THE_LIMIT = {"JHB-0004": {"face": 2, "hands": 4, "upper_limbs": 6}, "CPT-0003": {"trunk": 13}}
JUSTIFICATIONS = {
    "bsa": "Extensive active disease on the hands and arms; the patient and I agreed to treat "
    "more than 10 % for 8 weeks and then reduce. Liver and blood counts to be checked.",
    "type": "The label covers non-segmental vitiligo only; this type has responded poorly to "
    "tacrolimus and the patient chose to try the cream after discussing it.",
    "face": "No facial lesions; body lesions resistant to tacrolimus and phototherapy. The EU "
    "indication needs facial involvement; treating off-label with the patient's consent.",
    "other": "Discussed with the patient; benefits judged to outweigh the risks, documented "
    "in the notes.",
}
#: How many more prescriptions (beyond OVER_THE_LIMIT) may go ahead outside the label; other
#: patients whose label check finds them outside it get a comparator instead.
MORE_OFF_LABEL = 2
DEMO_NOTE = "Invented demo prescription."
CO_MEDICATIONS = (
    ("Levothyroxine", "50 µg daily"),
    ("Tacrolimus (topical)", "0.1 % ointment on the eyelids"),
    ("Cetirizine", "10 mg when needed"),
    ("Methotrexate", "15 mg weekly (rheumatology)"),
)


def build(step: Callable[[str], None]) -> None:
    today = timezone.localdate()
    ensure_starting_products(Product, ProductFact)
    product = Product.objects.get(subject_to_ruxolitinib_label=True, name__startswith="Ruxolitinib")
    fda = Clinic.objects.filter(name=FDA_CLINIC, patients__prescriptions__isnull=True).distinct()
    fda.update(label_jurisdiction=Jurisdiction.FDA)
    _walkthrough_patient(today)
    _demo_prices(today)
    treated = Patient.objects.filter(treatment_start__isnull=False, prescriptions__isnull=True)
    off_label = (
        MORE_OFF_LABEL
        - Prescription.objects.filter(label_overall="outside_label", notes=DEMO_NOTE)
        .exclude(patient__record_number__in=OVER_THE_LIMIT)
        .count()
    )
    for patient in treated.select_related("clinic").order_by("pk"):
        prescriber = _prescriber(patient.clinic)
        if prescriber is None or not has_consent(patient, ConsentPurpose.TREATMENT):
            continue
        if patient.current_diagnosis() is None:
            continue
        rng = random.Random(f"{SEED}-{patient.record_number}")
        _co_medications(patient, prescriber, rng)
        prescription = _prescribe(patient, product, prescriber, rng, today, off_label)
        if prescription.is_outside_label and patient.record_number not in OVER_THE_LIMIT:
            off_label -= 1
        if prescription.product_id == product.pk:
            _diary(patient, prescription, rng, today)
        step(f"treatment of {patient.record_number}")


#: The one price of the cream we could verify: Italy's public price (VAT included) of a 100 g
#: tube, on Incyte Italia's page (read 4 Dec 2026 through the search tool's stored copy). It is a
#: reference, not an African route: each clinic replaces it with its importing pharmacy's quote.
REFERENCE_PRICE = {
    "tube_grams": 100,
    "amount": Decimal("1237.80"),
    "currency": "EUR",
    "source": "Incyte Italia, Opzelura page: Italian public price incl. VAT (a reference price, "
    "not an African route)",
    "source_url": "https://vitiligo.incyteful.it/posologia-e-somministrazione",
    "priced_on": date(2026, 12, 4),
}
#: The demo administrators' exchange rate (an administrator enters the day's rate in real use).
DEMO_EUR_ZAR = Decimal("20.00")


def _demo_prices(today: date) -> None:
    for clinic in Clinic.objects.filter(kind=Clinic.Kind.CLINIC).order_by("pk"):
        staff = User.objects.filter(memberships__clinic=clinic)
        admin = staff.filter(memberships__role=Role.CLINIC_ADMIN).first() or staff.first()
        if admin is None or TubePrice.objects.filter(clinic=clinic).exists():
            continue
        TubePrice.objects.create(clinic=clinic, recorded_by=admin, **REFERENCE_PRICE)
        if clinic.country != "ZA":
            continue  # elsewhere the estimate stays in euros until an administrator adds a rate
        ExchangeRate.objects.create(
            clinic=clinic, from_currency="EUR", to_currency="ZAR", rate=DEMO_EUR_ZAR,
            as_of=today - timedelta(days=1), recorded_by=admin,
        )  # fmt: skip


def _prescriber(clinic: Clinic) -> User | None:
    return User.objects.filter(
        memberships__clinic=clinic, memberships__role=Role.PRESCRIBER
    ).first()


def _walkthrough_patient(today: date) -> None:
    """A 15-year-old with facial non-segmental vitiligo, consented, not yet prescribed."""
    clinic = Clinic.objects.filter(name=WALKTHROUGH[0]).first()
    if clinic is None or Patient.objects.filter(clinic=clinic, record_number=WALKTHROUGH[1]):
        return
    prescriber = _prescriber(clinic)
    born = today - timedelta(days=365 * 15 + 120)
    patient = Patient.objects.create(
        clinic=clinic,
        record_number=WALKTHROUGH[1],
        given_names="Lindiwe",
        family_name="Mthembu",
        date_of_birth=born,
        sex=Sex.FEMALE,
        phone="+27 82 555 0101",
        phototype=5,
        created_by=prescriber,
    )
    for purpose in (ConsentPurpose.TREATMENT, ConsentPurpose.CONTACT, ConsentPurpose.PHOTOS):
        Consent.objects.create(
            patient=patient,
            purpose=purpose,
            given_on=today - timedelta(days=7),
            method=ConsentMethod.IN_PERSON,
            given_by=ConsentGiver.GUARDIAN,
            guardian_name="Thandi Mthembu",
            guardian_relationship="mother",
            recorded_by=prescriber,
        )
    Diagnosis.objects.create(
        patient=patient,
        vitiligo_type=VitiligoType.NON_SEGMENTAL,
        onset_year=today.year - 2,
        activity=Activity.ACTIVE,
        facial_involvement=True,
        recorded_on=today - timedelta(days=7),
        recorded_by=prescriber,
        notes="Invented demo patient for the prescribing walk-through.",
    )


def _co_medications(patient: Patient, prescriber: User, rng: random.Random) -> None:
    start = patient.treatment_start or timezone.localdate()
    diagnosis = patient.current_diagnosis()
    chosen = []
    if diagnosis is not None and "thyroid" in diagnosis.comorbidities:
        chosen.append(CO_MEDICATIONS[0])
    if rng.random() < 0.2:
        chosen.append(CO_MEDICATIONS[1])
    if rng.random() < 0.1:
        chosen.append(CO_MEDICATIONS[2])
    if patient.record_number == "CPT-0005":
        chosen.append(CO_MEDICATIONS[3])
    for name, note in chosen:
        CoMedication.objects.create(
            patient=patient,
            name=name,
            start_date=start - timedelta(days=rng.randrange(60, 900)),
            notes=note,
            recorded_by=prescriber,
        )


def _areas(patient: Patient, rng: random.Random) -> list[services.AreaInput]:
    if patient.record_number in OVER_THE_LIMIT:
        regions = OVER_THE_LIMIT[patient.record_number]
        return [services.AreaInput(r, Decimal(v)) for r, v in regions.items()]
    diagnosis = patient.current_diagnosis()
    areas = []
    if diagnosis is not None and diagnosis.facial_involvement:
        areas.append(services.AreaInput(BodyRegion.FACE, Decimal(rng.choice((1, 1.5, 2, 2.5)))))
    body = rng.sample([r for r in BodyRegion.values if r != BodyRegion.FACE], rng.randint(1, 3))
    areas += [services.AreaInput(r, Decimal(rng.choice((0.5, 1, 1.5, 2)))) for r in body]
    return areas


def _prescribe(
    patient: Patient,
    product: Product,
    prescriber: User,
    rng: random.Random,
    today: date,
    off_label: int,
) -> Prescription:
    start = patient.treatment_start or today
    data = services.PrescriptionInput(
        product=product,
        start_date=start,
        planned_weeks=52 if (today - start).days > 24 * 7 or rng.random() < 0.5 else 24,
        areas=_areas(patient, rng),
        tube_grams=100,
        jurisdiction=patient.clinic.label_jurisdiction,
        notes=DEMO_NOTE,
        warnings_reviewed=True,
    )
    # A stream of its own, so the rest of the demo stays as it was before monitoring existed.
    own = random.Random(f"{SEED}-monitoring-{patient.record_number}")
    data.risk_factors = frozenset(own.sample(sorted(RiskFactor.values), own.choice([0, 0, 1, 2])))
    _monitoring(patient, start, today, prescriber, own)
    review = services.review_label(patient, data)
    data.acknowledged = frozenset(f.key for f in review.cautions)
    if review.needs_justification:
        if patient.record_number not in OVER_THE_LIMIT and off_label <= 0:
            return _comparator(patient, data, prescriber)
        data.justification = _justification(review)
    prescription = services.create_prescription(
        patient, data, request=None, actor=prescriber, role=Role.PRESCRIBER
    )
    weeks_on = (today - start).days // 7
    if weeks_on >= 60 and rng.random() < 0.5:
        services.stop_prescription(
            prescription,
            start + timedelta(weeks=56),
            StopReason.SATISFACTORY,
            "Repigmentation satisfactory on the face; restart if it recurs.",
            request=None,
            actor=prescriber,
            role=Role.PRESCRIBER,
        )
    return prescription


def _monitoring(
    patient: Patient, start: date, today: date, prescriber: User, rng: random.Random
) -> None:
    """TB screening before the start and a skin check every year since, as the plan asks.

    A few patients of the clinic that prescribes under the US label have no TB screening yet,
    so the demo shows the label's caution and the reminder.
    """
    unscreened = patient.clinic.name == FDA_CLINIC and rng.random() < 0.25
    if not unscreened and not patient.tb_screenings.exists():
        TbScreening.objects.create(
            patient=patient,
            test=TbTest.IGRA,
            tested_on=max(start - timedelta(days=14), patient.date_of_birth),
            result=TbResult.NEGATIVE,
            latent_treatment=LatentTbTreatment.NOT_NEEDED,
            notes=DEMO_NOTE,
            recorded_by=prescriber,
        )
    if patient.skin_exams.exists():
        return
    day = start
    while day <= today:
        following = day + timedelta(weeks=52)
        SkinExam.objects.create(
            patient=patient,
            examined_on=day,
            finding=SkinFinding.NOTHING,
            next_due=following,
            recorded_by=prescriber,
        )
        day = following


def _comparator(
    patient: Patient, data: services.PrescriptionInput, prescriber: User
) -> Prescription:
    """Tacrolimus ointment (or phototherapy when the face is spared) instead of the cream."""
    face = any(area.region == BodyRegion.FACE for area in data.areas)
    name = "Tacrolimus ointment" if face else "NB-UVB phototherapy"
    comparator = Product.objects.get(name=name)
    data.product = comparator
    data.frequency = Frequency.TWICE_DAILY if face else Frequency.TWICE_WEEKLY
    data.tube_grams, data.jurisdiction, data.acknowledged = None, "", frozenset()
    return services.create_prescription(
        patient, data, request=None, actor=prescriber, role=Role.PRESCRIBER
    )


def _justification(review: services.LabelReview) -> str:
    keys = {"bsa": "bsa", "quantity": "bsa", "indication": "type", "facial_involvement": "face"}
    parts = [JUSTIFICATIONS[keys.get(f.rule.split(".", 1)[1], "other")] for f in review.outside]
    return " ".join(dict.fromkeys(parts))


def _diary(patient: Patient, prescription: Prescription, rng: random.Random, today: date) -> None:
    """Twice-daily ticks with this patient's habits, from the start to yesterday (or the stop)."""
    start, stop = prescription.start_date, prescription.stop_date
    grams_per_week = prescription.grams_per_week
    habit = rng.uniform(0.6, 0.97)
    evening_gap = rng.uniform(0.0, 0.15)
    weekly = float(grams_per_week or 20)
    tube_days = max(7, round(100 / max(weekly, 1) * 7))
    rows = []
    day = start
    while day < min(today, stop or today):
        if day.weekday() == 0 and rng.random() < 0.04:  # a week away, nothing recorded
            day += timedelta(days=7)
            continue
        weekend = day.weekday() >= 5
        morning = rng.random() < habit - (0.1 if weekend else 0)
        evening = rng.random() < habit - evening_gap
        skipped = not (morning or evening) and rng.random() < 0.6
        if morning or evening or skipped:
            rows.append(
                DiaryEntry(
                    patient=patient,
                    day=day,
                    morning=morning,
                    evening=evening,
                    skipped=skipped,
                    skip_reason=rng.choice(SkipReason.values) if skipped else "",
                    tube_changed=(day - start).days % tube_days == 0,
                    recorded_by=patient.user,
                )
            )
        day += timedelta(days=1)
    DiaryEntry.objects.bulk_create(rows, batch_size=500)
