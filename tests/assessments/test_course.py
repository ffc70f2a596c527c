"""The patient's course: weeks, improvement from baseline, the thresholds reached, the chart,
and the trial figures beside it, each linked to its source and none worded as a forecast."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from repigment.assessments.course import build_course
from repigment.clinical.references import REFERENCES
from repigment.clinical.trials import TRIAL_RESULTS
from tests.conftest import World
from tests.patients.helpers import TODAY, consent, visit

D = Decimal


@pytest.fixture
def course_world(world: World) -> World:
    """Hand-computed case.

    Baseline: face 1.2 HU x 100 % = F-VASI 1.2; trunk 8 HU x 100 % + hands 2 HU x 50 % = T-VASI 9.
    Week 12: face 1.2 x 50 % = 0.6 -> (1.2 - 0.6) / 1.2 = 50 % (F-VASI50 exactly);
             trunk 8 x 75 % + hands 2 x 50 % = 7 -> 22.22 %.
    Week 24: face 0.3 HU x 100 % = 0.3 -> 75 % (F-VASI50 and F-VASI75, not 90);
             trunk 4 x 75 % + hands 2 x 50 % = 4 -> (9 - 4) / 9 = 55.56 % (T-VASI50, not 75).
    Week 36: face 0.5 x 90 % = 0.45 -> 62.5 % (back below F-VASI75).
    """
    consent(world.patient)
    start = TODAY() - timedelta(weeks=40)
    world.patient.treatment_start = start
    world.patient.save()
    visit(
        world.patient,
        start - timedelta(days=2),
        face=[("1.2", 100)],
        body=[("trunk", "8", 100), ("hands", "2", 50)],
    )
    visit(
        world.patient,
        start + timedelta(weeks=12, days=3),
        face=[("1.2", 50)],
        body=[("trunk", "8", 75), ("hands", "2", 50)],
        vns=3,
    )
    visit(
        world.patient,
        start + timedelta(weeks=24, days=-2),
        face=[("0.3", 100)],
        body=[("trunk", "4", 75), ("hands", "2", 50)],
        vns=4,
    )
    visit(
        world.patient,
        start + timedelta(weeks=36),
        face=[("0.5", 90)],
        body=[("trunk", "4", 75), ("hands", "2", 50)],
        vns=4,
    )
    return world


def test_the_course_has_the_weeks_improvements_and_thresholds_computed_by_hand(
    course_world: World,
) -> None:
    course = build_course(course_world.patient)
    assert [p.week for p in course.points] == [0, 12, 24, 36]
    assert course.start_source == "treatment"
    rows = [
        (
            p.fvasi_response.percent_improvement_rounded if p.fvasi_response else None,
            p.tvasi_response.percent_improvement_rounded if p.tvasi_response else None,
            p.reached(),
        )
        for p in course.points
    ]
    assert rows == [
        (None, None, []),
        (D("50.00"), D("22.22"), ["F-VASI50"]),
        (D("75.00"), D("55.56"), ["F-VASI50", "F-VASI75", "T-VASI50"]),
        (D("62.50"), D("55.56"), ["F-VASI50", "T-VASI50"]),
    ]
    assert course.threshold_lines("F-VASI") == [
        ("F-VASI50", D("0.6")),
        ("F-VASI75", D("0.3")),
        ("F-VASI90", D("0.12")),
    ]
    assert course.threshold_lines("T-VASI") == [("T-VASI50", D("4.5")), ("T-VASI75", D("2.25"))]


def test_the_course_page_shows_those_thresholds(client: Client, course_world: World) -> None:
    client.force_login(course_world.prescriber)
    page = client.get(reverse("assessments:course", args=[course_world.patient.pk]))
    text = page.content.decode()
    # The visit's date links to it (inside a <time>); the next cell is the week.
    week24 = re.search(
        r"<tr>\s*<td><a[^>]*>(?:(?!</tr>).)*?</a></td>\s*<td>24</td>(.*?)</tr>", text, re.S
    )
    assert week24 is not None
    cells = week24.group(1)
    assert "+75 %" in cells and "+55.56 %" in cells
    assert re.findall(r'<span class="badge">([^<]+)</span>', cells) == [
        "F-VASI50",
        "F-VASI75",
        "T-VASI50",
    ]
    assert "Weeks count from the start of treatment on" in text
    assert course_read_was_audited(course_world)


def course_read_was_audited(world: World) -> bool:
    from repigment.accounts.models import AuditAction, AuditEntry

    return (
        AuditEntry.objects.naming(world.patient.pk)
        .filter(action=AuditAction.VIEW, path__endswith="/course/")
        .exists()
    )


def test_the_chart_draws_the_visits_the_threshold_lines_and_the_trial_weeks(
    client: Client, course_world: World
) -> None:
    client.force_login(course_world.prescriber)
    text = client.get(
        reverse("assessments:course", args=[course_world.patient.pk])
    ).content.decode()
    svg = text[text.index("<svg") : text.index("</svg>")]
    assert svg.count("<circle") == 8  # four visits, two instruments
    for label in (
        "F-VASI50",
        "F-VASI75",
        "F-VASI90",
        "T-VASI50",
        "T-VASI75",
        "TRuE-V week 24",
        "TRuE-V week 52",
    ):
        assert f">{label}</text>" in svg, label
    assert "Week 24: F-VASI 0.3 (75 % better than baseline)" in svg
    assert 'role="img"' in svg and "<desc" in svg
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")  # nothing fetched


def test_every_trial_figure_beside_the_course_links_to_its_reference(
    client: Client, course_world: World
) -> None:
    client.force_login(course_world.prescriber)
    text = client.get(
        reverse("assessments:course", args=[course_world.patient.pk])
    ).content.decode()
    section = text[text.index('<section class="trials"') :]
    section = section[: section.index("</section>")]
    rows = re.findall(
        r"<tr[^>]*>\s*<td>(\d+)</td><td>([^<]+)</td><td>([^<]+)</td>(.*?)</tr>", section, re.S
    )
    shown = {(int(week), endpoint, trial) for week, endpoint, trial, _rest in rows}
    expected = {
        (r.week, r.endpoint, r.trial)
        for r in TRIAL_RESULTS
        if r.trial.startswith("TRuE-V")
        and "withdrawal" not in r.trial
        and r.arm == "ruxolitinib 1.5% twice daily"
    }
    assert shown == expected and len(shown) >= 5
    for _week, _endpoint, _trial, rest in rows:
        (url,) = re.findall(r'href="([^"]+)"', rest)
        assert url in {ref.url for ref in REFERENCES.values()}
    assert "29.8 %" in section and "7.4 %" in section  # TRuE-V1 week 24, drug and vehicle


def test_no_sentence_near_the_trial_figures_reads_as_a_forecast(
    client: Client, course_world: World
) -> None:
    client.force_login(course_world.prescriber)
    for url in (reverse("assessments:course", args=[course_world.patient.pk]),):
        text = client.get(url).content.decode()
        section = text[text.index('<section class="trials"') :].lower()
        section = section[: section.index("</section>")]
        for word in (
            "you will",
            "will reach",
            "expect",
            "predict",
            "likely",
            "chance of",
            "your chance",
            "should reach",
        ):
            assert word not in section, word
        assert "not a forecast" in section
    client.force_login(course_world.patient_user)
    # The portal keeps the trial figures on their own page, in plainer words.
    portal = client.get(reverse("portal:trials")).content.decode().lower()
    assert "do not predict what will happen to you" in portal and "you will" not in portal


def test_weeks_count_from_the_baseline_until_treatment_start_is_recorded(
    course_world: World,
) -> None:
    course_world.patient.treatment_start = None
    course_world.patient.save()
    course = build_course(course_world.patient)
    # From the baseline visit two days before the start: 12 weeks 5 days rounds to 13.
    assert course.start_source == "baseline" and [p.week for p in course.points] == [0, 13, 24, 36]


def test_a_baseline_of_zero_shows_no_improvement(world: World) -> None:
    consent(world.patient)
    visit(world.patient, TODAY() - timedelta(days=90), face=[("1", 0)])
    visit(world.patient, TODAY(), face=[("1", 50)])
    course = build_course(world.patient)
    assert [p.fvasi_response for p in course.points] == [None, None]
    assert course.threshold_lines("F-VASI") == []


def test_the_api_returns_the_same_course(client: Client, course_world: World) -> None:
    from repigment.accounts.models import ApiToken

    _t, raw = ApiToken.issue(course_world.prescriber, "t")
    body = client.get(
        f"/api/v1/patients/{course_world.patient.pk}/course", HTTP_AUTHORIZATION=f"Bearer {raw}"
    ).json()
    assert [p["reached"] for p in body["points"]][2] == ["F-VASI50", "F-VASI75", "T-VASI50"]
    assert body["points"][2]["fvasi_improvement_percent"] == "75.00"
    assert all(f["reference"]["url"].startswith("https://") for f in body["trial_figures"])


def test_the_trial_notes_beside_the_course_are_in_the_readers_language(
    client: Client, course_world: World
) -> None:
    client.force_login(course_world.prescriber)
    url = reverse("assessments:course", args=[course_world.patient.pk])
    french = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "environ la moitié, les deux essais réunis" in french
    assert "about half, pooled across both trials" not in french
    english = client.get(url).content.decode()
    assert "about half, pooled across both trials; not an exact figure" in english
