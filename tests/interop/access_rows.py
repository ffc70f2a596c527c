"""Access rules for the interop pages: a clinic administrator imports a REDCap project.

The FHIR server (namespace ``fhir``) answers tokens, not sessions; its rules are tested in
``tests/interop/test_fhir_server.py``.
"""

from __future__ import annotations

from typing import Any

from repigment.accounts.models import Clinic, Role
from repigment.core.models import Job
from tests.access_rules import Row, clinic_kwargs, only
from tests.conftest import World


def _import(world: World, clinic: Clinic) -> dict[str, Any]:
    job = Job.objects.create(
        kind="redcap-import", key=f"table:{clinic.pk}", task_path="x", params={"clinic": clinic.pk}
    )
    return {"clinic_id": clinic.pk, "public_id": job.public_id}


ROWS = [
    Row("interop:redcap_start", own=only(Role.CLINIC_ADMIN), kwargs=clinic_kwargs, other=403),
    Row("interop:redcap_result", own=only(Role.CLINIC_ADMIN), kwargs=_import, other=403),
]
