"""About the medicine: what it is, where it is approved, how it is used, cream and tablets."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from repigment.clinical.label import MAX_TREATED_BSA_PERCENT, MINIMUM_AGE_YEARS
from repigment.knowledge.content import MonthYear, Number, Percent, Section, fact

STRENGTH_PERCENT = Decimal("1.5")
STRENGTH_MG_PER_GRAM = 15
US_VITILIGO_APPROVAL = date(2022, 7, 1)  # shown as month and year only; the day is unconfirmed
EU_APPROVAL = date(2023, 4, 1)  # shown as month and year only; the day is unconfirmed
PALMS_FOR_MAX_AREA = 10
EU_HOURS_BETWEEN_APPLICATIONS = 8
HOURS_BEFORE_OTHER_PRODUCTS = 2

SOURCES: Mapping[str, tuple[str, ...]] = {
    "STRENGTH_PERCENT": ("fda-ndc-50881-007",),
    "STRENGTH_MG_PER_GRAM": ("fda-ndc-50881-007",),
    "US_VITILIGO_APPROVAL": ("physiciansweekly-fda-approval-2022",),
    "EU_APPROVAL": ("springer-2023-ruxolitinib", "tipranks-mhra-2023"),
    "PALMS_FOR_MAX_AREA": ("rxreasoner-eu-smpc",),
    "EU_HOURS_BETWEEN_APPLICATIONS": ("rxreasoner-eu-smpc",),
    "HOURS_BEFORE_OTHER_PRODUCTS": ("emc-uk-pil",),
}

WHAT = fact(
    "medicine.what",
    _(
        "Opzelura is a cream that contains the medicine ruxolitinib at a strength of "
        "%(strength)s, that is %(mg)s mg of ruxolitinib in each gram of cream."
    ),
    ["fda-ndc-50881-007"],
    strength=Percent(STRENGTH_PERCENT),
    mg=Number(STRENGTH_MG_PER_GRAM),
)
US_APPROVAL = fact(
    "medicine.us",
    _(
        "In the United States it was approved in %(date)s for non-segmental vitiligo in "
        "people aged %(age)s years and older."
    ),
    ["physiciansweekly-fda-approval-2022", "opzelurahcp-vitiligo-facts"],
    date=MonthYear(US_VITILIGO_APPROVAL),
    age=Number(MINIMUM_AGE_YEARS),
)
EU_APPROVAL_FACT = fact(
    "medicine.eu",
    _(
        "In the European Union it was approved in %(date)s for non-segmental vitiligo that "
        "affects the face, in adults and adolescents from the age of %(age)s."
    ),
    ["springer-2023-ruxolitinib", "rxreasoner-eu-smpc"],
    date=MonthYear(EU_APPROVAL),
    age=Number(MINIMUM_AGE_YEARS),
)
NON_SEGMENTAL_ONLY = fact(
    "medicine.non_segmental",
    _("Both approvals cover non-segmental vitiligo only; segmental vitiligo is outside them."),
    ["opzelurahcp-vitiligo-facts", "rxreasoner-eu-smpc"],
)
SPECIALIST = fact(
    "medicine.specialist",
    _(
        "In Europe, treatment should be started and supervised by a doctor experienced in "
        "treating vitiligo."
    ),
    ["rxreasoner-eu-smpc"],
)
JAK_INHIBITOR = fact(
    "medicine.jak",
    _(
        "Ruxolitinib is a JAK inhibitor: it blocks enzymes called Janus kinases (JAK). The US "
        "label groups it with the other JAK inhibitors, both in its safety warning and in "
        "the medicines it should not be combined with."
    ),
    ["openfda-ruxolitinib-label", "opzelurahcp-vitiligo-facts"],
)
TABLETS = fact(
    "medicine.tablets",
    _(
        "Ruxolitinib also exists as tablets, sold as Jakavi: a different medicine, used for "
        "other diseases such as myelofibrosis."
    ),
    ["chemistryworld-jakavi"],
)
WARNING_FROM_TABLETS = fact(
    "medicine.warning_from_tablets",
    _(
        "The boxed warning on the cream's US label (serious infections, death, cancer, major "
        "heart events and blood clots) is based mainly on JAK inhibitor tablets taken by mouth "
        "for inflammatory diseases, but the label applies it to the cream as well."
    ),
    ["openfda-ruxolitinib-label", "prescriberpoint-us-label"],
)
DOSE = fact(
    "medicine.dose",
    _(
        "A thin layer is applied twice a day to the white patches, on no more than %(bsa)s of "
        "the body surface in all: about %(palms)s palms of the hand, fingers included."
    ),
    ["physiciansweekly-fda-approval-2022", "rxreasoner-eu-smpc"],
    bsa=Percent(MAX_TREATED_BSA_PERCENT),
    palms=Number(PALMS_FOR_MAX_AREA),
)
HOURS_APART = fact(
    "medicine.hours_apart",
    _("The European label asks for at least %(hours)s hours between the two applications."),
    ["rxreasoner-eu-smpc"],
    hours=Number(EU_HOURS_BETWEEN_APPLICATIONS),
)
NO_OCCLUSION = fact(
    "medicine.no_occlusion",
    _(
        "Do not cover the treated skin with a bandage, plaster or any other dressing that "
        "closes over it."
    ),
    ["scholarsinmedicine-opzelura-pi"],
)
NOT_ON = fact(
    "medicine.not_on",
    _("It must not be put on the lips, or in the eyes, mouth or vagina."),
    ["emc-uk-pil"],
)
WAIT = fact(
    "medicine.wait",
    _(
        "Wait at least %(hours)s hours before putting anything else, such as sunscreen or a "
        "moisturiser, on the same skin."
    ),
    ["emc-uk-pil"],
    hours=Number(HOURS_BEFORE_OTHER_PRODUCTS),
)

SECTIONS = (
    Section(
        "what",
        _("What it is"),
        (WHAT, US_APPROVAL, EU_APPROVAL_FACT, NON_SEGMENTAL_ONLY, SPECIALIST),
    ),
    Section("how", _("How it works"), (JAK_INHIBITOR,)),
    Section(
        "tablets", _("Cream and tablets are different medicines"), (TABLETS, WARNING_FROM_TABLETS)
    ),
    Section(
        "use", _("How it is used"), (DOSE, HOURS_APART, NO_OCCLUSION, NOT_ON, WAIT), listed=True
    ),
)
