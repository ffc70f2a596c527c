"""Reference trial results: only confirmed figures, each findable by endpoint, week and arm."""

from __future__ import annotations

from decimal import Decimal

from repigment.clinical.trials import (
    ENDPOINTS,
    PHASE_2,
    RUXOLITINIB_BID,
    TRIAL_RESULTS,
    TRUE_V1,
    TRUE_V2,
    VEHICLE,
    results_for,
)

D = Decimal


def test_the_primary_endpoint_rows_match_the_confirmed_figures() -> None:
    # CLINICAL.md 1.2: TRuE-V1 29.8% vs 7.4%; TRuE-V2 30.9% vs 11.4%
    rows = {(r.trial, r.arm): r.value_percent for r in results_for("F-VASI75", week=24)}
    assert rows == {
        (TRUE_V1, RUXOLITINIB_BID): D("29.8"),
        (TRUE_V1, VEHICLE): D("7.4"),
        (TRUE_V2, RUXOLITINIB_BID): D("30.9"),
        (TRUE_V2, VEHICLE): D("11.4"),
    }


def test_congress_level_figures_say_they_are_approximate() -> None:
    for row in results_for("F-VASI90", week=24):
        assert "approximate" in row.note
    for row in results_for("F-VASI50", week=24, arm=RUXOLITINIB_BID):
        if row.trial != PHASE_2:
            assert "approximate" in row.note


def test_the_pooled_week_52_result_is_marked_as_about_half() -> None:
    (row,) = [r for r in results_for("F-VASI75", week=52) if "pooled" in r.trial]
    assert row.value_percent == 50
    assert "about half" in row.note


def test_phase_2_week_52_results_on_twice_daily_cream() -> None:
    # CLINICAL.md 1.5: F-VASI50 57.6%, F-VASI75 51.5%, F-VASI90 33.3%
    rows = {r.endpoint: r.value_percent for r in results_for(week=52) if r.trial == PHASE_2}
    assert rows == {"F-VASI50": D("57.6"), "F-VASI75": D("51.5"), "F-VASI90": D("33.3")}


def test_results_for_combines_filters_and_keeps_order() -> None:
    assert results_for() == TRIAL_RESULTS
    vehicle_24 = results_for(week=24, arm=VEHICLE)
    assert vehicle_24 and all(r.week == 24 and r.arm == VEHICLE for r in vehicle_24)
    assert results_for("F-VASI75", week=1) == ()


def test_every_row_uses_a_listed_endpoint_and_a_plausible_value() -> None:
    for row in TRIAL_RESULTS:
        assert row.endpoint in ENDPOINTS
        assert 0 <= row.value_percent <= 100
        assert row.n is None or row.n > 0


def test_no_unconfirmed_figure_is_stored() -> None:
    # CLINICAL.md marks these UNCONFIRMED: NEJM T-VASI50, VNS, exact NEJM F-VASI50/90,
    # per-trial week-52 values and the conflicting week-104 63.8% / 66.1%.
    unconfirmed = {"20.6", "23.9", "24.5", "21.9", "51.5", "16.3", "15.3", "63.8", "66.1"}
    for row in TRIAL_RESULTS:
        if row.trial != PHASE_2:  # phase 2 week-52 F-VASI75 is a confirmed 51.5%
            assert str(row.value_percent) not in unconfirmed, row
        assert not row.endpoint.startswith(("T-VASI", "VNS"))
