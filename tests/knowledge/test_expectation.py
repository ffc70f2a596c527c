"""The expectation tool: confirmed trial figures at the latest assessment, worded as groups."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from repigment.clinical.errors import ClinicalInputError
from repigment.clinical.trials import PHASE_2, TRIAL_RESULTS, TRUE_V1, TRUE_V2, TRUE_V_POOLED
from repigment.knowledge.expectation import assessment_weeks, expectation_for
from tests.knowledge.helpers import get_page, main_text

D = Decimal


def shares(weeks: int) -> dict[str, dict[str, Decimal]]:
    result = expectation_for(weeks)
    return {s.endpoint: {r.trial: r.value_percent for r in s.cream} for s in result.shares}


def test_the_trials_were_assessed_at_weeks_24_and_52() -> None:
    assert assessment_weeks() == (24, 52)


def test_before_week_24_there_is_no_figure_and_the_first_assessment_is_named() -> None:
    result = expectation_for(10)
    assert result.assessed_week is None and result.next_week == 24
    assert not result.has_figures


@pytest.mark.parametrize("weeks", [24, 30, 51])
def test_from_week_24_the_week_24_figures_apply(weeks: int) -> None:
    assert shares(weeks) == {
        "F-VASI50": {TRUE_V1: D(51), TRUE_V2: D(51)},
        "F-VASI75": {TRUE_V1: D("29.8"), TRUE_V2: D("30.9")},
        "F-VASI90": {TRUE_V1: D(15), TRUE_V2: D(15)},
    }
    vehicle = {
        s.endpoint: [r.value_percent for r in s.vehicle] for s in expectation_for(weeks).shares
    }
    assert vehicle["F-VASI75"] == [D("7.4"), D("11.4")]


@pytest.mark.parametrize("weeks", [52, 60, 520])
def test_from_week_52_the_week_52_figures_apply(weeks: int) -> None:
    result = expectation_for(weeks)
    assert result.assessed_week == 52 and result.next_week is None
    assert shares(weeks) == {
        "F-VASI50": {},
        "F-VASI75": {TRUE_V_POOLED: D(50)},
        "F-VASI90": {},
    }


def test_the_tool_shows_only_phase_3_figures_never_the_phase_2_arm() -> None:
    assert any(row.trial == PHASE_2 for row in TRIAL_RESULTS)  # stored, for the evidence page
    for weeks in (24, 52, 104):
        for share in expectation_for(weeks).shares:
            assert all(r.trial != PHASE_2 for r in (*share.cream, *share.vehicle))


def test_the_tool_cites_the_primary_trev_publication(client: Client) -> None:
    html = get_page(client, "expect", "en", "?weeks=52")
    assert "Rosmarin et al., N Engl J Med 2022" in html
    assert "33.3" not in main_text(html)


def test_the_withdrawal_cohort_never_answers_the_question() -> None:
    for weeks in (104, 200):
        for share in expectation_for(weeks).shares:
            assert all("withdrawal" not in r.trial for r in share.cream)


@pytest.mark.parametrize("weeks", [0, -3, 521, True, 24.0, "24"])
def test_it_refuses_weeks_out_of_range_or_not_whole(weeks: object) -> None:
    with pytest.raises(ClinicalInputError, match="weeks"):
        expectation_for(weeks)  # type: ignore[arg-type]


def test_the_page_answers_24_weeks_in_french_as_group_results(client: Client) -> None:
    text = main_text(get_page(client, "expect", "fr", "?weeks=24"))
    assert "Vous avez demandé la semaine 24" in text
    assert "TRuE-V1 : 29,8\u00a0% des patients sous crème, 7,4\u00a0% sous véhicule" in text
    assert "TRuE-V2 : 30,9\u00a0% des patients sous crème, 11,4\u00a0% sous véhicule" in text
    assert "Ce n'est pas une prédiction pour vous" in text.replace("&#x27;", "'")


def test_the_page_answers_10_weeks_with_the_first_assessment(client: Client) -> None:
    text = main_text(get_page(client, "expect", "en", "?weeks=10"))
    assert "first confirmed results are from week 24" in text
    answer = text.split("You asked")[1].split("Sources for this page")[0]
    assert "%" not in answer


def test_the_page_answers_60_weeks_and_points_to_the_long_term_results(client: Client) -> None:
    html = get_page(client, "expect", "en", "?weeks=60")
    text = main_text(html)
    assert "week 52" in text and "Confirmed figures stop at week 52" in text
    assert "TRuE-V1 and V2 together: 50% of patients on the cream" in text
    assert 'href="/en/evidence/#long-term"' in html


def test_the_page_never_words_the_answer_as_a_personal_prediction(client: Client) -> None:
    for weeks in (10, 24, 60):
        text = main_text(get_page(client, "expect", "en", f"?weeks={weeks}"))
        lowered = text.split("You asked")[1].split("Sources for this page")[0].lower()
        for phrase in ("you will", "your chance", "you can expect to", "your result"):
            assert phrase not in lowered
        if weeks >= 24:
            assert "not a prediction for you" in lowered


@pytest.mark.parametrize("query", ["?weeks=0", "?weeks=abc", "?weeks=9999"])
def test_bad_input_gets_an_error_in_the_page_language_and_no_answer(
    client: Client, query: str
) -> None:
    html = get_page(client, "expect", "pt", query)
    assert 'class="errorlist' in html
    assert "Perguntou pela semana" not in html


def test_the_tool_is_pure_python_over_the_clinical_core() -> None:
    import ast
    import inspect

    from repigment.knowledge import expectation

    tree = ast.parse(inspect.getsource(expectation))
    modules = {
        node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module is not None
    } | {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert all(
        m == "__future__" or m.startswith(("repigment.clinical", "dataclasses")) for m in modules
    )
