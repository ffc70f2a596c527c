"""What each language of the site covers, and whether a clinician has reviewed its clinical text.

English is the language the text is written in. French, Portuguese and Arabic cover every page
and document. isiZulu and Afrikaans, added for South African patients, cover the public pages and
the patient portal; staff pages, the consent form and patients' messages stay in English for them
until their catalogues cover those too (``covers``).

A review is recorded here, in the code, by the clinician's name and the day: the footer of every
page says whether the language's clinical text has been reviewed. Until a review is recorded the
status is "not yet reviewed" — machine-assisted translation is never presented as checked.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Scope(StrEnum):
    PUBLIC = "public"  # information pages and the access navigator
    PORTAL = "portal"  # the patient's own pages
    STAFF = "staff"  # clinic, pharmacy and administration pages
    DOCUMENTS = "documents"  # the consent form and other printed documents
    MESSAGES = "messages"  # reminders and notices sent to patients


EVERYTHING = frozenset(Scope)
PATIENT_FACING = frozenset({Scope.PUBLIC, Scope.PORTAL})


@dataclass(frozen=True)
class Review:
    """A clinician's review of one language's clinical text."""

    reviewer: str
    on: datetime.date


@dataclass(frozen=True)
class LanguageStatus:
    code: str
    scopes: frozenset[Scope]
    review: Review | None = None
    original: bool = False  # the language the text is written in


STATUSES: dict[str, LanguageStatus] = {
    status.code: status
    for status in (
        LanguageStatus("en", EVERYTHING, original=True),
        LanguageStatus("fr", EVERYTHING),
        LanguageStatus("pt", EVERYTHING),
        LanguageStatus("ar", EVERYTHING),
        LanguageStatus("af", PATIENT_FACING),
        LanguageStatus("zu", PATIENT_FACING),
    )
}


def status_of(code: str) -> LanguageStatus | None:
    return STATUSES.get(code)


def covers(code: str, scope: Scope) -> bool:
    """Whether the site's text in language ``code`` covers ``scope`` (unknown codes: no)."""
    status = STATUSES.get(code)
    return status is not None and scope in status.scopes


def review_note(code: str) -> str:
    """One sentence for the footer: the review status of the language's clinical text."""
    status = STATUSES.get(code)
    if status is None:
        return ""
    if status.review is not None:
        return str(
            _("Clinical text in this language reviewed by %(name)s on %(day)s.")
            % {"name": status.review.reviewer, "day": status.review.on.isoformat()}
        )
    if status.original:
        return str(
            _(
                "The clinical text is written in English from the cited sources; "
                "a clinician has not yet reviewed it."
            )
        )
    return str(_("The clinical text in this language has not yet been reviewed by a clinician."))


def scope_note(code: str) -> str:
    """For a language that covers only some pages: which, so a reader knows why others are not."""
    status = STATUSES.get(code)
    if status is None or status.scopes == EVERYTHING:
        return ""
    return str(
        _(
            "In this language: the public pages and the patient's own pages. "
            "Other pages are shown in English."
        )
    )
