"""The evidence: the TRuE-V trials, what they measured, their results, and their limits."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from repigment.clinical.response import RESPONSE_THRESHOLDS, classify_response
from repigment.clinical.scoring import (
    DEPIGMENTATION_LADDER,
    FVASI_MAX_HAND_UNITS,
    TVASI_MAX_HAND_UNITS,
    VasiEntry,
    score_fvasi,
)
from repigment.clinical.trials import (
    CONTINUED_RUXOLITINIB,
    LTE_WITHDRAWAL,
    PHASE_2,
    RUXOLITINIB_BID,
    TRIAL_RESULTS,
    TRUE_V1,
    TRUE_V2,
    TRUE_V_POOLED,
    VEHICLE,
    WITHDRAWN_TO_VEHICLE,
    TrialResult,
)
from repigment.knowledge.content import Literal, Number, Percent, PercentList, Section, fact


def trial_row(trial: str, endpoint: str, week: int, arm: str) -> TrialResult:
    """The one stored result for this trial, endpoint, week and arm."""
    rows = [
        r
        for r in TRIAL_RESULTS
        if (r.trial, r.endpoint, r.week, r.arm) == (trial, endpoint, week, arm)
    ]
    if len(rows) != 1:
        raise LookupError(f"expected one result for {trial} {endpoint} week {week} {arm}")
    return rows[0]


def share(trial: str, endpoint: str, week: int, arm: str) -> Percent:
    return Percent(trial_row(trial, endpoint, week, arm).value_percent)


PHASE_3 = 3
PHASE_2_NUMBER = 2
RANDOMISATION = "2:1"
BLINDED_WEEKS = 24
EXTENSION_END_WEEK = 52
TRUE_V1_PATIENTS = 330
TRUE_V2_PATIENTS = 344
PHASE_2_PATIENTS = 157
# EU trial register inclusion criteria (identical trials).
TRIAL_MINIMUM_AGE = 12
FACE_MINIMUM_BSA_PERCENT = Decimal("0.5")
FACE_MINIMUM_FVASI = Decimal("0.5")
BODY_MINIMUM_BSA_PERCENT = Decimal(3)
BODY_MINIMUM_TVASI = Decimal(3)
TOTAL_MAXIMUM_BSA_PERCENT = Decimal(10)
# Pooled baseline of the 674 patients (Swiss product information).
BLACK_PERCENT = Decimal("4.7")
WHITE_PERCENT = Decimal("81.9")
ASIAN_PERCENT = Decimal("4.2")
FITZPATRICK_III_VI_PERCENT = Decimal("67.5")
AGED_12_17_PERCENT = Decimal("10.7")
AGED_65_PLUS_PERCENT = Decimal("6.7")
ADOLESCENT_AGES = (12, 17)
OLDER_AGE = 65
# Phase 2 population (letter on generalisability).
PHASE_2_FITZPATRICK_I_III_PERCENT = Decimal(64)
PHASE_2_FITZPATRICK_V_VI_PERCENT = Decimal(9)
# Randomised withdrawal in the long-term extension (AAD 2023).
WITHDRAWAL_COHORT = 116
RELAPSE_HALF_WITHIN_MONTHS = 4
REGAIN_F75_MEDIAN_WEEKS = 12
REGAIN_F90_MEDIAN_WEEKS = 15
HAND_UNIT_BSA_PERCENT = Decimal(1)
VNS_SCALE = (1, 5)
VNS_SUCCESS = 4

SOURCES: Mapping[str, tuple[str, ...]] = {
    "PHASE_3": ("hpe-true-v-2022",),
    "PHASE_2_NUMBER": ("nhs-phase2-2020",),
    "RANDOMISATION": ("hpe-true-v-2022", "adc-bmj-2022"),
    "BLINDED_WEEKS": ("hpe-true-v-2022", "adc-bmj-2022"),
    "EXTENSION_END_WEEK": ("hpe-true-v-2022", "adc-bmj-2022"),
    "TRUE_V1_PATIENTS": ("adc-bmj-2022", "oddb-ch-effects"),
    "TRUE_V2_PATIENTS": ("adc-bmj-2022", "oddb-ch-effects"),
    "PHASE_2_PATIENTS": ("nhs-phase2-2020",),
    "TRIAL_MINIMUM_AGE": ("euctr-2019-000846-37",),
    "FACE_MINIMUM_BSA_PERCENT": ("euctr-2019-000846-37",),
    "FACE_MINIMUM_FVASI": ("euctr-2019-000846-37",),
    "BODY_MINIMUM_BSA_PERCENT": ("euctr-2019-000846-37",),
    "BODY_MINIMUM_TVASI": ("euctr-2019-000846-37",),
    "TOTAL_MAXIMUM_BSA_PERCENT": ("euctr-2019-000846-37",),
    "BLACK_PERCENT": ("oddb-ch-effects",),
    "WHITE_PERCENT": ("oddb-ch-effects",),
    "ASIAN_PERCENT": ("oddb-ch-effects",),
    "FITZPATRICK_III_VI_PERCENT": ("oddb-ch-effects",),
    "AGED_12_17_PERCENT": ("oddb-ch-effects",),
    "AGED_65_PLUS_PERCENT": ("oddb-ch-effects",),
    "ADOLESCENT_AGES": ("oddb-ch-effects",),
    "OLDER_AGE": ("oddb-ch-effects",),
    "PHASE_2_FITZPATRICK_I_III_PERCENT": ("ablesci-phase2-letter",),
    "PHASE_2_FITZPATRICK_V_VI_PERCENT": ("ablesci-phase2-letter",),
    "WITHDRAWAL_COHORT": ("medicom-aad-2023-withdrawal", "physiciansweekly-withdrawal-2023"),
    "RELAPSE_HALF_WITHIN_MONTHS": ("medicom-aad-2023-withdrawal",),
    "REGAIN_F75_MEDIAN_WEEKS": ("medicom-aad-2023-withdrawal",),
    "REGAIN_F90_MEDIAN_WEEKS": ("medicom-aad-2023-withdrawal",),
    "HAND_UNIT_BSA_PERCENT": ("usdermed-vasi", "consultantlive-vitiligo-severity"),
    "VNS_SCALE": ("nottingham-vns", "trials-vns-validation"),
    "VNS_SUCCESS": ("nottingham-vns",),
    # The worked example below is made-up input run through repigment.clinical; its method
    # is what the references support.
    "EXAMPLE_BASELINE": ("usdermed-vasi", "consultantlive-vitiligo-severity"),
    "EXAMPLE_FOLLOW_UP": ("usdermed-vasi", "consultantlive-vitiligo-severity"),
    "EXAMPLE_RESPONSE": ("physiciansweekly-fda-approval-2022",),
}

_VASI = ("usdermed-vasi", "consultantlive-vitiligo-severity")

DESIGN = fact(
    "evidence.design",
    _(
        "Two identical phase %(phase)s trials, TRuE-V1 and TRuE-V2, compared the cream with a "
        "vehicle: the same cream without the medicine. Neither the patients nor their doctors "
        "knew who had which (double-blind). Patients were allocated at random, %(ratio)s, to "
        "the cream or the vehicle, and applied it twice a day for %(weeks)s weeks."
    ),
    ["rosmarin-nejm-2022", "hpe-true-v-2022", "adc-bmj-2022"],
    phase=Number(PHASE_3),
    ratio=Literal(RANDOMISATION),
    weeks=Number(BLINDED_WEEKS),
)
EXTENSION = fact(
    "evidence.extension",
    _(
        "After week %(week)s everyone could go on with the cream, knowing they had it, up to "
        "week %(end)s."
    ),
    ["hpe-true-v-2022", "adc-bmj-2022"],
    week=Number(BLINDED_WEEKS),
    end=Number(EXTENSION_END_WEEK),
)
SIZE = fact(
    "evidence.size",
    _(
        "TRuE-V1 enrolled %(v1)s patients and TRuE-V2 %(v2)s, %(total)s in all, at sites in "
        "Europe and North America."
    ),
    ["adc-bmj-2022", "mdedge-eadv-2021", "oddb-ch-effects"],
    v1=Number(TRUE_V1_PATIENTS),
    v2=Number(TRUE_V2_PATIENTS),
    total=Number(TRUE_V1_PATIENTS + TRUE_V2_PATIENTS),
)
INCLUSION = fact(
    "evidence.inclusion",
    _(
        "To take part (criteria from the EU trials register), patients had to be aged %(age)s "
        "or over, with non-segmental vitiligo covering at least %(face_bsa)s of the body "
        "surface on the face (F-VASI at least %(fvasi)s) and at least %(body_bsa)s elsewhere "
        "(T-VASI at least %(tvasi)s), and no more than %(total)s in all."
    ),
    ["euctr-2019-000846-37"],
    age=Number(TRIAL_MINIMUM_AGE),
    face_bsa=Percent(FACE_MINIMUM_BSA_PERCENT),
    fvasi=Number(FACE_MINIMUM_FVASI),
    body_bsa=Percent(BODY_MINIMUM_BSA_PERCENT),
    tvasi=Number(BODY_MINIMUM_TVASI),
    total=Percent(TOTAL_MAXIMUM_BSA_PERCENT),
)
FVASI = fact(
    "evidence.fvasi",
    _(
        "F-VASI (facial Vitiligo Area Scoring Index) scores the vitiligo on the face. Each "
        "patch counts its area in hand units — one hand unit, the palm with the fingers, is "
        "about %(hand)s of the body surface — times the share of the patch still without "
        "pigment. The score runs from %(min)s to %(max)s."
    ),
    _VASI,
    hand=Percent(HAND_UNIT_BSA_PERCENT),
    min=Number(0),
    max=Number(FVASI_MAX_HAND_UNITS),
)
TVASI = fact(
    "evidence.tvasi",
    _("T-VASI scores the whole body in the same way and runs from %(min)s to %(max)s."),
    ("usdermed-vasi", "medicalalgorithms-vasi"),
    min=Number(0),
    max=Number(TVASI_MAX_HAND_UNITS),
)
LADDER = fact(
    "evidence.ladder",
    _("The share still without pigment is read on a fixed scale: %(ladder)s."),
    ("usdermed-vasi", "medicalalgorithms-vasi"),
    ladder=PercentList(tuple(Decimal(grade) for grade in DEPIGMENTATION_LADDER)),
)
_T50, _T75, _T90 = (Percent(Decimal(t)) for t in RESPONSE_THRESHOLDS)
RESPONSE = fact(
    "evidence.response",
    _(
        "F-VASI75 means that the face score has fallen by at least %(t75)s since the start of "
        "treatment; F-VASI50 and F-VASI90 mean at least %(t50)s and %(t90)s. T-VASI50 is the "
        "same measure for the whole body."
    ),
    ["physiciansweekly-fda-approval-2022"],
    t50=_T50,
    t75=_T75,
    t90=_T90,
)
PRIMARY = fact(
    "evidence.primary",
    _(
        "The main result (the primary endpoint) was the share of patients with F-VASI75 at "
        "week %(week)s."
    ),
    ["rosmarin-nejm-2022", "physiciansweekly-nejm-2022", "mdedge-eadv-2021"],
    week=Number(BLINDED_WEEKS),
)
VNS = fact(
    "evidence.vns",
    _(
        "The Vitiligo Noticeability Scale (VNS) asks patients how noticeable their vitiligo is "
        "now compared with before treatment, from %(low)s (more noticeable) to %(high)s (no "
        "longer noticeable). A score of %(success)s or %(high)s counts as a success."
    ),
    ["nottingham-vns", "trials-vns-validation"],
    low=Number(VNS_SCALE[0]),
    high=Number(VNS_SCALE[1]),
    success=Number(VNS_SUCCESS),
)

# A made-up patient, scored by repigment.clinical exactly as the app scores a real one.
EXAMPLE_BASELINE = (VasiEntry("face", Decimal(1), 100), VasiEntry("face", Decimal("0.5"), 50))
EXAMPLE_FOLLOW_UP = (VasiEntry("face", Decimal(1), 25), VasiEntry("face", Decimal("0.5"), 10))
_BEFORE = score_fvasi(EXAMPLE_BASELINE).score
_AFTER = score_fvasi(EXAMPLE_FOLLOW_UP).score
EXAMPLE_RESPONSE = classify_response("F-VASI", _BEFORE, _AFTER)
_A, _B = EXAMPLE_BASELINE
_A2, _B2 = EXAMPLE_FOLLOW_UP
WORKED_EXAMPLE = fact(
    "evidence.example",
    _(
        "An example. A patch of %(a_units)s hand unit with no pigment at all (%(a_grade)s) "
        "and a patch of %(b_units)s hand unit that is half without pigment (%(b_grade)s) give "
        "an F-VASI of %(a_units)s × %(a_fraction)s + %(b_units)s × %(b_fraction)s = "
        "%(before)s. If, at a later visit, the first patch is %(a2_grade)s and the second "
        "%(b2_grade)s without pigment, the score is %(after)s: an improvement of "
        "%(improvement)s, which reaches F-VASI75 but not F-VASI90."
    ),
    _VASI,
    a_units=Number(_A.hand_units),
    a_grade=Percent(Decimal(_A.depigmentation)),
    a_fraction=Number(Decimal(_A.depigmentation) / 100),
    b_units=Number(_B.hand_units),
    b_grade=Percent(Decimal(_B.depigmentation)),
    b_fraction=Number(Decimal(_B.depigmentation) / 100),
    before=Number(_BEFORE),
    a2_grade=Percent(Decimal(_A2.depigmentation)),
    b2_grade=Percent(Decimal(_B2.depigmentation)),
    after=Number(_AFTER),
    improvement=Percent(EXAMPLE_RESPONSE.percent_improvement_rounded),
)

RESULT_24 = fact(
    "evidence.result_24",
    _(
        "At week %(week)s, %(v1)s (TRuE-V1) and %(v2)s (TRuE-V2) of the patients on the cream "
        "had F-VASI75, against %(veh1)s and %(veh2)s of those on the vehicle."
    ),
    ["rosmarin-nejm-2022", "physiciansweekly-nejm-2022"],
    week=Number(BLINDED_WEEKS),
    v1=share(TRUE_V1, "F-VASI75", 24, RUXOLITINIB_BID),
    v2=share(TRUE_V2, "F-VASI75", 24, RUXOLITINIB_BID),
    veh1=share(TRUE_V1, "F-VASI75", 24, VEHICLE),
    veh2=share(TRUE_V2, "F-VASI75", 24, VEHICLE),
)
RESULT_52 = fact(
    "evidence.result_52",
    _(
        "At week %(week)s, about half of the patients who had used the cream from the start "
        "had F-VASI75 (%(pooled)s, both trials together, rounded)."
    ),
    ["physiciansweekly-fda-approval-2022"],
    week=Number(EXTENSION_END_WEEK),
    pooled=share(TRUE_V_POOLED, "F-VASI75", 52, RUXOLITINIB_BID),
)

WITHDRAWAL_DESIGN = fact(
    "evidence.withdrawal_design",
    _(
        "In the long-term extension, %(n)s patients who had reached F-VASI90 at week %(week)s "
        "were allocated again at random: some kept applying the cream, the others switched to "
        "the vehicle."
    ),
    ["medicom-aad-2023-withdrawal", "physiciansweekly-withdrawal-2023"],
    n=Number(WITHDRAWAL_COHORT),
    week=Number(EXTENSION_END_WEEK),
)
WITHDRAWAL_KEPT = fact(
    "evidence.withdrawal_kept",
    _(
        "About a year later, %(kept)s of those who had stopped the active cream still had "
        "F-VASI75; %(relapsed)s had fallen back below it, half of them within the first "
        "%(months)s months."
    ),
    ["medicom-aad-2023-withdrawal"],
    kept=share(LTE_WITHDRAWAL, "F-VASI75 maintained", 104, WITHDRAWN_TO_VEHICLE),
    relapsed=share(LTE_WITHDRAWAL, "relapse below F-VASI75", 104, WITHDRAWN_TO_VEHICLE),
    months=Number(RELAPSE_HALF_WITHIN_MONTHS),
)
WITHDRAWAL_F90 = fact(
    "evidence.withdrawal_f90",
    _(
        "F-VASI90 lasted through that year for %(vehicle)s of those switched to the vehicle "
        "and for %(cream)s of those who kept applying the cream."
    ),
    ["medicom-aad-2023-withdrawal"],
    vehicle=share(LTE_WITHDRAWAL, "F-VASI90 sustained", 104, WITHDRAWN_TO_VEHICLE),
    cream=share(LTE_WITHDRAWAL, "F-VASI90 sustained", 104, CONTINUED_RUXOLITINIB),
)
RETREATMENT = fact(
    "evidence.retreatment",
    _(
        "Of those who relapsed and restarted the cream, %(f75)s regained F-VASI75 (after a "
        "median of about %(w75)s weeks) and %(f90)s regained F-VASI90 (about %(w90)s weeks)."
    ),
    ["medicom-aad-2023-withdrawal"],
    f75=share(LTE_WITHDRAWAL, "F-VASI75 regained on retreatment", 104, WITHDRAWN_TO_VEHICLE),
    w75=Number(REGAIN_F75_MEDIAN_WEEKS),
    f90=share(LTE_WITHDRAWAL, "F-VASI90 regained on retreatment", 104, WITHDRAWN_TO_VEHICLE),
    w90=Number(REGAIN_F90_MEDIAN_WEEKS),
)

WHO_TOOK_PART = fact(
    "evidence.who_took_part",
    _("Of the %(total)s participants, %(black)s were Black, %(white)s White and %(asian)s Asian."),
    ["oddb-ch-effects"],
    total=Number(TRUE_V1_PATIENTS + TRUE_V2_PATIENTS),
    black=Percent(BLACK_PERCENT),
    white=Percent(WHITE_PERCENT),
    asian=Percent(ASIAN_PERCENT),
)
PHOTOTYPES = fact(
    "evidence.phototypes",
    _(
        "%(share)s had skin of Fitzpatrick types III to VI. The Fitzpatrick scale runs from "
        "type I, white skin that always burns and never tans, to type VI, black skin that "
        "never burns."
    ),
    ["oddb-ch-effects", "ncbi-fitzpatrick"],
    share=Percent(FITZPATRICK_III_VI_PERCENT),
)
AGES = fact(
    "evidence.ages",
    _(
        "%(young)s of the participants were aged %(lo)s to %(hi)s, and %(old)s were "
        "%(older)s or older."
    ),
    ["oddb-ch-effects"],
    young=Percent(AGED_12_17_PERCENT),
    lo=Number(ADOLESCENT_AGES[0]),
    hi=Number(ADOLESCENT_AGES[1]),
    old=Percent(AGED_65_PLUS_PERCENT),
    older=Number(OLDER_AGE),
)
SITES = fact(
    "evidence.sites",
    _("The trial sites were in Europe and North America."),
    ["mdedge-eadv-2021", "adc-bmj-2022"],
)
FEW_BLACK = fact(
    "evidence.few_black",
    _(
        "With so few Black participants, the trials cannot show whether the results are the "
        "same for people with the darkest skin."
    ),
    ["oddb-ch-effects"],
)
PHASE_2_POPULATION = fact(
    "evidence.phase_2_population",
    _(
        "In the earlier phase %(phase)s trial (%(n)s adults), %(light)s had skin types I to "
        "III and only %(dark)s types V or VI."
    ),
    ["ablesci-phase2-letter", "nhs-phase2-2020"],
    phase=Number(PHASE_2_NUMBER),
    n=Number(PHASE_2_PATIENTS),
    light=Percent(PHASE_2_FITZPATRICK_I_III_PERCENT),
    dark=Percent(PHASE_2_FITZPATRICK_V_VI_PERCENT),
)

# The result tables: a caption (itself a sourced fact) and the stored rows, in page order.
_RESULT_REFS = ("physiciansweekly-nejm-2022", "mdedge-eadv-2021")
TABLES = (
    (
        fact(
            "evidence.table_24",
            _("Week %(week)s: the two phase %(phase)s trials"),
            _RESULT_REFS,
            week=Number(BLINDED_WEEKS),
            phase=Number(PHASE_3),
        ),
        tuple(
            r
            for endpoint in ("F-VASI50", "F-VASI75", "F-VASI90")
            for r in TRIAL_RESULTS
            if r.week == BLINDED_WEEKS and r.trial in (TRUE_V1, TRUE_V2) and r.endpoint == endpoint
        ),
    ),
    (
        fact(
            "evidence.table_52",
            _("Week %(week)s"),
            ("physiciansweekly-fda-approval-2022", "seekingalpha-phase2-week52-2019"),
            week=Number(EXTENSION_END_WEEK),
        ),
        tuple(
            r
            for r in TRIAL_RESULTS
            if r.week == EXTENSION_END_WEEK and r.trial in (TRUE_V_POOLED, PHASE_2)
        ),
    ),
    (
        fact(
            "evidence.table_phase_2",
            _("Week %(week)s: the earlier phase %(phase)s trial, in adults"),
            ("nhs-phase2-2020",),
            week=Number(BLINDED_WEEKS),
            phase=Number(PHASE_2_NUMBER),
        ),
        tuple(r for r in TRIAL_RESULTS if r.week == BLINDED_WEEKS and r.trial == PHASE_2),
    ),
    (
        fact(
            "evidence.table_withdrawal",
            _("After stopping: the randomised withdrawal in the long-term extension"),
            ("medicom-aad-2023-withdrawal",),
        ),
        tuple(r for r in TRIAL_RESULTS if r.trial == LTE_WITHDRAWAL),
    ),
)

SECTIONS_BEFORE_RESULTS = (
    Section("trials", _("The trials"), (DESIGN, EXTENSION, SIZE, INCLUSION)),
    Section(
        "measures",
        _("What was measured"),
        (FVASI, TVASI, LADDER, RESPONSE, PRIMARY, VNS, WORKED_EXAMPLE),
    ),
    Section("results", _("What the trials found"), (RESULT_24, RESULT_52)),
)
SECTIONS_AFTER_RESULTS = (
    Section(
        "long-term",
        _("After a good response: stopping and restarting"),
        (WITHDRAWAL_DESIGN, WITHDRAWAL_KEPT, WITHDRAWAL_F90, RETREATMENT),
    ),
    Section(
        "limits",
        _("The limits of the evidence"),
        (WHO_TOOK_PART, PHOTOTYPES, AGES, SITES, FEW_BLACK, PHASE_2_POPULATION),
    ),
)
