"""The route's fee as an application states it (in the pack and on the application's page)."""

from __future__ import annotations

from repigment.access.models import AccessRoute


def fee_text(route: AccessRoute) -> str:
    """The route's confirmed fee ("400 ZAR"), or an empty string when none is confirmed."""
    fact = route.fee()
    return f"{fact.amount.normalize():f} {fact.unit}" if fact and fact.amount is not None else ""
