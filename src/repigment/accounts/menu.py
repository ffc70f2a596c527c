"""The site menu, built once from the person's roles (``menu`` in every page's context).

Every page a person sees carries the same menu, whatever app drew the page: the base layout
renders this list and no template adds links of its own. Links to higher apps are made by URL
name (``reverse``), so this module imports none of them. A clinic's page (authorisations,
adverse events, members) links to the clinic chosen in the switcher, or else to each of the
person's clinics holding that role.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from repigment.accounts.models import Clinic, Membership, Role, User


@dataclass(frozen=True)
class Link:
    label: str
    url: str


#: Links by role, in menu order: (label, URL name, takes a clinic id).
ROLE_LINKS: dict[str, tuple[tuple[Promise, str, bool], ...]] = {
    Role.PRESCRIBER: (
        (_("Patients"), "patients:list", False),
        (_("Adverse events"), "safety:clinic_events", True),
        (_("Authorisations"), "authorisations:pipeline", True),
        (_("Registry outcomes"), "registry:outcomes", False),
    ),
    Role.CLINIC_ADMIN: (
        (_("Patients"), "patients:list", False),
        (_("Authorisations"), "authorisations:pipeline", True),
        (_("Staff"), "accounts:clinic_members", True),
        (_("Prices"), "treatment:prices", True),
    ),
    Role.PHARMACIST: (
        (_("Dispensing"), "supply:dispensing_list", False),
        (_("Orders"), "supply:order_list", False),
        (_("Stock"), "supply:stock", False),
        (_("Check a code"), "supply:check_code", False),
        (_("Recalls"), "supply:recall_list", False),
        (_("Incidents"), "supply:incident_list", False),
        (_("Catalogue"), "supply:catalogue", False),
    ),
    Role.ANALYST: ((_("Registry outcomes"), "registry:outcomes", False),),
    Role.AUDITOR: ((_("Audit trail"), "accounts:audit_list", False),),
}


def _clinics_for(
    memberships: Iterable[tuple[str, Clinic]], role: str, active: Clinic | None
) -> list[Clinic]:
    held = sorted({clinic for r, clinic in memberships if r == role}, key=lambda c: c.name)
    if active is not None and active in held:
        return [active]
    return held


def staff_links(user: User, active: Clinic | None) -> list[Link]:
    """The person's staff links: each role's, in the order of ``ROLE_LINKS``, each once."""
    memberships = [
        (m.role, m.clinic) for m in Membership.objects.filter(user=user).select_related("clinic")
    ]
    roles = {role for role, _clinic in memberships}
    links: list[Link] = []
    seen: set[str] = set()
    for role, wanted in ROLE_LINKS.items():
        if role not in roles:
            continue
        for label, name, per_clinic in wanted:
            if not per_clinic:
                found = [Link(str(label), reverse(name))]
            else:
                clinics = _clinics_for(memberships, role, active)
                found = [
                    Link(
                        str(label) if len(clinics) == 1 else f"{label} · {clinic.name}",
                        reverse(name, args=[clinic.pk]),
                    )
                    for clinic in clinics
                ]
            for link in found:
                if link.url not in seen:
                    seen.add(link.url)
                    links.append(link)
    if roles:
        links.append(Link(str(_("Reminders")), reverse("reminders:list")))
    return links
