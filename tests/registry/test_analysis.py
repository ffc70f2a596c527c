"""The registry analysis on small hand-worked datasets, checked against statsmodels, lifelines."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from lifelines import KaplanMeierFitter
from scipy.stats import chi2
from statsmodels.stats.proportion import proportion_confint
from typer.testing import CliRunner

from repigment.cli import app
from repigment.registry.analysis import (
    Cohort,
    DatasetError,
    as_json,
    exact_poisson,
    kaplan_meier,
    load,
    report,
    wilson,
)

HEADER = "patient,site,sex,age_at_start,phototype,disease_years,day,fvasi,tvasi"

# Hand-worked patients (site S):
#   A  baseline: last visit with day <= 0 is day 0, F 0.8. Week 24: day 160 (F 0.2, 8 from 168)
#      and day 170 (F 0.4, 2 from 168): the closest, 170, counts -> (0.8-0.4)/0.8 = 50 %.
#      Week 52: day 330 (34 away) beats day 400 (36 away): F 0 -> 100 %.
#      Time to F-VASI75: day 160 already reached 75 % ((0.8-0.2)/0.8) -> event on day 160.
#   B  F 1.2 -> 0.3 on day 168: exactly 75 % (judged exactly, not in floating point). Event 168.
#   C  baseline 0: never evaluable, left out of the time to response.
#   D  F 2.0; day 166 (F 0.1) and day 170 (F 1.9) tie at 2 from 168: the earlier, 166 -> 95 %.
#      Week 52: day 364 F 0.5 -> exactly 75 %. Event on day 166.
#   E  F 1.0; day 200 is outside 140-196: not evaluable at week 24; event on day 200 (F 0).
#   F  no visit with day <= 0: no baseline, never evaluable, left out of the time to response.
#   G  F 1.5 on day -1; day 0 has a T-VASI only (its empty F-VASI does not count), so the
#      F-VASI baseline stays 1.5; day 150 F 1.5 -> 0 %: evaluable non-responder, censored day 150.
#      T-VASI: 10 on day 0, 4 on day 150 -> 60 %: T-VASI50 yes, T-VASI75 no.
HAND_WORKED = """\
A,S,female,30,5,3,-7,1.0,
A,S,female,30,5,3,0,0.8,
A,S,female,30,5,3,160,0.2,
A,S,female,30,5,3,170,0.4,
A,S,female,30,5,3,330,0.0,
A,S,female,30,5,3,400,0.8,
B,S,male,45,2,,0,1.2,
B,S,male,45,2,,168,0.3,
C,S,female,20,6,1,0,0,
C,S,female,20,6,1,168,0,
D,S,female,61,4,20,0,2.0,
D,S,female,61,4,20,166,0.1,
D,S,female,61,4,20,170,1.9,
D,S,female,61,4,20,364,0.5,
E,S,other,15,6,8,0,1.0,
E,S,other,15,6,8,200,0.0,
F,S,male,50,3,2,3,1.0,
F,S,male,50,3,2,168,0.5,
G,S,female,38,5,12,-1,1.5,
G,S,female,38,5,12,0,,10
G,S,female,38,5,12,150,1.5,4
"""


def dataset(folder: Path, visits: str, **tables: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "visits.csv").write_text(f"{HEADER}\n{visits}")
    for name, text in tables.items():
        (folder / f"{name}.csv").write_text(text)
    return folder


def response(body: dict, instrument: str, threshold: int, week: int) -> dict:
    [row] = [
        r
        for r in body["responses"]
        if (r["instrument"], r["threshold"], r["week"]) == (instrument, threshold, week)
    ]
    return row


def test_responses_follow_the_baseline_window_and_tie_rules(tmp_path: Path) -> None:
    body = as_json(report(load([dataset(tmp_path / "s", HAND_WORKED)])))
    # Week 24, F-VASI: evaluable A, B, D, G (C baseline 0, E outside the window, F no baseline).
    # 50 %: A (50), B (75), D (95) -> 3 of 4; 75 %: B, D -> 2; 90 %: D -> 1.
    assert [
        (
            response(body, "F-VASI", t, 24)["evaluable"],
            response(body, "F-VASI", t, 24)["responders"],
        )
        for t in (50, 75, 90)
    ] == [(4, 3), (4, 2), (4, 1)]
    # Week 52: A (100 %) and D (75 %) evaluable; both F-VASI75, only A F-VASI90.
    assert response(body, "F-VASI", 75, 52)["responders"] == 2
    assert response(body, "F-VASI", 90, 52)["responders"] == 1
    # T-VASI week 24: G alone, 60 %.
    assert (
        response(body, "T-VASI", 50, 24)["responders"],
        response(body, "T-VASI", 75, 24)["responders"],
    ) == (1, 0)
    row = response(body, "F-VASI", 50, 24)
    assert row["proportion"] == 0.75
    # Wilson, 3 of 4, z 1.96: centre (0.75 + 0.4802) / 1.9604 = 0.6275,
    # half-width 1.96 x sqrt(0.75 x 0.25 / 4 + 3.8415 / 64) / 1.9604 = 0.3269 -> 0.3006 to 0.9544
    assert row["ci_low"] == pytest.approx(0.3006, abs=1e-4)
    assert row["ci_high"] == pytest.approx(0.9544, abs=1e-4)
    # The trials' figure for the same endpoint sits beside it, with its source.
    trials = response(body, "F-VASI", 75, 24)["trials"]
    assert {t["trial"] for t in trials} == {"TRuE-V1", "TRuE-V2"}
    assert all(t["reference"] for t in trials)


def test_a_patients_rows_apart_in_the_file_give_the_same_report(tmp_path: Path) -> None:
    # Rows sorted by day instead of by patient (a spreadsheet sorted by hand): each patient's
    # rows keep their order, so every pick is the same; the report must not change.
    rows = HAND_WORKED.splitlines()
    by_day = sorted(rows, key=lambda row: int(row.split(",")[6]))
    assert by_day != rows
    grouped = as_json(report(load([dataset(tmp_path / "grouped", HAND_WORKED)])))
    apart = as_json(report(load([dataset(tmp_path / "apart", "\n".join(by_day) + "\n")])))
    assert apart == grouped


def test_a_same_day_tie_goes_to_the_first_row_in_the_file(tmp_path: Path) -> None:
    # Two F-VASI on day 0 (baseline: the last in the file, 2.0) and two on day 168 (the week's
    # visit: the first in the file, 0.5): (2.0 - 0.5) / 2.0 = 75 %. Read the other way round
    # (baseline 1.0, week 1.5) it would be a worsening.
    visits = "H,S,female,30,5,3,0,1.0,\nH,S,female,30,5,3,0,2.0,\n"
    visits += "H,S,female,30,5,3,168,0.5,\nH,S,female,30,5,3,168,1.5,\n"
    body = as_json(report(load([dataset(tmp_path / "s", visits)])))
    assert response(body, "F-VASI", 75, 24)["responders"] == 1
    assert body["time_to_response"]["events"] == 1


@pytest.mark.parametrize(("k", "n"), [(0, 1), (3, 4), (1, 20), (17, 40), (40, 40), (313, 1000)])
def test_wilson_agrees_with_statsmodels(k: int, n: int) -> None:
    assert wilson(k, n) == pytest.approx(proportion_confint(k, n, method="wilson"), abs=1e-12)


def test_time_to_fvasi75_by_hand(tmp_path: Path) -> None:
    time = as_json(report(load([dataset(tmp_path / "s", HAND_WORKED)])))["time_to_response"]
    # In: A (event 160), B (event 168), D (event 166), E (event 200), G (censored 150).
    # Day 150: G leaves, 4 at risk. 160: S = 3/4. 166: S = 3/4 x 2/3 = 1/2. 168: S = 1/4.
    # 200: S = 0. Cumulative response by 168 = 1 - 1/4; by 364 = 1. Median: first day S <= 1/2.
    assert (time["patients"], time["events"]) == (5, 4)
    assert time["cumulative"] == {"168": pytest.approx(0.75), "364": pytest.approx(1.0)}
    assert time["median_days"] == 166


def test_the_median_is_null_when_half_never_respond(tmp_path: Path) -> None:
    rows = "".join(
        f"P{i},S,female,40,5,1,0,1.0,\nP{i},S,female,40,5,1,168,{'0.2' if i < 2 else '0.9'},\n"
        for i in range(6)
    )
    time = as_json(report(load([dataset(tmp_path / "s", rows)])))["time_to_response"]
    assert time["median_days"] is None
    assert time["cumulative"]["168"] == pytest.approx(2 / 6)


def test_kaplan_meier_agrees_with_lifelines() -> None:
    generator = random.Random(14)
    times = [generator.randint(1, 400) for _ in range(300)]
    events = [generator.random() < 0.6 for _ in range(300)]
    ours = kaplan_meier(times, events)
    fitted = KaplanMeierFitter().fit(times, events)
    band = fitted.confidence_interval_survival_function_
    for step in ours.steps:
        assert step.survival == pytest.approx(fitted.survival_function_.loc[step.day].iloc[0])
        assert step.low == pytest.approx(band.loc[step.day].iloc[0], abs=1e-9)
        assert step.high == pytest.approx(band.loc[step.day].iloc[1], abs=1e-9)
    assert ours.first_day_at_or_below("survival", 0.5) == fitted.median_survival_time_


@pytest.mark.parametrize("k", [0, 1, 3, 10, 57])
def test_exact_poisson_agrees_with_the_chi_square_form(k: int) -> None:
    low = 0.0 if k == 0 else chi2.ppf(0.025, 2 * k) / 2
    high = chi2.ppf(0.975, 2 * k + 2) / 2
    assert exact_poisson(k) == pytest.approx((low, high), rel=1e-8)


def test_safety_is_per_100_patient_years_with_exact_intervals(tmp_path: Path) -> None:
    folder = dataset(
        tmp_path / "s",
        "A,S,female,30,5,3,0,1.0,\nB,S,male,40,5,3,0,1.0,\n",
        patients="patient,site,followup_days\nA,S,365.25\nB,S,730.5\n",
        adverse_events="patient,site,day,term,serious\nA,S,10,acne,false\nA,S,50,acne,false\n"
        "B,S,90,acne,true\n",
    )
    # follow-up counts whole days: a fraction is refused, naming its row and column
    with pytest.raises(DatasetError, match=r"row 1, column followup_days: bad value '365\.25'"):
        load([folder])
    # 365 + 731 = 1096 days = 3.0007 patient-years; 3 acne events -> 99.98 per 100 patient-years;
    # the exact interval for 3 events is 0.6187 to 8.767 events, times 100 / 3.0007.
    (folder / "patients.csv").write_text("patient,site,followup_days\nA,S,365\nB,S,731\n")
    safety = as_json(report(load([folder])))["safety"]
    assert safety["patient_years"] == pytest.approx(1096 / 365.25)
    [acne] = safety["terms"]
    assert (acne["events"], acne["patients"]) == (3, 2)
    assert acne["rate_per_100_patient_years"] == pytest.approx(300 / (1096 / 365.25))
    assert acne["ci_low"] == pytest.approx(0.6187 * 100 / (1096 / 365.25), rel=1e-3)
    assert safety["serious"] == [{"site": "S", "term": "acne", "day": 90}]


def test_two_sites_pool_and_a_filter_chooses_one(tmp_path: Path) -> None:
    one = dataset(tmp_path / "one", "A,JHB,female,30,5,3,0,1.0,\nA,JHB,female,30,5,3,168,0.2,\n")
    two = dataset(tmp_path / "two", "A,CPT,male,30,2,3,0,1.0,\nA,CPT,male,30,2,3,168,0.9,\n")
    tables = load([one, two])
    # the same pseudonym at two sites is two patients
    assert response(as_json(report(tables)), "F-VASI", 75, 24)["evaluable"] == 2
    only = as_json(report(tables, Cohort(sites=("CPT",))))
    assert (only["patients"], response(only, "F-VASI", 75, 24)["responders"]) == (1, 0)
    assert as_json(report(tables, Cohort(phototypes=(4, 5, 6))))["sites"] == ["JHB"]


def test_small_cells_are_suppressed_with_a_mark(tmp_path: Path) -> None:
    body = as_json(report(load([dataset(tmp_path / "s", HAND_WORKED)])), suppress=True)
    row = response(body, "F-VASI", 75, 24)
    assert row["suppressed"] is True
    assert (row["responders"], row["proportion"], row["ci_low"]) == (None, None, None)
    assert body["time_to_response"]["events"] is None
    assert body["suppression"]["note"] == "fewer than 5 patients: not shown"
    exact = as_json(report(load([tmp_path / "s"])))
    assert response(exact, "F-VASI", 75, 24)["responders"] == 2


def test_a_planted_lower_response_in_phototypes_iv_to_vi_is_recovered(tmp_path: Path) -> None:
    planted = {"I-III": 0.45, "IV-VI": 0.25}
    generator = random.Random(1)  # a draw whose rates land within 1.5 SE of the planted ones
    lines = []
    for i in range(3000):
        group = "I-III" if i % 2 else "IV-VI"
        phototype = generator.choice((1, 2, 3) if group == "I-III" else (4, 5, 6))
        week24 = "0.2" if generator.random() < planted[group] else "0.7"
        day = 168 + generator.randint(-20, 20)
        lines += [
            f"P{i},S,female,40,{phototype},5,0,1.0,",
            f"P{i},S,female,40,{phototype},5,{day},{week24},",
        ]
    body = as_json(report(load([dataset(tmp_path / "s", "\n".join(lines) + "\n")])))
    found = {
        r["level"]: r for r in body["subgroups"] if r["group"] == "phototype" and "-" in r["level"]
    }
    for group, rate in planted.items():
        assert found[group]["ci_low"] <= rate <= found[group]["ci_high"], group
    assert found["IV-VI"]["ci_high"] < found["I-III"]["ci_low"]


def test_analyse_prints_the_report_and_its_json(tmp_path: Path) -> None:
    folder = dataset(tmp_path / "s", HAND_WORKED)
    result = CliRunner().invoke(app, ["registry", "analyse", str(folder), "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert set(response(body, "F-VASI", 75, 24)) >= {
        "instrument", "threshold", "week", "evaluable", "responders",
        "proportion", "ci_low", "ci_high",
    }  # fmt: skip
    assert set(body["time_to_response"]) >= {"patients", "events", "cumulative", "median_days"}
    text = CliRunner().invoke(app, ["registry", "analyse", str(folder)])
    assert text.exit_code == 0
    assert "F-VASI75" in text.stdout and "median: day 166" in text.stdout


def test_analyse_refuses_a_bad_cell_naming_column_and_row(tmp_path: Path) -> None:
    folder = dataset(tmp_path / "s", "A,S,female,30,5,3,0,1.0,\nA,S,female,30,5,3,168,lots,\n")
    result = CliRunner().invoke(app, ["registry", "analyse", str(folder)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "s/visits.csv: row 2, column fvasi: bad value 'lots'\n"
    (folder / "visits.csv").write_text("patient,site,day\nA,S,0\n")
    missing = CliRunner().invoke(app, ["registry", "analyse", str(folder)])
    assert (missing.exit_code, missing.stderr) == (2, "s/visits.csv: column sex is missing\n")
