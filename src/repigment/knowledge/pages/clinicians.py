"""For clinicians: the two labels side by side, the quantity rule, scoring, Section 21 duties."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from repigment.clinical.label import (
    EMA_LONGEST_MONTH_DAYS,
    EMA_MAX_GRAMS_PER_MONTH,
    FDA_MAX_GRAMS_PER_WEEK_60G_TUBES,
    FDA_MAX_GRAMS_PER_WEEK_100G_TUBES,
    MAX_TREATED_BSA_PERCENT,
    MINIMUM_AGE_YEARS,
    TUBE_SIZES_GRAMS,
)
from repigment.clinical.scoring import DEPIGMENTATION_LADDER, TVASI_REGIONS
from repigment.knowledge.content import Fact, Figure, Number, Percent, Section, Words, fact
from repigment.knowledge.pages import access, evidence, expect, medicine, safety

REGULATION_29 = 29
S21_PROGRESS_REPORT_MONTHS = 6
S21_FINAL_REPORT_DAYS = 30
FACE_BSA_PERCENT = (Decimal(3), Decimal("3.5"))

SOURCES: Mapping[str, tuple[str, ...]] = {
    "REGULATION_29": ("acts-regulation-29",),
    "S21_PROGRESS_REPORT_MONTHS": ("acts-regulation-29",),
    "S21_FINAL_REPORT_DAYS": ("acts-regulation-29",),
    "FACE_BSA_PERCENT": ("usdermed-vasi",),
    "EU_GRAMS_PER_WEEK_IN_LONGEST_MONTH": ("rxreasoner-eu-smpc",),
    "LADDER_MEANING": ("usdermed-vasi", "medicalalgorithms-vasi"),
    "REGION_NAMES": ("usdermed-vasi", "ssdds-vasi-head-neck"),
}

_TUBE_60, _TUBE_100 = TUBE_SIZES_GRAMS
# Two 100 g tubes a month, read over the longest month: what that allows in a week.
EU_GRAMS_PER_WEEK_IN_LONGEST_MONTH = (
    EMA_MAX_GRAMS_PER_MONTH * 7 / EMA_LONGEST_MONTH_DAYS
).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
_US = ("prescriberpoint-us-label",)
_US_FACTS = ("opzelurahcp-vitiligo-facts",)
_EU = ("rxreasoner-eu-smpc",)


def _cell(key: str, words: Promise, refs: tuple[str, ...], **figures: Figure) -> Fact:
    return fact(f"clinicians.label.{key}", words, refs, **figures)


# Each row: what the row is about, the US (FDA) cell, the EU (EMA) cell; None where our
# confirmed sources do not give that label's wording.
LABEL_ROWS: tuple[tuple[Promise, Fact | None, Fact | None], ...] = (
    (
        _("Indication"),
        _cell("us.indication", _("Non-segmental vitiligo"), _US_FACTS),
        _cell("eu.indication", _("Non-segmental vitiligo with facial involvement"), _EU),
    ),
    (
        _("Age"),
        _cell("us.age", _("%(age)s years and older"), _US_FACTS, age=Number(MINIMUM_AGE_YEARS)),
        _cell("eu.age", _("%(age)s years and older"), _EU, age=Number(MINIMUM_AGE_YEARS)),
    ),
    (
        _("Treated area"),
        _cell(
            "us.area",
            _("Up to %(bsa)s of body surface"),
            ("physiciansweekly-fda-approval-2022",),
            bsa=Percent(MAX_TREATED_BSA_PERCENT),
        ),
        _cell(
            "eu.area",
            _("Up to %(bsa)s of body surface; the smallest area necessary"),
            _EU,
            bsa=Percent(MAX_TREATED_BSA_PERCENT),
        ),
    ),
    (
        _("Application"),
        _cell(
            "us.application",
            _("Thin layer twice daily, used continuously"),
            ("physiciansweekly-fda-approval-2022",),
        ),
        _cell(
            "eu.application",
            _("Thin layer twice daily, at least %(hours)s hours apart"),
            _EU,
            hours=Number(medicine.EU_HOURS_BETWEEN_APPLICATIONS),
        ),
    ),
    (
        _("Maximum amount"),
        _cell(
            "us.amount",
            _("One %(g60)s g tube a week, or one %(g100)s g tube every two weeks"),
            (*_US, "singlecare-opzelura-dosage"),
            g60=Number(_TUBE_60),
            g100=Number(_TUBE_100),
        ),
        _cell(
            "eu.amount",
            _("Two %(g100)s g tubes a month (%(grams)s g)"),
            _EU,
            g100=Number(_TUBE_100),
            grams=Number(EMA_MAX_GRAMS_PER_MONTH),
        ),
    ),
    (
        _("Duration and review"),
        _cell(
            "us.duration",
            _("A satisfactory response may need more than %(weeks)s weeks"),
            ("physiciansweekly-fda-approval-2022",),
            weeks=Number(expect.RESPONSE_MAY_NEED_WEEKS),
        ),
        _cell(
            "eu.duration",
            _(
                "May be needed beyond %(weeks)s weeks; consider stopping if less than "
                "%(percent)s repigmentation at week %(review)s; stop areas that have "
                "repigmented, restart if depigmentation recurs; no tapering"
            ),
            _EU,
            weeks=Number(expect.RESPONSE_MAY_NEED_WEEKS),
            percent=Percent(expect.EU_REVIEW_REPIGMENTATION_PERCENT),
            review=Number(expect.EU_REVIEW_WEEK),
        ),
    ),
    (
        _("Pregnancy"),
        _cell(
            "us.pregnancy",
            _(
                "No human data on the risk; oral ruxolitinib harmed development in animals "
                "at maternally toxic doses; pregnancy registry"
            ),
            ("drugs-com-pregnancy",),
        ),
        _cell(
            "eu.pregnancy",
            _(
                "Contraindicated; effective contraception during treatment and for %(weeks)s "
                "weeks after"
            ),
            ("oddb-ch-pregnancy", "emc-uk-pil"),
            weeks=Number(safety.EU_CONTRACEPTION_WEEKS_AFTER),
        ),
    ),
    (
        _("Breast-feeding"),
        _cell(
            "us.breastfeeding",
            _("Not recommended during treatment and for about %(weeks)s weeks after"),
            ("drugs-com-pregnancy",),
            weeks=Number(safety.US_NO_BREASTFEEDING_WEEKS_AFTER),
        ),
        _cell(
            "eu.breastfeeding",
            _("Contraindicated; stop about %(weeks)s weeks before breast-feeding"),
            ("oddb-ch-pregnancy",),
            weeks=Number(safety.EU_STOP_BEFORE_BREASTFEEDING_WEEKS),
        ),
    ),
    (
        _("Serious infection"),
        _cell(
            "us.infection",
            _("Avoid in active serious infection, including localised; interrupt if one develops"),
            ("openfda-ruxolitinib-label", *_US),
        ),
        None,
    ),
    (
        _("Other medicines"),
        _cell(
            "us.co_medication",
            _(
                "Not recommended with therapeutic biologics, other JAK inhibitors or potent "
                "immunosuppressants such as azathioprine or ciclosporin"
            ),
            _US_FACTS,
        ),
        None,
    ),
    (
        _("Liver or kidney impairment"),
        None,
        _cell(
            "eu.impairment",
            _("No dose adjustment; avoid in end-stage renal disease (no data)"),
            _EU,
        ),
    ),
)

QUANTITY_RULE = fact(
    "clinicians.quantity_rule",
    _(
        "Repigment checks each prescription against both limits. The US limit allows up to "
        "%(g60)s g a week when the cream is dispensed in %(g60)s g tubes, but %(g50)s g a week "
        "in %(g100)s g tubes. The EU limit of %(month)s g a month allows about %(eu_week)s g a "
        "week if it is to hold in a %(days)s-day month."
    ),
    (*_US, *_EU),
    g60=Number(FDA_MAX_GRAMS_PER_WEEK_60G_TUBES),
    g50=Number(FDA_MAX_GRAMS_PER_WEEK_100G_TUBES),
    g100=Number(_TUBE_100),
    month=Number(EMA_MAX_GRAMS_PER_MONTH),
    eu_week=Number(EU_GRAMS_PER_WEEK_IN_LONGEST_MONTH),
    days=Number(EMA_LONGEST_MONTH_DAYS),
)

HAND_UNIT = fact(
    "clinicians.hand_unit",
    _(
        "One hand unit is the patient's own palm with the palmar surface of all five fingers, "
        "about %(percent)s of body surface."
    ),
    ("usdermed-vasi", "consultantlive-vitiligo-severity"),
    percent=Percent(evidence.HAND_UNIT_BSA_PERCENT),
)
FORMULA = fact(
    "clinicians.formula",
    _(
        "VASI is the sum, over the areas scored, of hand units × the fraction still "
        "depigmented. F-VASI uses the face only and runs from %(min)s to %(fmax)s, the face "
        "being about %(face_lo)s–%(face_hi)s of body surface."
    ),
    ("usdermed-vasi",),
    min=Number(0),
    fmax=Number(evidence.FVASI_MAX_HAND_UNITS),
    face_lo=Percent(FACE_BSA_PERCENT[0]),
    face_hi=Percent(FACE_BSA_PERCENT[1]),
)
LADDER_MEANING: Mapping[int, Promise] = MappingProxyType(
    {
        100: _("no pigment"),
        90: _("specks of pigment"),
        75: _("depigmented area larger than pigmented area"),
        50: _("depigmented and pigmented areas equal"),
        25: _("pigmented area larger than depigmented area"),
        10: _("only specks of depigmentation"),
        0: _("no depigmentation"),
    }
)
LADDER_FACTS = tuple(
    fact(
        f"clinicians.ladder.{grade}",
        _("%(grade)s residual depigmentation: %(meaning)s"),
        ("usdermed-vasi", "medicalalgorithms-vasi"),
        grade=Percent(Decimal(grade)),
        meaning=Words((LADDER_MEANING[grade],)),
    )
    for grade in sorted(DEPIGMENTATION_LADDER, reverse=True)
)
REGION_NAMES: Mapping[str, Promise] = MappingProxyType(
    {
        "head_neck": _("head and neck"),
        "hands": _("hands"),
        "upper_limbs": _("upper limbs"),
        "trunk": _("trunk"),
        "lower_limbs": _("lower limbs"),
        "feet": _("feet"),
    }
)
REGIONS = fact(
    "clinicians.regions",
    _("Repigment scores T-VASI over six regions: %(regions)s, up to %(max)s hand units in all."),
    ("usdermed-vasi", "ssdds-vasi-head-neck"),
    regions=Words(tuple(REGION_NAMES[region] for region in TVASI_REGIONS)),
    max=Number(evidence.TVASI_MAX_HAND_UNITS),
)
REPORTING_DUTIES = fact(
    "clinicians.reporting_duties",
    _(
        "After a Section %(section)s approval, the supervising practitioner must send SAHPRA "
        "any adverse event report, a progress report every %(months)s months counted from the "
        "start of use, and a final report within %(days)s days after use ends or stops."
    ),
    ("acts-regulation-29",),
    section=Number(access.SECTION_21),
    months=Number(S21_PROGRESS_REPORT_MONTHS),
    days=Number(S21_FINAL_REPORT_DAYS),
)
APPLICATION_CONTENTS = fact(
    "clinicians.application_contents",
    _(
        "Regulation %(regulation)s asks for the application form and fee, a product brochure, "
        "a witnessed "
        "informed-consent document where applicable, the product's registration status with "
        "other regulators, evidence that the manufacturer meets good manufacturing practice, "
        "and the reasons why no medicine registered in South Africa can be used."
    ),
    ("acts-regulation-29",),
    regulation=Number(REGULATION_29),
)
PORTAL = fact(
    "clinicians.portal",
    _(
        "Applications go through the SAHPRA portal as Named Patient (one identified patient) "
        "or Multiple Patient applications; the applicant gives their HPCSA registration "
        "number and practice number, and the importer's SAHPRA licence number."
    ),
    ("sahpra-portal-s21",),
)

SECTIONS_AFTER_LABEL = (
    Section(
        "quantity",
        _("The quantity rule"),
        (QUANTITY_RULE,),
    ),
    Section(
        "scoring",
        _("Scoring F-VASI and T-VASI"),
        (HAND_UNIT, FORMULA, evidence.TVASI, REGIONS, evidence.RESPONSE, evidence.WORKED_EXAMPLE),
    ),
    Section("ladder", _("The depigmentation scale"), LADDER_FACTS, listed=True),
    Section("vns", _("Patient-reported noticeability"), (evidence.VNS,)),
    Section(
        "trial-population",
        _("Who the trials enrolled"),
        (evidence.INCLUSION, evidence.SIZE, evidence.WHO_TOOK_PART, evidence.PHOTOTYPES),
    ),
    Section(
        "section-21",
        _("Applying to SAHPRA in South Africa"),
        (APPLICATION_CONTENTS, PORTAL, access.FEE, access.SUPPLY, REPORTING_DUTIES),
    ),
)
