"""The report as plain text, for `repigment registry analyse` (a terminal or a log)."""

from __future__ import annotations

from typing import Any

from repigment.registry.analysis import SUPPRESSED_NOTE, Report, as_json

MARK = "<5"  # a suppressed cell


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}"


def _cell(value: Any, suppressed: bool) -> str:
    if suppressed and value is None:
        return MARK
    return "-" if value is None else str(value)


def _interval(row: dict[str, Any]) -> str:
    if row["ci_low"] is None:
        return MARK if row.get("suppressed") else "-"
    return f"{_percent(row['ci_low'])}-{_percent(row['ci_high'])}"


def as_text(result: Report, *, suppress: bool = False) -> str:
    body = as_json(result, suppress=suppress)
    lines = [
        f"Patients {body['patients']}, scored visits {body['visits']}, "
        f"sites {', '.join(body['sites']) or '-'}",
        "",
        "Responses (per cent, Wilson 95 % interval; trials: ruxolitinib twice daily)",
        f"{'endpoint':<12}{'week':>5}{'evaluable':>11}{'responders':>12}{'%':>7}"
        f"{'95 % CI':>14}  trials",
    ]
    for row in body["responses"]:
        trials = "; ".join(
            f"{t['trial']} {t['percent']:g} % [{t['reference']}]" for t in row["trials"]
        )
        lines.append(
            f"{row['instrument'] + str(row['threshold']):<12}{row['week']:>5}"
            f"{_cell(row['evaluable'], row['suppressed']):>11}"
            f"{_cell(row['responders'], row['suppressed']):>12}"
            f"{(MARK if row['suppressed'] else _percent(row['proportion'])):>7}"
            f"{_interval(row):>14}  {trials}"
        )
    time = body["time_to_response"]
    median = time["median_days"]
    lines += [
        "",
        "Time to F-VASI75 (Kaplan-Meier)",
        f"  patients {time['patients']}, responses {_cell(time['events'], time['suppressed'])}",
        *(
            f"  cumulative response by day {day}: "
            + (MARK if time["suppressed"] else _percent(value) + " %")
            for day, value in time["cumulative"].items()
        ),
        "  median: "
        + (
            MARK
            if time["suppressed"]
            else ("not reached" if median is None else f"day {median}")
            + ("" if not time["median_ci"] else f" (95 % CI {_days(time['median_ci'])})")
        ),
        "",
        "Week-24 F-VASI75 by subgroup",
    ]
    for row in body["subgroups"]:
        name = f"{row['group']}: {row['level']}"
        lines.append(
            f"  {name:<36}{_cell(row['responders'], row['suppressed']):>6}"
            f" / {_cell(row['evaluable'], row['suppressed']):<6}"
            f"{(MARK if row['suppressed'] else _percent(row['proportion'])):>7} %  {_interval(row)}"
        )
    lines += ["", "Table 1"]
    for row in body["table_one"]:
        if row["median"] is not None:
            value = f"{row['median']:.2f} ({row['q1']:.2f}-{row['q3']:.2f}), n {row['n']}"
        else:
            value = _cell(row["n"], row["suppressed"]) + (
                "" if row["percent"] is None else f" ({row['percent']:.1f} %)"
            )
        lines.append(f"  {row['characteristic'] + ': ' + row['level']:<40}{value}")
    lines += _safety_lines(body["safety"]) + _use_lines(body["use"])
    lines += _monitoring_lines(body.get("monitoring"))
    if suppress:
        lines += ["", f"{MARK}: {SUPPRESSED_NOTE}"]
    return "\n".join(lines)


def _days(interval: list[int | None]) -> str:
    return "-".join("not reached" if day is None else f"day {day}" for day in interval)


def _safety_lines(safety: dict[str, Any] | None) -> list[str]:
    if safety is None:
        return ["", "Safety: no adverse_events table"]
    lines = [
        "",
        f"Adverse events per 100 patient-years ({safety['patient_years']:.1f} patient-years)",
    ]
    for row in safety["terms"]:
        rate = (
            MARK
            if row["suppressed"]
            else "-"
            if row["rate_per_100_patient_years"] is None
            else f"{row['rate_per_100_patient_years']:.1f} "
            f"({row['ci_low']:.1f}-{row['ci_high']:.1f})"
        )
        lines.append(
            f"  {row['term']:<36}{_cell(row['events'], row['suppressed']):>6} events "
            f"{_cell(row['patients'], row['suppressed']):>6} patients  {rate}"
        )
    lines.append(f"  serious events: {_cell(safety['serious_events'], True)}")
    for event in safety["serious"] or []:
        lines.append(f"    {event['site']} day {event['day']}: {event['term']}")
    return lines


def _use_lines(use: dict[str, Any] | None) -> list[str]:
    if use is None:
        return []
    lines = ["", "Use"]
    grams = use["grams_per_week"]
    if grams is not None:
        lines.append(
            f"  grams per week: median {grams['median']:.1f} ({grams['q1']:.1f}-{grams['q3']:.1f}) "
            f"over {use['patients']} patients; above the EU limit "
            f"({use['limits']['eu_grams_per_week']:.1f} g) {_cell(use['above_eu'], True)}, "
            f"above the FDA limit ({use['limits']['fda_grams_per_week']:.0f} g) "
            f"{_cell(use['above_fda'], True)}"
        )
    for route in use["routes"]:
        days = (
            f"median {route['median_days']:.0f} days ({route['q1']:.0f}-{route['q3']:.0f})"
            if "median_days" in route
            else MARK
        )
        lines.append(f"  {route['route']}: {_cell(route['applications'], True)} approvals, {days}")
    return lines


def _monitoring_lines(monitoring: dict[str, Any] | None) -> list[str]:
    if monitoring is None:
        return []
    return [
        "",
        "Monitoring (patients / records / found)",
        f"  TB screening: {_cell(monitoring['tb_screened_patients'], True)}"
        f" / {_cell(monitoring['tb_screenings'], True)}"
        f" / positive {_cell(monitoring['tb_positive'], True)}",
        f"  skin examination: {_cell(monitoring['skin_examined_patients'], True)}"
        f" / {_cell(monitoring['skin_examinations'], True)}"
        f" / skin cancer {_cell(monitoring['skin_cancers_found'], True)}",
    ]
