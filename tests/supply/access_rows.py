"""Access rules for the supply pages: pharmacists only (DESIGN.md: supply data is theirs)."""

from __future__ import annotations

from repigment.accounts.models import Role
from tests.access import Row, only

PHARMACIST_ONLY = only(Role.PHARMACIST)

ROWS = [
    Row("supply:catalogue", own=PHARMACIST_ONLY),
    Row("supply:check_code", own=PHARMACIST_ONLY),
    Row("supply:recall_list", own=PHARMACIST_ONLY),
    Row("supply:recall_import", own=PHARMACIST_ONLY),
    Row("supply:recall_template", own=PHARMACIST_ONLY),
]
