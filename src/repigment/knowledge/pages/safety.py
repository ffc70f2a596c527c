"""Safety: the common reactions, the US boxed warning, pregnancy and breast-feeding by label."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from repigment.knowledge.content import Literal, Number, Percent, Section, fact
from repigment.safety.route import SAHPRA_ADR_EMAIL, SAHPRA_ADR_PHONE

COMMON_THRESHOLD_PERCENT = Decimal(1)
ACNE_MOST_COMMON_PERCENT = Decimal("5.8")
ACNE_PATIENTS = 46
ACNE_EXPOSED_PATIENTS = 637
ACNE_PERCENT = Decimal("7.2")
EU_CONTRACEPTION_WEEKS_AFTER = 4
EU_STOP_BEFORE_BREASTFEEDING_WEEKS = 4
US_NO_BREASTFEEDING_WEEKS_AFTER = 4
BOXED_WARNING_STUDY_MIN_AGE = 50

SOURCES: Mapping[str, tuple[str, ...]] = {
    "COMMON_THRESHOLD_PERCENT": ("medthority-us-label",),
    "ACNE_MOST_COMMON_PERCENT": ("opzelura-se",),
    "ACNE_PATIENTS": ("dermavidya-eadv-2023-acne",),
    "ACNE_EXPOSED_PATIENTS": ("dermavidya-eadv-2023-acne",),
    "ACNE_PERCENT": ("dermavidya-eadv-2023-acne",),
    "EU_CONTRACEPTION_WEEKS_AFTER": ("oddb-ch-pregnancy", "emc-uk-pil"),
    "EU_STOP_BEFORE_BREASTFEEDING_WEEKS": ("oddb-ch-pregnancy",),
    "US_NO_BREASTFEEDING_WEEKS_AFTER": ("drugs-com-pregnancy",),
    "BOXED_WARNING_STUDY_MIN_AGE": ("openfda-ruxolitinib-label", "prescriberpoint-us-label"),
    "SAHPRA_ADR_EMAIL": ("sahpra-medsafety",),
    "SAHPRA_ADR_PHONE": ("sahpra-medsafety",),
}

_BOXED = ("openfda-ruxolitinib-label", "prescriberpoint-us-label")

COMMON = fact(
    "safety.common",
    _(
        "In the vitiligo trials, the side effects reported by at least %(percent)s of patients "
        "were: acne where the cream was applied, itching where it was applied, colds "
        "(nasopharyngitis), headache, urinary tract infection, redness where it was applied, "
        "and fever."
    ),
    ["medthority-us-label"],
    percent=Percent(COMMON_THRESHOLD_PERCENT),
)
ACNE_MOST_COMMON = fact(
    "safety.acne_most_common",
    _("Acne where the cream is applied was the most common, in %(percent)s of patients."),
    ["opzelura-se"],
    percent=Percent(ACNE_MOST_COMMON_PERCENT),
)
ACNE_DETAIL = fact(
    "safety.acne_detail",
    _(
        "Across both trials, %(n)s of the %(total)s patients who applied the cream at any time "
        "(%(percent)s) reported acne, a few of them while on the vehicle. All cases were mild "
        "or moderate, none was serious, and nobody stopped treatment because of it."
    ),
    ["dermavidya-eadv-2023-acne"],
    n=Number(ACNE_PATIENTS),
    total=Number(ACNE_EXPOSED_PATIENTS),
    percent=Percent(ACNE_PERCENT),
)
NO_SERIOUS = fact(
    "safety.no_serious",
    _(
        "In TRuE-V1 and TRuE-V2, no serious adverse event was judged to have been caused by "
        "the treatment."
    ),
    ["mdedge-eadv-2021", "opzelura-se"],
)
BOXED_WHAT = fact(
    "safety.boxed_what",
    _(
        "The US label carries a boxed warning, its strongest kind, about five risks: serious "
        "infections, death from any cause, cancer, major heart and circulation events (heart "
        "attack, stroke, death from heart disease) and blood clots."
    ),
    _BOXED,
)
BOXED_BASIS = fact(
    "safety.boxed_basis",
    _(
        "These warnings come mainly from JAK inhibitor tablets taken by mouth for "
        "inflammatory diseases. In a large study of people aged %(age)s or over with "
        "rheumatoid arthritis and at least one heart risk factor, more people died while "
        "taking a JAK inhibitor tablet than while taking another treatment (a TNF blocker)."
    ),
    _BOXED,
    age=Number(BOXED_WARNING_STUDY_MIN_AGE),
)
BOXED_CREAM = fact(
    "safety.boxed_cream",
    _(
        "This boxed warning (serious infections, death, cancer, major heart events and blood "
        "clots) is printed on the cream's label too, and the label notes that cancers have "
        "been reported in patients treated with Opzelura."
    ),
    _BOXED,
)
INFECTION = fact(
    "safety.infection",
    _(
        "The cream should not be used during an active serious infection, even one limited to "
        "one part of the body, and should be interrupted if a serious infection develops. "
        "Infections reported with JAK inhibitors include tuberculosis, fungal infections and "
        "shingles (herpes zoster)."
    ),
    _BOXED,
)
COMBINATION = fact(
    "safety.combination",
    _(
        "The US label advises against combining the cream with biological medicines, other "
        "JAK inhibitors, or strong immunosuppressants such as azathioprine or ciclosporin."
    ),
    ["opzelurahcp-vitiligo-facts"],
)
PREGNANCY_EU = fact(
    "safety.pregnancy_eu",
    _(
        "European, Swiss and UK labels: the cream must not be used during pregnancy or "
        "breast-feeding. Women who could become pregnant must use effective contraception "
        "during treatment and for %(weeks)s weeks after it."
    ),
    ["oddb-ch-pregnancy", "emc-uk-pil"],
    weeks=Number(EU_CONTRACEPTION_WEEKS_AFTER),
)
BREASTFEEDING_EU = fact(
    "safety.breastfeeding_eu",
    _(
        "Under those labels, treatment should stop about %(weeks)s weeks before breast-feeding "
        "starts."
    ),
    ["oddb-ch-pregnancy"],
    weeks=Number(EU_STOP_BEFORE_BREASTFEEDING_WEEKS),
)
PREGNANCY_US = fact(
    "safety.pregnancy_us",
    _(
        "US label: there are no data in pregnant women to show the risk. In animals, "
        "ruxolitinib taken by mouth harmed the unborn young at doses that were also toxic to "
        "the mother. A pregnancy registry collects the experience of women treated while "
        "pregnant."
    ),
    ["drugs-com-pregnancy"],
)
BREASTFEEDING_US = fact(
    "safety.breastfeeding_us",
    _(
        "US label: breast-feeding is not recommended during treatment and for about %(weeks)s "
        "weeks after the last dose."
    ),
    ["drugs-com-pregnancy"],
    weeks=Number(US_NO_BREASTFEEDING_WEEKS_AFTER),
)
SEE_DOCTOR_INFECTION = fact(
    "safety.see_doctor_infection",
    _(
        "See your doctor promptly if you think you have an infection: the label says to "
        "interrupt the cream during a serious infection."
    ),
    _BOXED,
)
SEE_DOCTOR_PREGNANCY = fact(
    "safety.see_doctor_pregnancy",
    _("Tell your doctor at once if you become pregnant or plan to breast-feed."),
    ["oddb-ch-pregnancy", "drugs-com-pregnancy"],
)
REPORT_SIDE_EFFECT = fact(
    "safety.report_side_effect",
    _(
        "In South Africa anyone can report a suspected side effect to SAHPRA, the medicines "
        "regulator: with the Med Safety app, by e-mail to %(email)s or by telephone on "
        "%(phone)s."
    ),
    ["sahpra-medsafety"],
    email=Literal(SAHPRA_ADR_EMAIL),
    phone=Literal(SAHPRA_ADR_PHONE),
)

SECTIONS = (
    Section(
        "common",
        _("Common reactions"),
        (COMMON, ACNE_MOST_COMMON, ACNE_DETAIL, NO_SERIOUS),
    ),
    Section(
        "boxed-warning",
        _("The boxed warning, and what it means for a cream"),
        (BOXED_WHAT, BOXED_BASIS, BOXED_CREAM, INFECTION, COMBINATION),
    ),
    Section(
        "pregnancy",
        _("Pregnancy and breast-feeding: the labels differ"),
        (PREGNANCY_EU, BREASTFEEDING_EU, PREGNANCY_US, BREASTFEEDING_US),
    ),
    Section(
        "doctor",
        _("When to see your doctor"),
        (SEE_DOCTOR_INFECTION, SEE_DOCTOR_PREGNANCY, REPORT_SIDE_EFFECT),
        listed=True,
    ),
)
