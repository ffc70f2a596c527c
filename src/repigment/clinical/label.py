"""Is a planned treatment within the label? US prescribing information (FDA) and EU SmPC (EMA).

Each rule gives a finding: ``ok`` (within the label), ``caution`` (within the label but the
prescriber must document their attention) or ``outside_label`` (the label advises against it
or does not cover it; the app asks for a recorded justification). The overall level is the
worst finding. Every finding names the reference it rests on.

Quantity limits, as this module reads them:

* FDA: "no more than one 60 g tube per week or one 100 g tube per 2 weeks". The weekly amount
  may reach 60 g when the cream is dispensed in 60 g tubes, but only 50 g (100 g / 2 weeks)
  when it is dispensed in 100 g tubes. With the tube size unknown, more than 50 g and up to
  60 g a week is a ``caution`` (within the label only as 60 g tubes).
* EMA: "no more than two 100 g tubes per month", i.e. 200 g per month whatever the tube size.
  A month is read as any calendar month, so a weekly amount is within the limit only if the
  longest month (31 days) stays within 200 g: grams per week x 31 <= 200 x 7 (about 45.2 g).

The retrieved US label text states the FDA limit under the atopic-dermatitis dosing section
(2.1); CLINICAL.md notes that the vitiligo section repeating it is not yet confirmed. The same
holds for "do not use with occlusive dressings", which this check applies to vitiligo too.

Co-medications are recognised by generic or brand name through the vocabulary in
:mod:`repigment.clinical.medicines`; a name it does not know is a caution, "not assessed".
Under the EU label a topical skin medicine is asked where it goes: on the skin treated with the
cream it is a caution (not studied, not recommended), and the advice to put other products on
at least 2 hours after the cream is always shown. The EU contraindications (hypersensitivity,
with the excipient list) and cautions (end-stage renal disease, contraception for 4 weeks after)
are findings of their own. Under the US label a missing tuberculosis screening is a caution
when the caller says whether one is recorded (``tb_screening_recorded``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import partial
from typing import Any

from repigment.clinical._values import decimal_places, to_bool, to_decimal, to_int
from repigment.clinical.errors import ClinicalInputError
from repigment.clinical.medicines import (
    Medicine,
    MedicineClass,
    normalise_medicine_name,
    vocabulary,
)
from repigment.clinical.text import gettext_noop


class Level(StrEnum):
    """A finding's level, ordered by severity: ok < caution < outside_label."""

    OK = "ok"
    CAUTION = "caution"
    OUTSIDE_LABEL = "outside_label"

    @property
    def severity(self) -> int:
        return _SEVERITY[self.value]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Level):
            return NotImplemented
        return self.severity < other.severity

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Level):
            return NotImplemented
        return self.severity <= other.severity

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Level):
            return NotImplemented
        return self.severity > other.severity

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Level):
            return NotImplemented
        return self.severity >= other.severity


_SEVERITY = {"ok": 0, "caution": 1, "outside_label": 2}

JURISDICTIONS = ("FDA", "EMA")
VITILIGO_TYPES = ("non-segmental", "segmental", "mixed", "unclassified")
MINIMUM_AGE_YEARS = 12
MAX_TREATED_BSA_PERCENT = Decimal(10)
FDA_MAX_GRAMS_PER_WEEK_60G_TUBES = Decimal(60)  # one 60 g tube per week
FDA_MAX_GRAMS_PER_WEEK_100G_TUBES = Decimal(50)  # one 100 g tube per 2 weeks
EMA_MAX_GRAMS_PER_MONTH = Decimal(200)  # two 100 g tubes per month
EMA_LONGEST_MONTH_DAYS = 31
TUBE_SIZES_GRAMS = (60, 100)

# EU SmPC section 6.1 (the list the hypersensitivity contraindication points to).
EXCIPIENTS = (
    "butylated hydroxytoluene (E321)",
    "cetyl alcohol",
    "dimeticone",
    "disodium edetate",
    "glycerol monostearate (self-emulsifying)",
    "macrogol",
    "medium-chain triglycerides",
    "methyl parahydroxybenzoate (E218)",
    "light liquid paraffin",
    "white soft paraffin",
    "phenoxyethanol",
    "polysorbate 20",
    "propylene glycol (E1520)",
    "propyl parahydroxybenzoate",
    "purified water",
    "stearyl alcohol",
    "xanthan gum",
)
HOURS_BEFORE_OTHER_TOPICALS = 2  # other topical products go on at least this long after
CONTRACEPTION_WEEKS_AFTER = 4  # effective contraception during treatment and this long after
#: Where a topical co-medication is applied: on the skin treated with the cream, or elsewhere.
CO_MEDICATION_SITES = ("same_skin", "other_skin")

SOURCES: Mapping[str, tuple[str, ...]] = {
    "JURISDICTIONS": ("prescriberpoint-us-label", "rxreasoner-eu-smpc"),
    "VITILIGO_TYPES": ("opzelurahcp-vitiligo-facts", "rxreasoner-eu-smpc"),
    "MINIMUM_AGE_YEARS": ("opzelurahcp-vitiligo-facts", "rxreasoner-eu-smpc"),
    "MAX_TREATED_BSA_PERCENT": ("physiciansweekly-fda-approval-2022", "rxreasoner-eu-smpc"),
    "FDA_MAX_GRAMS_PER_WEEK_60G_TUBES": ("prescriberpoint-us-label", "singlecare-opzelura-dosage"),
    "FDA_MAX_GRAMS_PER_WEEK_100G_TUBES": (
        "prescriberpoint-us-label",
        "singlecare-opzelura-dosage",
    ),
    "EMA_MAX_GRAMS_PER_MONTH": ("rxreasoner-eu-smpc",),
    "EMA_LONGEST_MONTH_DAYS": ("rxreasoner-eu-smpc",),
    "TUBE_SIZES_GRAMS": ("fda-ndc-50881-007",),
    "EXCIPIENTS": ("rote-liste-opzelura",),
    "HOURS_BEFORE_OTHER_TOPICALS": ("rxreasoner-eu-indication", "emc-uk-pil"),
    "CONTRACEPTION_WEEKS_AFTER": ("oddb-ch-pregnancy", "emc-uk-pil"),
    "CO_MEDICATION_SITES": ("rxreasoner-eu-indication",),
}


@dataclass(frozen=True)
class Rule:
    id: str
    jurisdiction: str
    summary: str
    reference: str


def _rules(*rules: Rule) -> Mapping[str, Rule]:
    return {rule.id: rule for rule in rules}


_FDA_LABEL = "prescriberpoint-us-label"
_FDA_FACTS = "opzelurahcp-vitiligo-facts"
_FDA_DOSING = "scholarsinmedicine-opzelura-pi"
_FDA_WARNINGS = "epocrates-opzelura"
_EU_SMPC = "rxreasoner-eu-smpc"
_EU_COAPPLICATION = "rxreasoner-eu-indication"
_EU_CONTRAINDICATIONS = "liekinfo-sk-opzelura-smpc"

RULES: Mapping[str, Rule] = _rules(
    Rule("fda.age", "FDA", "aged 12 years or older", _FDA_FACTS),
    Rule("fda.indication", "FDA", "non-segmental vitiligo only", _FDA_FACTS),
    Rule("fda.bsa", "FDA", "up to 10% body surface area", "physiciansweekly-fda-approval-2022"),
    Rule("fda.pregnancy", "FDA", "no human data; pregnancy registry", "drugs-com-pregnancy"),
    Rule("fda.breastfeeding", "FDA", "breastfeeding not recommended", "drugs-com-pregnancy"),
    Rule("fda.infection", "FDA", "avoid in active serious infection", _FDA_LABEL),
    Rule("fda.co_medication", "FDA", "limitation of use with other drugs", _FDA_FACTS),
    Rule("fda.quantity", "FDA", "60 g a week or 100 g per 2 weeks", _FDA_LABEL),
    Rule("fda.occlusion", "FDA", "not with occlusive dressings", _FDA_DOSING),
    Rule("fda.tb_screening", "FDA", "consider screening for tuberculosis first", _FDA_WARNINGS),
    Rule("ema.age", "EMA", "aged 12 years or older", _EU_SMPC),
    Rule("ema.indication", "EMA", "non-segmental vitiligo only", _EU_SMPC),
    Rule("ema.facial_involvement", "EMA", "vitiligo with facial involvement", _EU_SMPC),
    Rule("ema.bsa", "EMA", "up to 10% body surface area", _EU_SMPC),
    Rule("ema.pregnancy", "EMA", "contraindicated in pregnancy", "oddb-ch-pregnancy"),
    Rule("ema.breastfeeding", "EMA", "contraindicated when breastfeeding", "oddb-ch-pregnancy"),
    # No confirmed EU source covers these two; they rest on the US label and say so.
    Rule("ema.infection", "EMA", "EU wording not confirmed; US label advises avoiding", _FDA_LABEL),
    Rule("ema.co_medication", "EMA", "EU wording not confirmed; US limitation", _FDA_FACTS),
    Rule("ema.quantity", "EMA", "two 100 g tubes per month", _EU_SMPC),
    Rule(
        "ema.occlusion", "EMA", "EU wording not confirmed; US: no occlusive dressings", _FDA_DOSING
    ),
    Rule(
        "ema.other_topicals",
        "EMA",
        "other topical medicines not on the same skin",
        _EU_COAPPLICATION,
    ),
    Rule(
        "ema.two_hours", "EMA", "other products at least 2 hours after the cream", _EU_COAPPLICATION
    ),
    Rule("ema.hypersensitivity", "EMA", "contraindicated: hypersensitivity", _EU_CONTRAINDICATIONS),
    Rule("ema.renal", "EMA", "not in end-stage renal disease", _EU_SMPC),
    Rule("ema.contraception", "EMA", "contraception during and 4 weeks after", "oddb-ch-pregnancy"),
)


@dataclass(frozen=True)
class Finding:
    """``reason`` is the English text; ``message`` (marked for the catalogues, with
    ``%(name)s`` placeholders) and ``params`` let a page show it in the reader's language."""

    rule: str
    level: Level
    reason: str
    reference: str
    message: str = ""
    params: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LabelResult:
    jurisdiction: str
    overall: Level
    findings: list[Finding]


@dataclass(frozen=True)
class LabelInput:
    jurisdiction: str
    age_years: int
    vitiligo_type: str
    facial_involvement: bool
    treated_bsa_percent: Decimal
    pregnant: bool
    breastfeeding: bool
    active_serious_infection: bool
    co_medications: tuple[str, ...] = ()
    grams_per_week: Decimal | None = None
    tube_grams: int | None = None
    occlusive_dressing: bool = False
    hypersensitivity: bool = False
    end_stage_renal_disease: bool = False
    childbearing_potential: bool = False
    # Where each topical co-medication is applied (its name as given -> a CO_MEDICATION_SITES
    # value); a topical medicine not listed here has not been asked about yet.
    co_medication_sites: Mapping[str, str] = field(default_factory=dict)
    # None: not known to the caller (no finding); False: no screening recorded.
    tb_screening_recorded: bool | None = None

    def __post_init__(self) -> None:
        # Whole numbers are exact, so an int from a form or a notebook is taken as a Decimal.
        for name in ("treated_bsa_percent", "grams_per_week"):
            value = getattr(self, name)
            if isinstance(value, int) and not isinstance(value, bool):
                object.__setattr__(self, name, Decimal(value))
        _validate(self)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> LabelInput:
        """Build from JSON-like data; unknown or missing fields are errors, not guesses."""
        return _from_mapping(cls, data)


def check_label(data: LabelInput) -> LabelResult:
    """All findings for this jurisdiction, and the worst of them as the overall level."""
    checks = _FDA_CHECKS if data.jurisdiction == "FDA" else _EMA_CHECKS
    findings = [finding for check in checks for finding in check(data)]
    overall = max((finding.level for finding in findings), default=Level.OK)
    return LabelResult(data.jurisdiction, overall, findings)


def _finding(rule_id: str, level: Level, message: str, **params: str) -> Finding:
    """A finding whose reason is ``message % params`` (so a literal percent sign is ``%%``)."""
    reason = message % params
    return Finding(rule_id, level, reason, RULES[rule_id].reference, message, params)


# --- rules shared by both jurisdictions, parameterised by the rule-id prefix ----------------


def _age(prefix: str, data: LabelInput) -> Iterable[Finding]:
    if data.age_years < MINIMUM_AGE_YEARS:
        yield _finding(
            f"{prefix}.age",
            Level.OUTSIDE_LABEL,
            gettext_noop("Aged %(age)s: the label covers patients aged 12 years or older."),
            age=str(data.age_years),
        )
    else:
        yield _finding(
            f"{prefix}.age",
            Level.OK,
            gettext_noop("Aged %(age)s: 12 or older."),
            age=str(data.age_years),
        )


def _indication(prefix: str, data: LabelInput) -> Iterable[Finding]:
    rule = f"{prefix}.indication"
    kind = data.vitiligo_type
    if kind == "non-segmental":
        yield _finding(
            rule, Level.OK, gettext_noop("Non-segmental vitiligo is the labelled indication.")
        )
    elif kind == "unclassified":
        yield _finding(
            rule,
            Level.OUTSIDE_LABEL,
            gettext_noop(
                "Vitiligo type not yet classified: the label covers non-segmental vitiligo only; "
                "classify it or record why treatment goes ahead."
            ),
        )
    elif kind == "segmental":
        yield _finding(
            rule,
            Level.OUTSIDE_LABEL,
            gettext_noop("Segmental vitiligo: the label covers non-segmental vitiligo only."),
        )
    else:
        yield _finding(
            rule,
            Level.OUTSIDE_LABEL,
            gettext_noop("Mixed vitiligo: the label covers non-segmental vitiligo only."),
        )


def _bsa(prefix: str, data: LabelInput) -> Iterable[Finding]:
    area = _plain(data.treated_bsa_percent)
    if data.treated_bsa_percent > MAX_TREATED_BSA_PERCENT:
        yield _finding(
            f"{prefix}.bsa",
            Level.OUTSIDE_LABEL,
            gettext_noop(
                "Treated area %(area)s%% of body surface: the label allows at most 10%% "
                "(about 10 palms with fingers)."
            ),
            area=area,
        )
    else:
        yield _finding(
            f"{prefix}.bsa",
            Level.OK,
            gettext_noop("Treated area %(area)s%% of body surface: 10%% or less."),
            area=area,
        )


def _infection(prefix: str, data: LabelInput, *, present: Level) -> Iterable[Finding]:
    rule = f"{prefix}.infection"
    if not data.active_serious_infection:
        yield _finding(rule, Level.OK, gettext_noop("No active serious infection recorded."))
    elif prefix == "fda":
        yield _finding(
            rule,
            present,
            gettext_noop(
                "Active serious infection: the US boxed warning says to avoid the cream in active "
                "serious infection, including localised infection."
            ),
        )
    else:
        yield _finding(
            rule,
            present,
            gettext_noop(
                "Active serious infection: the EU wording is not in our confirmed sources; the US "
                "label says to avoid the cream in active serious infection. Document your "
                "assessment."
            ),
        )


def _co_medications(prefix: str, data: LabelInput, *, limited: Level) -> Iterable[Finding]:
    rule = f"{prefix}.co_medication"
    if not data.co_medications:
        yield _finding(rule, Level.OK, gettext_noop("No co-medications recorded."))
    for name in data.co_medications:
        yield _co_medication_finding(rule, name, limited, prefix)


def _co_medication_finding(rule: str, name: str, limited: Level, prefix: str) -> Finding:
    words = vocabulary()
    medicine = words.lookup(name)
    drug_class = words.class_of(name)
    if drug_class is not None and drug_class is not MedicineClass.OTHER_TOPICAL:
        message = (
            gettext_noop(
                "%(name)s (%(described)s): the US label does not recommend combining it with "
                "the cream."
            )
            if prefix == "fda"
            else gettext_noop(
                "%(name)s (%(described)s): the EU wording is not in our confirmed sources; the "
                "US label does not recommend combining it with the cream."
            )
        )
        described = _described(name, medicine, drug_class)
        return _finding(rule, limited, message, name=name, described=described)
    if medicine is not None:
        return _finding(
            rule,
            Level.OK,
            gettext_noop(
                "%(name)s (%(described)s): not a biologic, JAK inhibitor or potent "
                "immunosuppressant."
            ),
            name=name,
            described=_described(name, medicine, medicine.medicine_class),
        )
    ambiguity = words.ambiguous.get(normalise_medicine_name(name))
    if ambiguity is not None:
        return _finding(
            rule,
            Level.CAUTION,
            gettext_noop("%(name)s: %(question)s."),
            name=name,
            question=ambiguity,
        )
    return _finding(
        rule,
        Level.CAUTION,
        gettext_noop(
            "%(name)s: not assessed, this check does not know the medicine; check it against "
            "the label."
        ),
        name=name,
    )


def _described(name: str, medicine: Medicine | None, drug_class: MedicineClass) -> str:
    """ "upadacitinib, JAK inhibitor, ATC L04AF03" (the generic name only when not typed)."""
    parts = []
    if medicine is not None and normalise_medicine_name(name) != medicine.generic:
        parts.append(medicine.generic)
    parts.append(drug_class.label)
    if medicine is not None and medicine.atc:
        parts.append(f"ATC {medicine.atc}")
    return ", ".join(parts)


def _occlusion(prefix: str, data: LabelInput) -> Iterable[Finding]:
    rule = f"{prefix}.occlusion"
    if not data.occlusive_dressing:
        yield _finding(
            rule, Level.OK, gettext_noop("No occlusive dressing: the treated skin stays uncovered.")
        )
    elif prefix == "fda":
        yield _finding(
            rule,
            Level.OUTSIDE_LABEL,
            gettext_noop(
                "Occlusive dressing planned: the US label says not to use the cream under "
                "occlusive dressings."
            ),
        )
    else:
        yield _finding(
            rule,
            Level.CAUTION,
            gettext_noop(
                "Occlusive dressing planned: the EU wording is not in our confirmed sources; the "
                "US label says not to use the cream under occlusive dressings. Document your "
                "assessment."
            ),
        )


# --- FDA -----------------------------------------------------------------------------------


def _fda_pregnancy(data: LabelInput) -> Iterable[Finding]:
    if data.pregnant:
        yield _finding(
            "fda.pregnancy",
            Level.CAUTION,
            gettext_noop(
                "Pregnant: the US label has no human data on the risk; oral ruxolitinib harmed "
                "animal development at doses toxic to the mother. Discuss, document, and offer "
                "the pregnancy registry."
            ),
        )
    else:
        yield _finding("fda.pregnancy", Level.OK, gettext_noop("Not pregnant."))


def _fda_breastfeeding(data: LabelInput) -> Iterable[Finding]:
    if data.breastfeeding:
        yield _finding(
            "fda.breastfeeding",
            Level.OUTSIDE_LABEL,
            gettext_noop(
                "Breastfeeding: the US label does not recommend breastfeeding during treatment "
                "and for about 4 weeks after the last dose."
            ),
        )
    else:
        yield _finding("fda.breastfeeding", Level.OK, gettext_noop("Not breastfeeding."))


def _fda_tb_screening(data: LabelInput) -> Iterable[Finding]:
    if data.tb_screening_recorded is None:
        return
    if data.tb_screening_recorded:
        yield _finding(
            "fda.tb_screening", Level.OK, gettext_noop("Tuberculosis screening recorded.")
        )
    else:
        yield _finding(
            "fda.tb_screening",
            Level.CAUTION,
            gettext_noop(
                "No tuberculosis screening recorded: the US label's warning on serious "
                "infections asks prescribers to consider testing for latent and active "
                "tuberculosis before starting. Record the screening, or why it is not done."
            ),
        )


def _fda_quantity(data: LabelInput) -> Iterable[Finding]:
    grams = data.grams_per_week
    if grams is None:
        return
    level, message = _fda_quantity_message(grams, data.tube_grams)
    yield _finding("fda.quantity", level, message, amount=_plain(grams))


def fda_quantity_level(grams_per_week: Decimal, tube_grams: int | None) -> tuple[Level, str]:
    """The FDA level for a weekly amount, given the tube size when it is known."""
    level, message = _fda_quantity_message(grams_per_week, tube_grams)
    return level, message % {"amount": _plain(grams_per_week)}


def _fda_quantity_message(grams_per_week: Decimal, tube_grams: int | None) -> tuple[Level, str]:
    limit_60 = FDA_MAX_GRAMS_PER_WEEK_60G_TUBES
    limit_100 = FDA_MAX_GRAMS_PER_WEEK_100G_TUBES
    if tube_grams == 100 and grams_per_week > limit_100:
        return Level.OUTSIDE_LABEL, gettext_noop(
            "%(amount)s g a week: more than one 100 g tube per 2 weeks (50 g a week)."
        )
    if grams_per_week > limit_60:
        return Level.OUTSIDE_LABEL, gettext_noop(
            "%(amount)s g a week: more than one 60 g tube per week."
        )
    if tube_grams is None and grams_per_week > limit_100:
        return Level.CAUTION, gettext_noop(
            "%(amount)s g a week: within the label only as 60 g tubes (one a week); 100 g tubes "
            "allow one per 2 weeks (50 g a week)."
        )
    return Level.OK, gettext_noop(
        "%(amount)s g a week: within one 60 g tube per week or one 100 g tube per 2 weeks."
    )


# --- EMA -----------------------------------------------------------------------------------


def _ema_facial_involvement(data: LabelInput) -> Iterable[Finding]:
    if data.facial_involvement:
        yield _finding(
            "ema.facial_involvement", Level.OK, gettext_noop("Facial involvement recorded.")
        )
    else:
        yield _finding(
            "ema.facial_involvement",
            Level.OUTSIDE_LABEL,
            gettext_noop(
                "No facial involvement: the EU indication is non-segmental vitiligo with facial "
                "involvement."
            ),
        )


def _ema_pregnancy(data: LabelInput) -> Iterable[Finding]:
    if data.pregnant:
        yield _finding(
            "ema.pregnancy",
            Level.OUTSIDE_LABEL,
            gettext_noop("Pregnant: the cream is contraindicated in pregnancy."),
        )
    else:
        yield _finding(
            "ema.pregnancy",
            Level.OK,
            gettext_noop(
                "Not pregnant (women who could become pregnant need effective contraception "
                "during treatment and for 4 weeks after)."
            ),
        )


def _ema_breastfeeding(data: LabelInput) -> Iterable[Finding]:
    if data.breastfeeding:
        yield _finding(
            "ema.breastfeeding",
            Level.OUTSIDE_LABEL,
            gettext_noop("Breastfeeding: the cream is contraindicated while breastfeeding."),
        )
    else:
        yield _finding("ema.breastfeeding", Level.OK, gettext_noop("Not breastfeeding."))


def _ema_hypersensitivity(data: LabelInput) -> Iterable[Finding]:
    listed = ", ".join(EXCIPIENTS)
    if data.hypersensitivity:
        yield _finding(
            "ema.hypersensitivity",
            Level.OUTSIDE_LABEL,
            gettext_noop(
                "Hypersensitivity recorded: the cream is contraindicated in hypersensitivity to "
                "ruxolitinib or to any excipient (%(excipients)s)."
            ),
            excipients=listed,
        )
    else:
        yield _finding(
            "ema.hypersensitivity",
            Level.OK,
            gettext_noop(
                "No hypersensitivity to ruxolitinib or to the excipients (%(excipients)s)."
            ),
            excipients=listed,
        )


def _ema_renal(data: LabelInput) -> Iterable[Finding]:
    if data.end_stage_renal_disease:
        yield _finding(
            "ema.renal",
            Level.OUTSIDE_LABEL,
            gettext_noop(
                "End-stage renal disease: as a precaution the EU label says the cream should not "
                "be used (no safety data)."
            ),
        )
    else:
        yield _finding("ema.renal", Level.OK, gettext_noop("No end-stage renal disease recorded."))


def _ema_contraception(data: LabelInput) -> Iterable[Finding]:
    if data.childbearing_potential:
        yield _finding(
            "ema.contraception",
            Level.CAUTION,
            gettext_noop(
                "Could become pregnant: the EU label asks for effective contraception during "
                "treatment and for %(weeks)s weeks after the last application."
            ),
            weeks=str(CONTRACEPTION_WEEKS_AFTER),
        )


def _ema_other_topicals(data: LabelInput) -> Iterable[Finding]:
    sites = {normalise_medicine_name(k): v for k, v in data.co_medication_sites.items()}
    for name in data.co_medications:
        medicine = vocabulary().lookup(name)
        if medicine is None or not medicine.topical:
            continue
        site = sites.get(normalise_medicine_name(name))
        if site == "same_skin":
            message = gettext_noop(
                "%(name)s on the same skin as the cream: the EU label does not recommend it "
                "(using the cream with other topical vitiligo medicines was not studied)."
            )
            yield _finding("ema.other_topicals", Level.CAUTION, message, name=name)
        elif site == "other_skin":
            message = gettext_noop("%(name)s is applied elsewhere, not on the same skin.")
            yield _finding("ema.other_topicals", Level.OK, message, name=name)
        else:
            message = gettext_noop(
                "%(name)s: say where it is applied. The EU label does not recommend other "
                "topical medicines on the same skin as the cream."
            )
            yield _finding("ema.other_topicals", Level.CAUTION, message, name=name)
    yield _finding(
        "ema.two_hours",
        Level.OK,
        gettext_noop(
            "Other products on the same skin (medicines, sunscreen, emollients) go on at least "
            "%(hours)s hours after the cream."
        ),
        hours=str(HOURS_BEFORE_OTHER_TOPICALS),
    )


def _ema_quantity(data: LabelInput) -> Iterable[Finding]:
    grams = data.grams_per_week
    if grams is None:
        return
    amount = _plain(grams)
    if ema_weekly_amount_within_limit(grams):
        yield _finding(
            "ema.quantity",
            Level.OK,
            gettext_noop("%(amount)s g a week: within two 100 g tubes in any calendar month."),
            amount=amount,
        )
    else:
        yield _finding(
            "ema.quantity",
            Level.OUTSIDE_LABEL,
            gettext_noop(
                "%(amount)s g a week: a 31-day month would need more than two 100 g tubes (200 g)."
            ),
            amount=amount,
        )


def ema_weekly_amount_within_limit(grams_per_week: Decimal) -> bool:
    """True when even a 31-day month at this weekly rate stays within 200 g (exact)."""
    return grams_per_week * EMA_LONGEST_MONTH_DAYS <= EMA_MAX_GRAMS_PER_MONTH * 7


Check = Callable[[LabelInput], Iterable[Finding]]

_FDA_CHECKS: tuple[Check, ...] = (
    partial(_age, "fda"),
    partial(_indication, "fda"),
    partial(_bsa, "fda"),
    _fda_pregnancy,
    _fda_breastfeeding,
    partial(_infection, "fda", present=Level.OUTSIDE_LABEL),
    partial(_co_medications, "fda", limited=Level.OUTSIDE_LABEL),
    _fda_tb_screening,
    partial(_occlusion, "fda"),
    _fda_quantity,
)
_EMA_CHECKS: tuple[Check, ...] = (
    partial(_age, "ema"),
    partial(_indication, "ema"),
    _ema_facial_involvement,
    partial(_bsa, "ema"),
    _ema_pregnancy,
    _ema_breastfeeding,
    partial(_infection, "ema", present=Level.CAUTION),
    partial(_co_medications, "ema", limited=Level.CAUTION),
    _ema_other_topicals,
    partial(_occlusion, "ema"),
    _ema_hypersensitivity,
    _ema_renal,
    _ema_contraception,
    _ema_quantity,
)


# --- input ---------------------------------------------------------------------------------


def _validate(data: LabelInput) -> None:
    if data.jurisdiction not in JURISDICTIONS:
        raise ClinicalInputError("jurisdiction", "must be FDA or EMA")
    if isinstance(data.age_years, bool) or not isinstance(data.age_years, int):
        raise ClinicalInputError("age_years", "must be a whole number of years")
    if not 0 <= data.age_years <= 130:
        raise ClinicalInputError("age_years", "must be between 0 and 130")
    if data.vitiligo_type not in VITILIGO_TYPES:
        raise ClinicalInputError("vitiligo_type", f"must be one of {', '.join(VITILIGO_TYPES)}")
    for name in _FLAGS:
        to_bool(getattr(data, name), name)
    if data.tb_screening_recorded is not None:
        to_bool(data.tb_screening_recorded, "tb_screening_recorded")
    _validate_sites(data)
    _validate_amounts(data)
    if not isinstance(data.co_medications, tuple) or not all(
        isinstance(name, str) and name.strip() for name in data.co_medications
    ):
        raise ClinicalInputError("co_medications", "must be a list of medicine names")


_FLAGS = (
    "facial_involvement",
    "pregnant",
    "breastfeeding",
    "active_serious_infection",
    "occlusive_dressing",
    "hypersensitivity",
    "end_stage_renal_disease",
    "childbearing_potential",
)


def _validate_sites(data: LabelInput) -> None:
    sites = data.co_medication_sites
    if not isinstance(sites, Mapping):
        raise ClinicalInputError("co_medication_sites", "must map medicine names to a site")
    for name, site in sites.items():
        if not isinstance(name, str) or site not in CO_MEDICATION_SITES:
            raise ClinicalInputError(
                "co_medication_sites", f"each site must be one of {', '.join(CO_MEDICATION_SITES)}"
            )


def _validate_amounts(data: LabelInput) -> None:
    bsa = data.treated_bsa_percent
    if not isinstance(bsa, Decimal) or not bsa.is_finite():
        raise ClinicalInputError("treated_bsa_percent", "must be a number")
    if not 0 < bsa <= 100:
        raise ClinicalInputError("treated_bsa_percent", "must be more than 0 and at most 100")
    if decimal_places(bsa) > 2:
        raise ClinicalInputError("treated_bsa_percent", "must have at most two decimal places")
    grams = data.grams_per_week
    if grams is not None and (not isinstance(grams, Decimal) or not grams.is_finite() or grams < 0):
        raise ClinicalInputError("grams_per_week", "must be a number of grams, 0 or more")
    if grams is not None and (grams > 10_000 or decimal_places(grams) > 3):
        raise ClinicalInputError("grams_per_week", "must be at most 10000 g, to 3 decimal places")
    if data.tube_grams is not None and data.tube_grams not in TUBE_SIZES_GRAMS:
        raise ClinicalInputError("tube_grams", "must be 60 or 100")


_REQUIRED = (
    "jurisdiction",
    "age_years",
    "vitiligo_type",
    "facial_involvement",
    "treated_bsa_percent",
    "pregnant",
    "breastfeeding",
    "active_serious_infection",
    "co_medications",
)
_OPTIONAL_FLAGS = (
    "occlusive_dressing",
    "hypersensitivity",
    "end_stage_renal_disease",
    "childbearing_potential",
)
_OPTIONAL = (
    "grams_per_week",
    "tube_grams",
    *_OPTIONAL_FLAGS,
    "co_medication_sites",
    "tb_screening_recorded",
)


def _from_mapping(cls: type[LabelInput], data: Mapping[str, Any]) -> LabelInput:
    if not isinstance(data, Mapping):
        raise ClinicalInputError("input", "must be a JSON object")
    for key in data:
        if key not in _REQUIRED and key not in _OPTIONAL:
            raise ClinicalInputError(str(key), "is not a field this check knows")
    for key in _REQUIRED:
        if key not in data:
            raise ClinicalInputError(key, "is required")
    medications = data["co_medications"]
    if not isinstance(medications, list | tuple):
        raise ClinicalInputError("co_medications", "must be a list of medicine names")
    grams = data.get("grams_per_week")
    tube = data.get("tube_grams")
    tb = data.get("tb_screening_recorded")
    return cls(
        jurisdiction=_text(data["jurisdiction"], "jurisdiction"),
        age_years=to_int(data["age_years"], "age_years"),
        vitiligo_type=_text(data["vitiligo_type"], "vitiligo_type"),
        facial_involvement=to_bool(data["facial_involvement"], "facial_involvement"),
        treated_bsa_percent=to_decimal(data["treated_bsa_percent"], "treated_bsa_percent"),
        pregnant=to_bool(data["pregnant"], "pregnant"),
        breastfeeding=to_bool(data["breastfeeding"], "breastfeeding"),
        active_serious_infection=to_bool(
            data["active_serious_infection"], "active_serious_infection"
        ),
        co_medications=tuple(medications),
        grams_per_week=None if grams is None else to_decimal(grams, "grams_per_week"),
        tube_grams=None if tube is None else to_int(tube, "tube_grams"),
        **{name: to_bool(data.get(name, False), name) for name in _OPTIONAL_FLAGS},
        co_medication_sites=_sites(data.get("co_medication_sites", {})),
        tb_screening_recorded=None if tb is None else to_bool(tb, "tb_screening_recorded"),
    )


def _sites(value: object) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise ClinicalInputError("co_medication_sites", "must map medicine names to a site")
    return {str(name): _text(site, "co_medication_sites") for name, site in value.items()}


def _text(value: object, field: str) -> str:
    if not isinstance(value, str):
        raise ClinicalInputError(field, "must be text")
    return value


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")
