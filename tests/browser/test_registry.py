"""The registry analyst's page on a phone and a desktop: the tables, the two figures, the filter."""

from __future__ import annotations

from typing import Any

import pytest

from repigment.accounts.models import Membership, Role
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD, World, build_world
from tests.registry.test_pages import cohort_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def registry_world() -> World:
    world = build_world()
    cohort_of(world)
    Membership.objects.create(user=world.analyst, clinic=world.other_clinic, role=Role.ANALYST)
    return world


@pytest.mark.parametrize("width", [390, 1280])
def test_the_analyst_reads_outcomes_and_filters_the_cohort(
    page: Any, registry_world: World, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, registry_world.analyst.email, PASSWORD)
    page.wait_for_url("**/dashboard/")
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Registry outcomes"
    ).click()
    page.wait_for_url("**/registry/")
    page.get_by_text("11 patients with current registry consent").wait_for()
    responses = page.locator("#responses")
    assert "TRuE-V1 29.8 %" in responses.inner_text()
    for chart in page.locator("img.chart").all():
        chart.scroll_into_view_if_needed()
        assert page.evaluate(
            "(img) => img.complete && img.naturalWidth > 0", chart.element_handle()
        )
    # nothing wider than the screen: wide tables scroll inside their own box
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.get_by_label("IV", exact=True).check()
    page.get_by_role("button", name="Show").click()
    page.get_by_text("4 patients with current registry consent").wait_for()
    assert "<5" in page.locator("#responses").inner_text()
