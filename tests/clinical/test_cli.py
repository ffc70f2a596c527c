"""The JSON command line: good input prints JSON; bad input exits 2 with one line on stderr."""

from __future__ import annotations

import json
from typing import Any

import pytest
import typer
from typer.testing import CliRunner, Result

from repigment.clinical.cli import register, to_json

runner = CliRunner()


def build_app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


APP = build_app()


def run(args: list[str], stdin: str | None = None) -> Result:
    return runner.invoke(APP, args, input=stdin)


def ok_json(args: list[str], stdin: str | None = None) -> Any:
    result = run(args, stdin)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    return json.loads(result.stdout)


def assert_bad_input(result: Result, starts_with: str) -> None:
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(starts_with), lines[0]


def entries(*items: tuple[str, Any, Any]) -> str:
    return json.dumps(
        {"entries": [{"region": r, "hand_units": h, "depigmentation": d} for r, h, d in items]}
    )


# --- score fvasi / tvasi ---------------------------------------------------------------------


def test_score_fvasi_prints_the_score_as_a_json_number() -> None:
    # 0.5 x 75% + 1 x 100% = 1.375
    stdin = entries(("face", 0.5, 75), ("face", 1, 100))
    assert ok_json(["score", "fvasi"], stdin) == {"score": 1.375, "region_set": "face"}


def test_score_fvasi_reads_floats_exactly() -> None:
    # 0.1 + 0.2 at 100% is 0.3, not 0.30000000000000004
    result = run(["score", "fvasi"], entries(("face", 0.1, 100), ("face", 0.2, 100)))
    assert result.stdout == '{"score": 0.3, "region_set": "face"}\n'


def test_score_tvasi_prints_the_six_region_score() -> None:
    # trunk 12.25 x 50% = 6.125; hands 2 x 100% = 2 -> 8.125
    stdin = entries(("trunk", 12.25, 50), ("hands", 2, 100))
    assert ok_json(["score", "tvasi"], stdin) == {"score": 8.125, "region_set": "six-region"}


def test_a_whole_score_prints_as_an_integer() -> None:
    assert run(["score", "tvasi"], entries(("feet", 2, 100))).stdout.startswith('{"score": 2,')


@pytest.mark.parametrize(
    ("command", "stdin", "field"),
    [
        ("fvasi", entries(("face", 1, 70)), "entries[0].depigmentation: must be one of"),
        ("fvasi", entries(("face", 1, 50), ("hands", 1, 50)), "entries[1].region:"),
        ("fvasi", entries(("face", 2, 50), ("face", 1.5, 50)), "hand_units: total is 3.5"),
        ("fvasi", entries(("face", -1, 50)), "entries[0].hand_units: must not be negative"),
        ("fvasi", entries(("face", "1.005", 50)), "entries[0].hand_units:"),
        ("tvasi", entries(("face", 1, 50)), "entries[0].region:"),
        ("tvasi", '{"entries": [{"region": "trunk", "hand_units": 1}]}', "entries[0].depigm"),
        (
            "tvasi",
            '{"entries": [{"region": "trunk", "hand_units": 1, "depigmentation": 50, '
            '"colour": "white"}]}',
            "entries[0].colour:",
        ),
        ("tvasi", '{"entries": [1]}', "entries[0]:"),
        ("tvasi", '{"entries": {}}', "entries: must be a list"),
        ("tvasi", "{}", "entries: is required"),
        ("tvasi", '{"entries": [], "extra": 1}', "extra:"),
        ("tvasi", "[]", "input: must be a JSON object"),
        ("tvasi", "not json", "input: not valid JSON"),
        ("tvasi", "", "input: not valid JSON"),
        (
            "fvasi",
            '{"entries": [{"region": "face", "hand_units": NaN, "depigmentation": 50}]}',
            "input: NaN is not a number",
        ),
    ],
)
def test_score_rejects_bad_input_with_one_line(command: str, stdin: str, field: str) -> None:
    assert_bad_input(run(["score", command], stdin), field)


# --- score response --------------------------------------------------------------------------


def test_score_response_counts_exactly_75_percent() -> None:
    # (0.3 - 0.075) / 0.3 x 100 = 75
    output = ok_json(
        ["score", "response", "--instrument", "F-VASI", "--baseline", "0.3", "--current", "0.075"]
    )
    assert output == {
        "percent_improvement": 75,
        "responses": {"F-VASI50": True, "F-VASI75": True, "F-VASI90": False},
    }


def test_score_response_rounds_the_printed_improvement_half_up() -> None:
    # (0.3 - 0.1) / 0.3 x 100 = 66.666... -> 66.67; T-VASI keys
    output = ok_json(
        ["score", "response", "--instrument", "T-VASI", "--baseline", "0.3", "--current", "0.1"]
    )
    assert output == {
        "percent_improvement": 66.67,
        "responses": {"T-VASI50": True, "T-VASI75": False, "T-VASI90": False},
    }


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--instrument", "F-VASI", "--baseline", "0.3"], "--current: is required"),
        (["--instrument", "F-VASI", "--current", "0.3"], "--baseline: is required"),
        (["--baseline", "1", "--current", "0.3"], "--instrument: is required"),
        (["--instrument", "VASI", "--baseline", "1", "--current", "0"], "--instrument:"),
        (["--instrument", "F-VASI", "--baseline", "0", "--current", "0"], "--baseline: must be"),
        (["--instrument", "F-VASI", "--baseline", "x", "--current", "0"], "--baseline: must be"),
        (["--instrument", "F-VASI", "--baseline", "5", "--current", "0"], "--baseline: F-VASI"),
        (["--instrument", "F-VASI", "--baseline", "1", "--current", "-1"], "--current:"),
        (["--instrument", "F-VASI", "--baseline", "1", "--current", "nan"], "--current:"),
        (["--instrument", "F-VASI", "--baseline", "1", "--current", "0", "--x"], "--x:"),
        (["--instrument"], "--instrument:"),
    ],
)
def test_score_response_rejects_bad_input_with_one_line(args: list[str], field: str) -> None:
    assert_bad_input(run(["score", "response", *args]), field)


def test_an_unknown_or_missing_score_command_is_one_line() -> None:
    assert_bad_input(run(["score", "bvasi"]), "")
    assert_bad_input(run(["score"]), "")
    assert "fvasi" in run(["score"]).stderr


# --- label check -----------------------------------------------------------------------------

LABEL_EXAMPLE = {
    "jurisdiction": "FDA",
    "age_years": 34,
    "vitiligo_type": "non-segmental",
    "facial_involvement": True,
    "treated_bsa_percent": 6,
    "pregnant": False,
    "breastfeeding": False,
    "active_serious_infection": False,
    "co_medications": [],
    "grams_per_week": 30,
}


def test_label_check_prints_overall_level_and_findings() -> None:
    output = ok_json(["label", "check"], json.dumps(LABEL_EXAMPLE))
    assert output["overall"] == "ok"
    assert {f["rule"] for f in output["findings"]} >= {"fda.age", "fda.bsa", "fda.quantity"}
    for finding in output["findings"]:
        assert set(finding) == {"rule", "level", "reason", "reference"}


def test_label_check_reports_the_worst_finding() -> None:
    # EMA, pregnant: contraindicated -> outside_label
    stdin = json.dumps({**LABEL_EXAMPLE, "jurisdiction": "EMA", "pregnant": True})
    output = ok_json(["label", "check"], stdin)
    assert output["overall"] == "outside_label"
    assert {"rule": "ema.pregnancy", "level": "outside_label"}.items() <= next(
        f for f in output["findings"] if f["rule"] == "ema.pregnancy"
    ).items()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"jurisdiction": "TGA"}, "jurisdiction:"),
        ({"age_years": "thirty"}, "age_years:"),
        ({"pregnant": "false"}, "pregnant: must be true or false"),
        ({"treated_bsa_percent": 0}, "treated_bsa_percent:"),
        ({"co_medications": None}, "co_medications:"),
        ({"unknown": 1}, "unknown: is not a field"),
    ],
)
def test_label_check_rejects_bad_input_with_one_line(changes: dict[str, Any], field: str) -> None:
    assert_bad_input(run(["label", "check"], json.dumps({**LABEL_EXAMPLE, **changes})), field)


def test_label_check_requires_each_field() -> None:
    stdin = json.dumps({k: v for k, v in LABEL_EXAMPLE.items() if k != "breastfeeding"})
    assert_bad_input(run(["label", "check"], stdin), "breastfeeding: is required")


# --- quantity --------------------------------------------------------------------------------


def test_quantity_prints_grams_tubes_and_limits() -> None:
    # 10% x 0.25 = 2.5 g; 5 g a day; 35 g a week; 910 g over 26 weeks; 10 tubes of 100 g
    output = ok_json(["quantity", "--bsa", "10", "--weeks", "26", "--tube-grams", "100"])
    assert output == {
        "grams_per_application": 2.5,
        "grams_per_day": 5,
        "grams_per_week": 35,
        "grams_total": 910,
        "tubes": 10,
        "within_limit": {"FDA": True, "EMA": True},
    }


def test_quantity_shows_a_limit_that_is_not_met() -> None:
    # 15% -> 52.5 g a week: over 50 g (100 g tubes) and over 45.16 g (EMA)
    output = ok_json(["quantity", "--bsa", "15", "--weeks", "4", "--tube-grams", "100"])
    assert output["within_limit"] == {"FDA": False, "EMA": False}


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--bsa", "0", "--weeks", "4", "--tube-grams", "100"], "--bsa:"),
        (["--bsa", "ten", "--weeks", "4", "--tube-grams", "100"], "--bsa: must be a number"),
        (["--bsa", "10", "--weeks", "2.5", "--tube-grams", "100"], "--weeks: must be a whole"),
        (["--bsa", "10", "--weeks", "4", "--tube-grams", "30"], "--tube-grams: must be 60 or"),
        (["--bsa", "10", "--weeks", "4"], "--tube-grams: is required"),
        (["--bsa", "10", "--weeks", "4", "--tube-grams", "60", "extra"], ""),
    ],
)
def test_quantity_rejects_bad_input_with_one_line(args: list[str], field: str) -> None:
    assert_bad_input(run(["quantity", *args]), field)


# --- id za -----------------------------------------------------------------------------------


def test_id_za_prints_what_the_number_encodes() -> None:
    assert ok_json(["id", "za", "8001015009087"]) == {
        "valid": True,
        "birth_date": "1980-01-01",
        "sex": "male",
        "citizenship": "citizen",
    }


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["8001015009088"], "id_number: check digit"),
        (["8013015009087"], "id_number: birth date"),
        (["12345"], "id_number: must be exactly 13 digits"),
        ([], "id_number: is required"),
    ],
)
def test_id_za_rejects_bad_input_with_one_line(args: list[str], field: str) -> None:
    assert_bad_input(run(["id", "za", *args]), field)


# --- JSON writing ----------------------------------------------------------------------------


def test_decimals_are_written_as_exact_json_numbers() -> None:
    from decimal import Decimal

    assert to_json({"a": Decimal("2.50"), "b": Decimal("1E+1"), "c": [True, None, "x", 3]}) == (
        '{"a": 2.5, "b": 10, "c": [true, null, "x", 3]}'
    )
    with pytest.raises(TypeError):
        to_json({"when": object()})
