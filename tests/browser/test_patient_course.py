"""A prescriber's day on a phone: register a patient with consent, score a baseline and a
week-24 visit region by region (running totals as they type), upload a photo and read the
course beside the trials; then the patient signs in and sees only their own course."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from PIL import Image

from repigment.assessments.models import Photo, Visit
from repigment.patients.models import Patient
from tests.browser.conftest import PHONE, log_in
from tests.conftest import PASSWORD, World, build_world
from tests.patients.helpers import consent, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world_online(settings: Any, tmp_path: Path) -> World:
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_world()


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 90), (120, 80, 60)).save(out, "JPEG")
    return out.getvalue()


def register(page: Any) -> None:
    page.goto(page.base_url + "/patients/")
    page.get_by_role("link", name="Register a patient").click()
    page.get_by_label("Clinic record number").fill("JHB-500")
    page.get_by_label("Given names").fill("Thandeka")
    page.get_by_label("Family name").fill("Khumalo")
    page.get_by_label("Date of birth").fill("1991-04-02")
    page.get_by_label("Sex").select_option("female")
    page.get_by_label("Fitzpatrick phototype").select_option("6")
    page.get_by_label("Treatment records").check()
    page.get_by_label("Clinical photographs").check()
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", name="Thandeka Khumalo")).to_be_visible()


def score(page: Any, day: str, rows: list[tuple[str, str, str]]) -> None:
    """Fill (region label, hand units, grade) rows on the new-visit page and check totals."""
    page.get_by_role("link", name="New visit").click()
    page.get_by_label("Visit date").fill(day)
    used: dict[str, int] = {}
    for region, units, grade in rows:
        used[region] = used.get(region, 0) + 1
        number = used[region]
        if number > 1:
            page.locator(f"#region-{region_id(region)}").get_by_role(
                "button", name="Add a row"
            ).click()
        page.get_by_label(f"{region}, row {number}: hand units").fill(units)
        page.get_by_label(f"{region}, row {number}: depigmentation").select_option(grade)


def region_id(label: str) -> str:
    return {"Face": "face", "Hands": "hands", "Trunk": "trunk"}[label]


def test_a_prescriber_scores_two_visits_uploads_a_photo_and_reads_the_course(
    page: Any, world_online: World
) -> None:
    log_in(page, world_online.prescriber.email, PASSWORD)
    page.wait_for_url("**/dashboard/")
    register(page)
    today = timezone.localdate()
    baseline = (today - timedelta(weeks=24)).isoformat()

    # Baseline: face 1 HU x 100 % = 1; hands 2 x 50 % + trunk 4 x 75 % + 1 x 10 % = 4.1.
    score(
        page,
        baseline,
        [("Face", "1", "100"), ("Hands", "2", "50"), ("Trunk", "4", "75"), ("Trunk", "1", "10")],
    )
    expect(page.locator("#sub-face")).to_have_text("1")
    expect(page.locator("#sub-trunk")).to_have_text("3.1")
    expect(page.locator("#total-tvasi")).to_have_text("4.1")
    expect(page.locator("#total-fvasi")).to_have_text("1")
    page.get_by_role("button", name="Save visit").click()
    expect(page.get_by_text("The visit was saved.")).to_be_visible()
    page.get_by_role("link", name="Thandeka Khumalo").click()

    # Week 24: face 0.25 x 100 % = 0.25 -> 75 % better; T-VASI 2 x 50 % = 1 -> 75.6 %.
    score(page, today.isoformat(), [("Face", "0.25", "100"), ("Hands", "2", "50")])
    expect(page.locator("#total-fvasi")).to_have_text("0.25")
    page.get_by_label("Vitiligo Noticeability Scale (face)").select_option("4")
    page.get_by_role("button", name="Save visit").click()
    expect(page.get_by_text("The visit was saved.")).to_be_visible()

    page.get_by_role("link", name="Add photos").click()
    page.get_by_label("Photos").set_input_files(
        [{"name": "face.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}]
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("1 photo(s) saved.")).to_be_visible()
    thumb = page.get_by_role("img", name="Face (Daylight)")
    expect(thumb).to_be_visible()
    # The thumbnail really loads through the audited photo view (not a broken image).
    page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0", arg=thumb.element_handle()
    )

    page.get_by_role("link", name="Course", exact=True).click()
    expect(page.locator("svg.course-chart")).to_be_visible()
    week24 = page.locator("table.course-table tbody tr").nth(1)
    expect(week24).to_contain_text("+75 %")
    expect(week24.locator(".badge")).to_have_text(["F-VASI50", "F-VASI75", "T-VASI50", "T-VASI75"])
    expect(page.get_by_role("heading", name="What the TRuE-V trials observed")).to_be_visible()
    patient = Patient.objects.get(record_number="JHB-500")
    assert [v.fvasi_total for v in Visit.objects.filter(patient=patient)] == [1, 0.25]
    assert Photo.objects.filter(visit__patient=patient).count() == 1


def test_a_mistake_is_named_in_words_and_the_typed_rows_stay(
    page: Any, world_online: World
) -> None:
    consent(world_online.patient)
    log_in(page, world_online.prescriber.email, PASSWORD)
    page.goto(page.base_url + f"/patients/{world_online.patient.pk}/visits/new/")
    page.get_by_label("Face, row 1: hand units").fill("2.5")
    page.get_by_label("Face, row 1: depigmentation").select_option("50")
    page.locator("#region-face").get_by_role("button", name="Add a row").click()
    page.get_by_label("Face, row 2: hand units").fill("1")
    page.get_by_label("Face, row 2: depigmentation").select_option("100")
    expect(page.locator("#vasi-status")).to_contain_text(
        "F-VASI rows add up to 3.5 hand units; at most 3 fit."
    )
    page.get_by_role("button", name="Save visit").click()
    expect(page.get_by_label("Face, row 1: hand units")).to_have_value("2.5")
    assert not Visit.objects.exists()


@pytest.fixture
def no_js_page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=PHONE, locale="en-GB", java_script_enabled=False)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    tab.base_url = live_server.url
    foreign: list[str] = []
    tab.on(
        "request",
        lambda r: (
            foreign.append(r.url)
            if not r.url.startswith((live_server.url, "data:", "about:"))
            else None
        ),
    )
    yield tab
    context.close()
    assert not foreign


def test_without_javascript_rows_are_added_totals_calculated_and_the_visit_saved(
    no_js_page: Any, world_online: World
) -> None:
    page = no_js_page
    consent(world_online.patient)
    log_in(page, world_online.prescriber.email, PASSWORD)
    page.goto(page.base_url + f"/patients/{world_online.patient.pk}/visits/new/")
    page.get_by_label("Hands, row 1: hand units").fill("2")
    page.get_by_label("Hands, row 1: depigmentation").select_option("75")
    page.locator("#region-hands").get_by_role("button", name="Add a row").click()
    expect(page.get_by_label("Hands, row 1: hand units")).to_have_value("2")
    page.get_by_label("Hands, row 2: hand units").fill("1")
    page.get_by_label("Hands, row 2: depigmentation").select_option("10")
    page.get_by_role("button", name="Calculate totals").click()
    expect(page.locator("#sub-hands")).to_have_text("1.6")
    expect(page.locator("#total-tvasi")).to_have_text("1.6")
    assert not Visit.objects.exists()
    page.get_by_role("button", name="Save visit").click()
    expect(page.get_by_text("The visit was saved.")).to_be_visible()
    assert str(Visit.objects.get().tvasi_total) == "1.6000"


def test_the_patient_signs_in_and_sees_only_their_own_course(
    page: Any, world_online: World
) -> None:
    consent(world_online.patient)
    start = timezone.localdate() - timedelta(weeks=24)
    visit(world_online.patient, start, face=[("1", 100)])
    visit(world_online.patient, timezone.localdate(), face=[("1", 25)])
    other = Patient.objects.create(
        clinic=world_online.clinic,
        record_number="NOT-ME",
        given_names="Someone",
        family_name="Else",
        date_of_birth="1970-01-01",
        sex="male",
        phototype=4,
    )
    consent(other)
    visit(other, start, face=[("2", 100)])
    log_in(page, world_online.patient_user.email, PASSWORD)
    page.wait_for_url("**/en/my/")
    expect(page.get_by_role("heading", name="Patient, your progress")).to_be_visible()
    expect(page.locator("svg.course-chart")).to_be_visible()
    # The home page lists the two visits in words; the score table is for staff.
    expect(page.locator("section[aria-labelledby=skin-h] h3 + ul li")).to_have_count(2)
    assert "Someone" not in page.content() and "NOT-ME" not in page.content()
    expect(page.get_by_role("link", name="Patients")).to_have_count(0)
