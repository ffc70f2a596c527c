"""The shipped country data keeps its rules, checked on the files themselves."""

from __future__ import annotations

from datetime import date

from repigment.access.datafiles import data_files, read_data
from tests.access.data import every_sourced_entry, raw_data


def test_the_shipped_files_pass_every_rule_of_the_loader() -> None:
    data = read_data(data_files())
    assert len(data.countries) == 54


def test_every_fact_has_an_address_and_says_when_and_by_whom_it_was_read() -> None:
    raw = raw_data()
    urls = {source["key"]: source["url"] for source in raw["sources"]}
    for where, entry in every_sourced_entry(raw):
        assert entry["sources"], where
        assert all(urls[key].startswith(("https://", "http://")) for key in entry["sources"])
        assert entry["read_by"].strip(), where
        if entry["read_on"] is not None:
            assert date.fromisoformat(entry["read_on"]) <= date.today(), where
        else:
            assert "not recorded" in entry["read_by"], f"{where}: say the day was not recorded"


def test_every_researched_country_has_a_sourced_regulator_and_a_word_on_special_access() -> None:
    for code, country in raw_data()["countries"].items():
        topics = {fact["topic"] for fact in country["facts"]}
        if country["status"] == "not_researched":
            assert not country["facts"] and not country["routes"], code
            assert "regulator" not in country, code
            continue
        assert country["regulator"]["name"] and "regulator" in topics, code
        if country["status"] == "no_route_found":
            assert not country["routes"] and "special_access" in topics, code
        else:
            assert country["routes"] and all(route["facts"] for route in country["routes"]), code


def test_at_least_45_countries_have_a_sourced_regulator_and_a_word_on_special_access() -> None:
    """The research goal of issue 17, held so that a later edit cannot quietly lose it."""
    researched = [
        code
        for code, country in raw_data()["countries"].items()
        if country["status"] != "not_researched"
    ]
    assert len(researched) >= 45, sorted(researched)


def test_every_african_country_is_researched_and_weak_only_facts_stay_to_be_confirmed() -> None:
    """All 54 were researched for issue 17 (the last four on 2026-12-04); a fact resting only on
    a weak source (such as a vendor's machine-written guide) is never shown as confirmed."""
    raw = raw_data()
    quality = {source["key"]: source["quality"] for source in raw["sources"]}
    unresearched = [c for c, v in raw["countries"].items() if v["status"] == "not_researched"]
    assert unresearched == []
    for where, entry in every_sourced_entry(raw):
        if all(quality[key] == "weak" for key in entry["sources"]):
            assert entry["confirmed"] is False, where
    for code in ("DJ", "GQ", "GW", "SC"):
        special = [f for f in raw["countries"][code]["facts"] if f["topic"] == "special_access"]
        assert special and not special[0]["confirmed"], code
