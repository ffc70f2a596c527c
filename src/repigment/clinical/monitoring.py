"""The monitoring the labels ask for: tuberculosis screening, skin examinations, class warnings.

* Tuberculosis: the US label's warning on serious infections asks prescribers to consider
  testing for latent and active tuberculosis before starting, and to watch for infection during
  and after treatment. A screening is due at the start of a course when none is recorded, and
  again on the day the clinician set for the next one, if any.
* Skin examinations: non-melanoma skin cancers were reported with the cream, mostly in patients
  with risk factors such as earlier phototherapy or skin cancer; the EU label recommends periodic
  skin examination. The labels give no interval, so the clinician sets the next examination's
  day each time; the first is due at the start of the course.
* Class warnings: the US boxed warning names serious infections, mortality, malignancy, major
  adverse cardiovascular events and thrombosis, and the medication guide adds blood counts and
  cholesterol. The checklist at the first prescription shows each with its source and records
  the patient's risk factors; age 50 or older with a cardiovascular risk factor, and smoking,
  are the ones the warning names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from repigment.clinical.text import gettext_noop

AGE_WITH_CARDIOVASCULAR_RISK = 50  # the warning's population: 50 or older with a CV risk factor

SOURCES: Mapping[str, tuple[str, ...]] = {
    "AGE_WITH_CARDIOVASCULAR_RISK": ("epocrates-opzelura", "prescriberpoint-us-label"),
    "CLASS_WARNINGS": ("epocrates-opzelura", "prescriberpoint-us-label", "drugslib-opzelura-guide"),
    "RISK_FACTORS": ("epocrates-opzelura", "liekinfo-sk-opzelura-smpc"),
    "SKIN_CANCER_RISK_FACTORS": ("liekinfo-sk-opzelura-smpc",),
}


@dataclass(frozen=True)
class Warning:
    code: str
    title: str
    text: str
    reference: str


CLASS_WARNINGS: tuple[Warning, ...] = (
    Warning(
        "serious_infections",
        gettext_noop("Serious infections"),
        gettext_noop(
            "Serious infections, including tuberculosis and opportunistic infections, were "
            "seen with JAK inhibitors taken by mouth; avoid the cream in an active serious "
            "infection and watch for infection during and after treatment."
        ),
        "epocrates-opzelura",
    ),
    Warning(
        "mortality",
        gettext_noop("Mortality"),
        gettext_noop(
            "More deaths, including sudden cardiovascular death, were seen with an oral JAK "
            "inhibitor in people aged 50 or older with a cardiovascular risk factor."
        ),
        "epocrates-opzelura",
    ),
    Warning(
        "malignancy",
        gettext_noop("Malignancy"),
        gettext_noop(
            "Lymphoma and other cancers were seen with JAK inhibitors, and non-melanoma skin "
            "cancer with the cream; current or past smokers are at higher risk."
        ),
        "epocrates-opzelura",
    ),
    Warning(
        "mace",
        gettext_noop("Major cardiovascular events"),
        gettext_noop(
            "More cardiovascular deaths, heart attacks and strokes were seen with an oral JAK"
            " inhibitor in people aged 50 or older with a cardiovascular risk factor."
        ),
        "epocrates-opzelura",
    ),
    Warning(
        "thrombosis",
        gettext_noop("Thrombosis"),
        gettext_noop(
            "Deep vein thrombosis, pulmonary embolism and arterial thrombosis, some fatal, "
            "were seen with JAK inhibitors."
        ),
        "prescriberpoint-us-label",
    ),
    Warning(
        "blood_counts_lipids",
        gettext_noop("Blood counts and lipids"),
        gettext_noop(
            "Low platelet, red and white cell counts can occur and may be checked by blood "
            "tests; cholesterol rose with ruxolitinib taken by mouth."
        ),
        "drugslib-opzelura-guide",
    ),
)

#: Risk factors recorded at the checklist (codes; the app gives them their words).
RISK_FACTORS = (
    "cardiovascular",
    "smoker",
    "malignancy",
    "prior_skin_cancer",
    "prior_phototherapy",
    "thrombosis",
    "chronic_infection",
)
SKIN_CANCER_RISK_FACTORS = frozenset({"prior_skin_cancer", "prior_phototherapy"})


def warnings_that_apply(age_years: int, risk_factors: Iterable[str]) -> tuple[str, ...]:
    """The codes of the class warnings whose named risk the patient has."""
    factors = set(risk_factors)
    unknown = factors - set(RISK_FACTORS)
    if unknown:
        raise ValueError(f"unknown risk factors: {', '.join(sorted(unknown))}")
    apply: list[str] = []
    if age_years >= AGE_WITH_CARDIOVASCULAR_RISK and "cardiovascular" in factors:
        apply += ["mortality", "mace", "thrombosis"]
    if factors & {"smoker", "malignancy", "prior_skin_cancer", "prior_phototherapy"}:
        apply.append("malignancy")
    if "thrombosis" in factors and "thrombosis" not in apply:
        apply.append("thrombosis")
    if "chronic_infection" in factors:
        apply.append("serious_infections")
    order = [warning.code for warning in CLASS_WARNINGS]
    return tuple(sorted(set(apply), key=order.index))


def tb_screening_due(
    course_start: date | None, last_screened_on: date | None, next_due: date | None
) -> date | None:
    """When a TB screening falls due: at the start without one, else on the day set, if any."""
    if last_screened_on is None:
        return course_start
    return next_due


def skin_examination_due(course_start: date | None, next_due: date | None) -> date | None:
    """The first examination at the start of the course, then on the day set at the last."""
    return next_due if next_due is not None else course_start
