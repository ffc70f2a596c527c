"""The API for orders, receiving scans, stock and dispensing: the same checks, 4xx JSON errors."""

from __future__ import annotations

from typing import Any

from django.test import Client

from tests.conftest import World
from tests.supply.conftest import GTIN_60, Catalogue
from tests.supply.orders_world import approved, code


def test_order_receive_and_dispense_through_the_api(
    world: World, client: Client, catalogue: Catalogue
) -> None:
    auth = approved(world, packs=2)
    client.force_login(world.pharmacist)

    def post(url: str, body: dict[str, object]) -> Any:
        return client.post(f"/api/v1/supply{url}", body, content_type="application/json")

    too_many = post("/orders", {"authorisation_id": auth.pk, "gtin": GTIN_60, "quantity": 3,
                                "expected_lots": ["L24A"]})  # fmt: skip
    assert too_many.status_code == 409 and too_many.json()["error"]["code"] == "order_refused"
    order = post("/orders", {"authorisation_id": auth.pk, "gtin": GTIN_60, "quantity": 2,
                             "expected_lots": ["L24A"]}).json()  # fmt: skip
    session = post(f"/orders/{order['id']}/sessions", {}).json()
    good = post(f"/sessions/{session['id']}/scans", {"text": code("API1")}).json()
    assert good["outcome"] == "stocked"
    bad = post(f"/sessions/{session['id']}/scans", {"text": "(01)09520000000607"}).json()
    assert bad["outcome"] == "unreadable" and bad["problems"]
    stock = client.get("/api/v1/supply/stock").json()
    assert stock["available"] == 1 and not any(n for s, n in stock.items() if s != "available")
    done = post("/dispenses", {"authorisation_id": auth.pk, "pack_id": good["pack_id"]})
    assert done.status_code == 201 and done.json()["serial"] == "API1"
    again = post("/dispenses", {"authorisation_id": auth.pk, "pack_id": good["pack_id"]})
    assert again.status_code == 409 and again.json()["error"]["code"] == "dispensed_before"
    assert post("/dispenses", {"authorisation_id": auth.pk, "pack_id": 99999}).status_code == 404
