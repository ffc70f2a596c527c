"""The adverse-event terms offered first: the US label's common reactions and the categories
of its boxed warning, each with the reference it rests on; anything else is free text.

Application-site reactions are the expected ones; the boxed-warning categories are the
JAK-class concerns that pages flag for the prescriber's attention.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from repigment.clinical.references import Reference, get_reference


class TermGroup(StrEnum):
    LABELLED = "labelled"  # US label, section 6: adverse reactions in at least 1 %
    BOXED = "boxed"  # US boxed warning (JAK-class concerns)
    OTHER = "other"


#: The US prescribing information, section 6 (CLINICAL.md §3.1).
LABELLED_REFERENCES = ("medthority-us-label",)
#: The US boxed warning (CLINICAL.md §3.2).
BOXED_REFERENCES = ("prescriberpoint-us-label", "openfda-ruxolitinib-label")


@dataclass(frozen=True)
class Term:
    code: str
    label: Promise  # the clinical term, for staff and reports
    plain: Promise | None  # the same in everyday words for the portal (None: not offered there)
    group: TermGroup
    reference_ids: tuple[str, ...]

    @property
    def references(self) -> list[Reference]:
        return [get_reference(ref_id) for ref_id in self.reference_ids]


def _labelled(code: str, label: Promise, plain: Promise) -> Term:
    return Term(code, label, plain, TermGroup.LABELLED, LABELLED_REFERENCES)


def _boxed(code: str, label: Promise) -> Term:
    # A patient reports these as "something else"; naming them is the prescriber's judgement.
    return Term(code, label, None, TermGroup.BOXED, BOXED_REFERENCES)


OTHER = "other"

TERMS: tuple[Term, ...] = (
    _labelled(
        "application_site_acne",
        _("Application-site acne"),
        _("Spots or acne where I put the cream"),
    ),
    _labelled(
        "application_site_pruritus",
        _("Application-site pruritus"),
        _("Itching or an itchy rash where I put the cream"),
    ),
    _labelled(
        "application_site_erythema",
        _("Application-site erythema"),
        _("Redness where I put the cream"),
    ),
    _labelled("nasopharyngitis", _("Nasopharyngitis"), _("A cold: sore throat or runny nose")),
    _labelled("headache", _("Headache"), _("Headache")),
    _labelled(
        "urinary_tract_infection",
        _("Urinary tract infection"),
        _("Burning or pain when passing urine"),
    ),
    _labelled("pyrexia", _("Pyrexia"), _("Fever")),
    _boxed("serious_infection", _("Serious infection")),
    _boxed("malignancy", _("Malignancy")),
    _boxed("mace", _("Major adverse cardiovascular event")),
    _boxed("thrombosis", _("Thrombosis")),
    Term(OTHER, _("Other (describe)"), _("Something else (describe it)"), TermGroup.OTHER, ()),
)

BY_CODE = {term.code: term for term in TERMS}
TERM_CHOICES = [(term.code, term.label) for term in TERMS]
PATIENT_TERM_CHOICES = [(term.code, term.plain) for term in TERMS if term.plain is not None]


def term(code: str) -> Term:
    return BY_CODE[code]
