"""The pages a patient opens first, on a cheap phone over a slow 3G link (issue 18).

Chromium's own network throttling (DevTools protocol) stands in for the link: about 400 kbit/s
each way and 400 ms round trips. A page fails when what it transfers, with everything it loads,
exceeds the budget; the load times are printed for the README, never asserted (machines vary).
"""

from __future__ import annotations

import gzip
from typing import Any

import pytest

from repigment.access.loader import load_countries
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLOW_3G = {
    "offline": False,
    "latency": 400,  # ms per round trip
    "downloadThroughput": 400 * 1024 / 8,  # bytes per second
    "uploadThroughput": 400 * 1024 / 8,
}
#: Bytes a first visit may transfer (the page, its stylesheet, scripts and icon), compressed.
BUDGET = 60_000

LOADED = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const files = [nav, ...performance.getEntriesByType('resource')].map(
    e => ({url: e.name, wire: e.transferSize,
           encoded: e.encodedBodySize, size: e.decodedBodySize}));
  return {files: files, seconds: nav.loadEventEnd / 1000};
}"""


def compressed_bytes(page: Any, file: dict[str, Any]) -> int:
    """What the file costs on the wire in production.

    Pages are gzipped by Django's middleware here too; static files are served compressed only
    after collectstatic (WhiteNoise), which the test server skips, so those are gzipped here.
    """
    if file["encoded"] < file["size"]:
        return int(file["wire"])
    return len(gzip.compress(page.request.get(file["url"]).body())) + 300  # + headers


def throttle(page: Any) -> None:
    session = page.context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.setCacheDisabled", {"cacheDisabled": True})  # every visit is a first
    session.send("Network.emulateNetworkConditions", SLOW_3G)


def weigh(page: Any, path: str) -> tuple[int, float]:
    page.goto(page.base_url + path, wait_until="load", timeout=60_000)
    loaded = page.evaluate(LOADED)
    total = sum(compressed_bytes(page, file) for file in loaded["files"])
    print(f"\nslow 3G {path}: {total} bytes compressed in {len(loaded['files'])} files, "
          f"loaded in {loaded['seconds']:.1f} s")  # fmt: skip
    return total, loaded["seconds"]


def test_the_public_pages_and_the_portal_fit_a_slow_link(page: Any) -> None:
    world = build_world()
    load_countries()
    log_in(page, world.patient_user.email, PASSWORD)
    page.wait_for_url("**/my/**")
    throttle(page)
    for path in ("/en/", "/en/access/za/", "/en/safety/", "/en/my/"):
        total, seconds = weigh(page, path)
        assert seconds > 0.4, f"{path}: loaded in {seconds} s, so the link was not throttled"
        assert total < BUDGET, f"{path} costs {total} bytes compressed"
