"""Access rules for the country navigator: public pages, 200 for everyone."""

from __future__ import annotations

from typing import Any

from repigment.access.models import Country, Region
from repigment.accounts.models import Clinic
from tests.access_rules import Row, everyone
from tests.conftest import World

PUBLIC = everyone(200, anonymous=200)


def _kenya(world: World, clinic: Clinic) -> dict[str, Any]:
    Country.objects.get_or_create(code="KE", defaults={"name": "Kenya", "region": Region.EASTERN})
    return {"code": "ke"}


ROWS = [
    Row("access:country_list", own=PUBLIC),
    Row("access:trial_list", own=PUBLIC),
    Row("access:country_detail", own=PUBLIC, kwargs=_kenya, other_pharmacy=200, other_patient=200),
]
