"""Each public page, in each language, weighs under 60 KB on first load, as transferred.

The page is fetched the way a phone's browser asks for it (gzip accepted), so the HTML is
measured as the server compresses it; each stylesheet, script and icon the page links is
measured as WhiteNoise serves it in production (pre-compressed with gzip at level 9), with
its response headers counted too. Nothing may come from another host.
"""

from __future__ import annotations

import gzip
import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

from tests.knowledge.helpers import ALL_PAGES, LANGUAGES, page_url

BUDGET_BYTES = 60_000
HEADER_ALLOWANCE = 400  # bytes of response headers per static file
ASSET = re.compile(r'<(?:link|script)\b[^>]*?\b(?:href|src)="([^"]+)"')


def linked_assets(html: str) -> list[str]:
    assets = []
    for tag in re.findall(r"<(?:link|script)\b[^>]*>", html):
        if tag.startswith("<link") and not re.search(r'rel="(?:stylesheet|icon)"', tag):
            continue  # rel="alternate" links are other pages, not loaded
        assets += ASSET.findall(tag)
    return assets


def asset_bytes(url: str) -> int:
    assert url.startswith(settings.STATIC_URL), f"{url} is not served by this site"
    path = finders.find(url.removeprefix(settings.STATIC_URL))
    assert path, f"{url} not found"
    with open(path, "rb") as handle:
        body = handle.read()
    return len(gzip.compress(body, compresslevel=9, mtime=0)) + HEADER_ALLOWANCE


def transferred(client: Client, url: str) -> tuple[int, dict[str, int]]:
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip", "pages must go out compressed"
    headers = sum(len(k) + len(v) + 4 for k, v in response.items())
    parts = {"html": len(response.content) + headers}
    html = gzip.decompress(response.content).decode()
    for asset in linked_assets(html):
        parts[asset] = asset_bytes(asset)
    return sum(parts.values()), parts


CASES = [pytest.param(p, lang, id=f"{p}-{lang}") for p in ALL_PAGES for lang in LANGUAGES]


@pytest.mark.parametrize(("page", "lang"), CASES)
def test_each_page_weighs_under_the_budget_on_first_load(
    client: Client, page: str, lang: str
) -> None:
    total, parts = transferred(client, page_url(page, lang))
    assert total < BUDGET_BYTES, f"{page} in {lang}: {total} bytes: {parts}"
    assert any(asset.endswith(".css") for asset in parts), "the stylesheet is counted"


def test_the_tool_answer_page_also_fits(client: Client) -> None:
    total, parts = transferred(client, page_url("expect", "ar", "?weeks=52"))
    assert total < BUDGET_BYTES, parts


def test_no_web_fonts_or_images_from_css() -> None:
    path = finders.find("repigment/site.css")
    assert path
    with open(path, encoding="utf-8") as handle:
        css = handle.read()
    assert "@font-face" not in css and "@import" not in css and "url(" not in css
