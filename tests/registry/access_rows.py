"""Access rules for the registry pages: analysts (their clinics) and prescribers (their own)."""

from __future__ import annotations

from repigment.accounts.models import Role
from tests.access_rules import Row, only

VIEWERS = only(Role.ANALYST, Role.PRESCRIBER)

ROWS = [
    Row("registry:outcomes", own=VIEWERS),
    Row("registry:km_chart", own=VIEWERS),
    Row("registry:forest_chart", own=VIEWERS),
    Row("registry:outcomes_csv", own=VIEWERS),
    # the PDF is made on the worker: the page sends the person to the job
    Row("registry:outcomes_pdf", own=only(Role.ANALYST, Role.PRESCRIBER, status=302)),
]
