"""A failed submit opens on the error summary: the focus is on it, each message links to an
element that exists, and every aria-describedby on the page names an element that exists
(issue 18: forms that guide)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import log_in
from tests.browser.walk import axe_violations
from tests.conftest import PASSWORD, World, build_world
from tests.treatment.helpers import ready

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BROKEN_REFERENCES = """() => {
  const broken = [];
  for (const el of document.querySelectorAll('[aria-describedby], [aria-labelledby]')) {
    for (const attr of ['aria-describedby', 'aria-labelledby']) {
      for (const id of (el.getAttribute(attr) || '').split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) { broken.push(`${el.id || el.name}: ${attr}=${id}`); }
      }
    }
  }
  return broken;
}"""

SUMMARY_LINKS = """() => Array.from(document.querySelectorAll('[data-error-summary] a'))
  .map(a => a.getAttribute('href').slice(1))
  .map(id => [id, !!document.getElementById(id)])"""


@pytest.fixture
def world_online() -> World:
    return build_world()


def _submit_empty_and_check(page: Any, path: str, button: str) -> list[Any]:
    page.goto(page.base_url + path)
    assert page.evaluate(BROKEN_REFERENCES) == [], path
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_selector("[data-error-summary]")
    # The summary has the focus, so a screen reader reads it first.
    focused = page.evaluate(
        "() => document.activeElement && document.activeElement.hasAttribute('data-error-summary')"
    )
    assert focused, path
    assert page.evaluate(BROKEN_REFERENCES) == [], path
    links = page.evaluate(SUMMARY_LINKS)
    assert links and all(exists for _target, exists in links), (path, links)
    assert axe_violations(page) == [], path  # nothing serious or critical with the errors shown
    return links  # type: ignore[no-any-return]


def test_a_failed_submit_moves_the_focus_to_the_summary(page: Any, world_online: World) -> None:
    patient = ready(world_online)
    log_in(page, world_online.prescriber.email, PASSWORD)
    page.wait_for_url("**/dashboard/")

    clinic = world_online.clinic.pk
    links = _submit_empty_and_check(page, f"/clinics/{clinic}/patients/new/", "Register")
    assert "Give the family name." in page.locator("[data-error-summary]").inner_text()
    # A link puts the focus in its field.
    target = links[0][0]
    page.locator("[data-error-summary] a").first.click()
    assert page.evaluate("() => document.activeElement.id") == target

    _submit_empty_and_check(page, f"/patients/{patient.pk}/co-medications/", "Add")
    _submit_empty_and_check(page, f"/patients/{patient.pk}/adverse-events/new/", "Save")
    # The prescription form: an empty start date and duration, named in the summary.
    page.goto(page.base_url + f"/patients/{patient.pk}/prescriptions/new/")
    page.get_by_label("Start date").fill("")
    page.get_by_role("button", name="Save prescription").click()
    page.wait_for_selector("[data-error-summary]")
    assert page.evaluate("() => document.activeElement.hasAttribute('data-error-summary')")
    assert "Give the start date." in page.locator("[data-error-summary]").inner_text()
    assert page.evaluate(BROKEN_REFERENCES) == []


def test_a_face_of_25_percent_is_refused_in_the_summary_of_the_visit(
    page: Any, world_online: World
) -> None:
    patient = ready(world_online, age=40)
    log_in(page, world_online.prescriber.email, PASSWORD)
    page.wait_for_url("**/dashboard/")
    page.goto(page.base_url + f"/patients/{patient.pk}/visits/new/")
    assert page.evaluate(BROKEN_REFERENCES) == []
    page.get_by_label("Affected body surface area (%)").fill("30")
    page.get_by_label("Facial body surface area (%)").fill("25")  # meant 2,5
    page.get_by_role("button", name="Save visit").click()
    summary = page.locator("[data-error-summary]")
    summary.wait_for()
    assert page.evaluate("() => document.activeElement.hasAttribute('data-error-summary')")
    reason = "The face is about 3.5 % of the body in adults; 25 % cannot be right."
    assert reason in summary.inner_text()
    summary.get_by_role("link", name=reason, exact=False).click()
    assert page.evaluate("() => document.activeElement.id") == "id_facial_bsa_percent"
    assert page.evaluate(BROKEN_REFERENCES) == []
