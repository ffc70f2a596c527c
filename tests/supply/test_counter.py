"""Issue 18, the pharmacy counter: the stock page and the stock API show every state's count,
0 included, rather than a blank; the receiving verdict names itself in words."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from repigment.supply import orders, stock
from repigment.supply.gs1 import parse_code
from repigment.supply.models import PackState
from tests.conftest import World
from tests.supply.conftest import GTIN_60, Catalogue
from tests.supply.orders_world import approved, order


def test_the_stock_page_shows_zero_for_empty_states(
    client: Client, world: World, catalogue: Catalogue
) -> None:
    code = parse_code(f"(01){GTIN_60}(17)450331(10)L24A(21)Z1")
    pack = stock.receive(pharmacy=world.pharmacy, code=code, by=world.pharmacist, reason="r")
    stock.move(pack, PackState.AVAILABLE, by=world.pharmacist, reason="Checked.")
    client.force_login(world.pharmacist)
    html = client.get(reverse("supply:stock")).content.decode()
    shown = dict(re.findall(r'<span data-state="(\w+)">([^<]*)</span>', html))
    assert set(shown) == set(PackState.values)
    assert shown["available"] == "1"
    assert all(shown[s] == "0" for s in PackState.values if s != "available")
    assert orders.stock_counts([world.pharmacy])["quarantined"] == 0


def test_each_receiving_verdict_has_a_banner_in_words(
    client: Client, world: World, catalogue: Catalogue
) -> None:
    session = orders.open_session(order(world, catalogue, approved(world)), world.pharmacist)
    client.force_login(world.pharmacist)
    url = reverse("supply:receive", args=[session.pk])
    fine = f"(01){GTIN_60}(17)450331(10)L24A(21)B1"
    html = client.post(url, {"code": fine}).content.decode()
    assert 'data-banner="accepted"' in html and "banner-ok" in html
    assert "1 of 3 packs taken in" in html
    html = client.post(url, {"code": fine}).content.decode()
    assert 'data-banner="seen"' in html and "banner-warn" in html
    assert "1 of 3 packs taken in" in html
    html = client.post(url, {"code": "nonsense"}).content.decode()
    assert 'data-banner="unreadable"' in html
    expired = f"(01){GTIN_60}(17)200131(10)L24A(21)B2"
    html = client.post(url, {"code": expired}).content.decode()
    assert 'data-banner="expired"' in html and "banner-bad" in html
    assert "Expired" in html
