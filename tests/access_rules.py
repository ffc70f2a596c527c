"""The access table's machinery: every URL × every kind of user × own / other clinic.

Each app lists its URLs in ``tests/<app>/access_rows.py`` as ``ROWS``; the
table test in ``tests/test_access_table.py`` fails when a URL of the project has
no row, so a new page cannot ship without a decided rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from repigment.accounts.models import Clinic, Role
from tests.conftest import PATIENT, World

ANONYMOUS = "anonymous"
#: Every kind of visitor the table is run for: anonymous, each clinic role, and a patient
#: signed in to the portal (linked to a patient of the home clinic, holding no role).
USER_KINDS: list[str] = [ANONYMOUS, *Role.values, PATIENT]

#: The scopes beyond own and other clinic: a pharmacist of a second pharmacy on the first's
#: objects, and a portal patient on another patient of the same clinic.
OTHER_PHARMACY = "other-pharmacy"
OTHER_PATIENT = "other-patient"

KwargsBuilder = Callable[[World, Clinic], dict[str, Any]]


def clinic_kwargs(world: World, clinic: Clinic) -> dict[str, Any]:
    return {"clinic_id": clinic.pk}


@dataclass(frozen=True)
class Row:
    """Expected status codes for one URL name.

    ``own`` maps each user kind to the status it gets on objects of its own
    clinic (the pharmacist's own is the pharmacy); kinds left out get
    ``default``. ``other`` is the status any signed-in kind gets on the same URL
    built for a clinic it does not belong to (None when the URL is not
    clinic-scoped).
    """

    name: str
    own: dict[str, int]
    default: int = 403
    method: str = "GET"
    kwargs: KwargsBuilder | None = None
    other: int | None = None
    data: dict[str, Any] = field(default_factory=dict)
    #: What a pharmacist of a second pharmacy (serving the same clinic) gets on the first
    #: pharmacy's objects; None: ``other``, or 404 when that is None too.
    other_pharmacy: int | None = None
    #: What a portal patient gets on the same URL built for another patient of their clinic.
    other_patient: int = 404
    #: The kinds of visitor the row is run for (None: all); for rules that are one for all.
    kinds: tuple[str, ...] | None = None
    #: Send ``data`` as a JSON body (the API) rather than as a form.
    json: bool = False

    def expected(self, kind: str, scope: str) -> int:
        if scope == "other" and kind != ANONYMOUS and self.other is not None:
            return self.other
        if scope == OTHER_PHARMACY:
            if self.other_pharmacy is not None:
                return self.other_pharmacy
            return self.other if self.other is not None else 404
        if scope == OTHER_PATIENT:
            return self.other_patient
        return self.own.get(kind, self.default)

    def succeeds_for(self, kind: str) -> bool:
        """Whether ``kind`` is let in on its own objects (a page, or a POST that did its work)."""
        status = self.own.get(kind, self.default)
        return status == 200 or (self.method == "POST" and status in (201, 302))


def everyone(status: int, anonymous: int = 302) -> dict[str, int]:
    """The same status for every signed-in kind, another for anonymous visitors."""
    return {kind: (anonymous if kind == ANONYMOUS else status) for kind in USER_KINDS}


def only(*kinds: str, status: int = 200, anonymous: int = 302) -> dict[str, int]:
    """``status`` for the listed kinds, the anonymous redirect, others take the row default."""
    table = {kind: status for kind in kinds}
    table[ANONYMOUS] = anonymous
    return table
