"""The analyst's outcomes over the live database: the same dataset and analysis as the export.

Analysts see the clinics where they hold the analyst role, prescribers their own clinics; every
figure is suppressed below 5 patients. A read is audited naming every patient whose rows went into
it (an aggregate, but still a read of their data).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import HttpRequest

from repigment.accounts import audit
from repigment.accounts.models import AuditAction, Clinic, Role, User
from repigment.accounts.permissions import roles_in, user_clinics

if TYPE_CHECKING:
    from repigment.registry.analysis import Cohort

VIEWER_ROLES = (Role.ANALYST, Role.PRESCRIBER)


@dataclass(frozen=True)
class Filters:
    clinic: Clinic | None = None
    started_from: date | None = None
    started_to: date | None = None
    phototypes: tuple[int, ...] = ()
    age_band: str = ""
    sex: str = ""

    def cohort(self) -> Cohort:
        from repigment.registry.analysis import Cohort  # Polars loads on the first report

        return Cohort(
            phototypes=self.phototypes or None,
            age_bands=(self.age_band,) if self.age_band else None,
            sexes=(self.sex,) if self.sex else None,
        )


def viewable_clinics(user: User) -> QuerySet[Clinic]:
    return user_clinics(user, VIEWER_ROLES).filter(kind=Clinic.Kind.CLINIC)


def outcomes(request: HttpRequest | None, user: User, filters: Filters) -> dict[str, Any]:
    """The report as JSON (suppressed) for the clinics the user may see, audited."""
    clinics = list(viewable_clinics(user))
    if filters.clinic is not None:
        clinics = [clinic for clinic in clinics if clinic.pk == filters.clinic.pk]
    from repigment.registry.analysis import as_json, report, tables_from_frames
    from repigment.registry.summaries import build_summarised  # Polars loads on the first report

    dataset = build_summarised(clinics, started=(filters.started_from, filters.started_to))
    tables = tables_from_frames(dataset.frames)
    body = as_json(report(tables, filters.cohort(), dataset.per_patient), suppress=True)
    body["clinics"] = [clinic.name for clinic in clinics]
    single = clinics[0] if len(clinics) == 1 else None
    audit.record(
        request,
        AuditAction.VIEW,
        object_type="registry_outcomes",
        object_id=",".join(str(clinic.pk) for clinic in clinics),
        patient_ids=dataset.patient_ids,
        clinic=single,
        role=_role(user, clinics),
        actor=user,
    )
    return body


def _role(user: User, clinics: list[Clinic]) -> str:
    held = set().union(*(roles_in(user, clinic) for clinic in clinics)) if clinics else set()
    return str(Role.ANALYST) if Role.ANALYST in held else str(Role.PRESCRIBER) if held else ""
