"""No page loads a script, style, font, image or frame from another host."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.access_rules import ANONYMOUS, USER_KINDS
from tests.conftest import World
from tests.test_access_table import ROWS

FOREIGN = re.compile(
    r"""<(?:script|img|iframe|source|audio|video)\b[^>]*\bsrc\s*=\s*["']?(?:https?:)?//"""
    r"""|<link\b[^>]*\bhref\s*=\s*["']?(?:https?:)?//"""
    r"""|url\(\s*["']?(?:https?:)?//|@import""",
    re.IGNORECASE,
)


def first_allowed_kind(row_expected: dict[str, int]) -> str | None:
    for kind in USER_KINDS:
        if row_expected.get(kind) == 200:
            return kind
    return None


PAGES = [
    pytest.param(row, id=row.name)
    for row in ROWS
    if row.method == "GET" and first_allowed_kind(row.own) is not None
]


@pytest.mark.parametrize("row", PAGES)
def test_the_page_loads_nothing_from_another_host(client: Client, world: World, row) -> None:  # type: ignore[no-untyped-def]
    kind = first_allowed_kind(row.own)
    assert kind is not None
    if kind != ANONYMOUS:
        client.force_login(world.user(kind))
    home = world.home_clinic(kind) if kind != ANONYMOUS else world.clinic
    response = client.get(reverse(row.name, kwargs=row.kwargs(world, home) if row.kwargs else {}))
    assert response.status_code == 200
    body = b"".join(response) if response.streaming else response.content  # type: ignore[attr-defined]
    if "html" in response.get("Content-Type", ""):
        match = FOREIGN.search(body.decode())
        assert match is None, f"foreign asset: {match.group(0) if match else ''}"
