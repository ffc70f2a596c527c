"""Where an adverse-event report goes: the regulator's reporting route, each line sourced.

Only South Africa's route is researched (ACCESS.md §1.2 and §5); for a clinic elsewhere the
report names no route rather than guessing one. Whether SAHPRA accepts E2B(R3) files from
clinics is not confirmed, so the report is a document laid out with E2B's content, to be
passed on through the routes below.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from repigment.clinical.references import Reference, get_reference

SAHPRA_ADR_EMAIL = "adr@sahpra.org.za"
SAHPRA_ADR_PHONE = "012 501 0311"
SAHPRA_MED_SAFETY_URL = "https://medsafety.sahpra.org.za/"


@dataclass(frozen=True)
class RouteLine:
    text: Promise
    reference_ids: tuple[str, ...]

    @property
    def references(self) -> list[Reference]:
        return [get_reference(ref_id) for ref_id in self.reference_ids]


@dataclass(frozen=True)
class ReportingRoute:
    country: str
    authority: str
    lines: tuple[RouteLine, ...]


SAHPRA = ReportingRoute(
    "ZA",
    "South African Health Products Regulatory Authority (SAHPRA)",
    (
        RouteLine(
            _(
                "The practitioner who supervises treatment with a medicine authorised under "
                "Section 21 must send SAHPRA any adverse event report (General Regulation 29)."
            ),
            ("acts-regulation-29",),
        ),
        RouteLine(
            _(
                "Report through SAHPRA's Med Safety app (Android and iOS; choose South Africa "
                "as the country)."
            ),
            ("sahpra-medsafety",),
        ),
        RouteLine(
            _("Help with reporting: %(email)s, telephone %(phone)s, %(url)s."),
            ("sahpra-medsafety",),
        ),
    ),
)

ROUTES = {SAHPRA.country: SAHPRA}
PLACEHOLDERS = {
    "url": SAHPRA_MED_SAFETY_URL,
    "email": SAHPRA_ADR_EMAIL,
    "phone": SAHPRA_ADR_PHONE,
}


def route_for(country: str) -> ReportingRoute | None:
    """The researched reporting route of the clinic's country, if there is one."""
    return ROUTES.get(country.upper())


def line_text(line: RouteLine) -> str:
    return str(line.text) % PLACEHOLDERS
