"""A job's page and file: only the person who started it; to anyone else it does not exist."""

from __future__ import annotations

from typing import Any

from repigment.accounts.models import Clinic, Role
from repigment.core.models import Job
from tests.access_rules import ANONYMOUS, Row
from tests.conftest import World
from tests.core.admin_access import admin_rows
from tests.core.api_access import api_rows


def _job(world: World, clinic: Clinic) -> dict[str, Any]:
    job, _ = Job.objects.get_or_create(
        key="access-table", defaults={"kind": "test", "requester_id": world.prescriber.pk}
    )
    return {"public_id": job.public_id}


ROWS = [
    Row("accounts:job", own={ANONYMOUS: 302, Role.PRESCRIBER: 200}, default=404, kwargs=_job),
    # The job has no file until it succeeds: its owner gets 404 too until then.
    Row("accounts:job_file", own={ANONYMOUS: 302}, default=404, kwargs=_job),
    *admin_rows(),
    *api_rows(),
]
