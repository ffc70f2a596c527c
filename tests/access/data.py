"""The country data files as plain JSON, for tests that read them or write spoiled copies."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from repigment.access.datafiles import COUNTRIES_DIR, DATA_DIR, GENERAL_FILE, SOURCES_FILE

Raw = dict[str, Any]  # {"sources": [...], "general": {...}, "countries": {code: {...}}}


def raw_data(folder: Path = DATA_DIR) -> Raw:
    countries = {
        path.stem: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted((folder / COUNTRIES_DIR).glob("*.json"))
    }
    return {
        "sources": json.loads((folder / SOURCES_FILE).read_text(encoding="utf-8"))["sources"],
        "general": json.loads((folder / GENERAL_FILE).read_text(encoding="utf-8")),
        "countries": countries,
    }


def write(folder: Path, raw: Raw) -> Path:
    """Write ``raw`` as a data folder under ``folder`` and return the folder."""
    target = folder / "data"
    (target / COUNTRIES_DIR).mkdir(parents=True, exist_ok=True)
    for old in (target / COUNTRIES_DIR).glob("*.json"):
        old.unlink()
    (target / SOURCES_FILE).write_text(json.dumps({"sources": raw["sources"]}), encoding="utf-8")
    (target / GENERAL_FILE).write_text(json.dumps(raw["general"]), encoding="utf-8")
    for name, country in raw["countries"].items():
        (target / COUNTRIES_DIR / f"{name}.json").write_text(json.dumps(country), encoding="utf-8")
    return target


def countries_with(raw: Raw, status: str) -> set[str]:
    return {code for code, c in raw["countries"].items() if c["status"] == status}


def researched(raw: Raw) -> set[str]:
    return {code for code, c in raw["countries"].items() if c["status"] != "not_researched"}


def route_kinds(raw: Raw) -> dict[str, set[str]]:
    return {code: {r["kind"] for r in c["routes"]} for code, c in raw["countries"].items()}


def every_sourced_entry(raw: Raw) -> list[tuple[str, dict[str, Any]]]:
    """(where, entry) for every fact and checklist item in the data."""
    found = [("general.json", fact) for fact in raw["general"]["facts"]]
    for code, country in raw["countries"].items():
        found += [(code, fact) for fact in country["facts"]]
        for route in country["routes"]:
            found += [(f"{code}/{route['slug']}", fact) for fact in route["facts"]]
            found += [(f"{code}/{route['slug']}", item) for item in route["checklist"]]
    return found


def with_one_unresearched(tmp_path: Path, code: str = "DZ") -> str:
    """Load the data with ``code`` shown as not yet researched (whatever the files say)."""
    from repigment.access.loader import load_countries

    raw = raw_data()
    country = raw["countries"][code]
    country.update(status="not_researched", registration="unknown", facts=[], routes=[])
    country.pop("regulator", None)
    load_countries(write(tmp_path, raw))
    return code
