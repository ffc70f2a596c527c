"""The country data files and their loader: coverage, idempotence, and refusal of bad data."""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from repigment.access import demo, loader, trials
from repigment.access.datafiles import COUNTRIES_DIR, DATA_DIR
from repigment.access.loader import DataFileError, LoadReport, load_countries
from repigment.access.models import (
    AccessRoute,
    ChecklistItem,
    Country,
    DataLoad,
    Fact,
    Source,
    Topic,
)
from tests.access.data import Raw, countries_with, raw_data, researched, write

# The 54 African member states of the United Nations, written out independently of the files.
_MEMBERS = (
    "DZ AO BJ BW BF BI CV CM CF TD KM CG CD CI DJ EG GQ ER SZ ET GA GM GH GN GW KE LS LR LY "
    "MG MW ML MR MU MA MZ NA NE NG RW ST SN SC SL SO ZA SS SD TZ TG TN UG ZM ZW"
)
AFRICAN_UN_MEMBERS = set(_MEMBERS.split(" "))

ACCESS_MODELS = (Source, Country, AccessRoute, Fact, ChecklistItem, DataLoad)


def snapshot() -> dict[str, list[str]]:
    """Every row of the access tables, links to sources included."""
    rows = {m.__name__: sorted(map(repr, m.objects.values_list())) for m in ACCESS_MODELS}
    rows["fact sources"] = sorted(map(repr, Fact.sources.through.objects.values_list()))
    rows["item sources"] = sorted(map(repr, ChecklistItem.sources.through.objects.values_list()))
    return rows


def test_the_files_cover_exactly_the_54_african_un_member_states() -> None:
    files = sorted(path.stem for path in (DATA_DIR / COUNTRIES_DIR).glob("*.json"))
    assert len(files) == 54 and set(files) == AFRICAN_UN_MEMBERS
    assert all(raw_data()["countries"][code]["code"] == code for code in files)


def test_the_loaded_statuses_and_counts_are_those_of_the_files(countries: LoadReport) -> None:
    raw = raw_data()
    loaded = set(Country.objects.researched().values_list("code", flat=True))
    assert loaded == researched(raw)
    assert countries.countries == 54 and countries.researched == len(researched(raw))
    assert countries.route_found == len(countries_with(raw, "route_found"))
    assert countries.no_route_found == len(countries_with(raw, "no_route_found"))
    assert countries.not_researched == 54 - countries.researched
    unresearched = Country.objects.filter(status="not_researched")
    assert not unresearched.exclude(regulator_name="").exists(), "no guessed regulators"
    assert not unresearched.exclude(registration="unknown").exists()
    assert not Fact.objects.filter(country__in=unresearched).exists()


def test_every_source_in_the_file_is_cited(countries: LoadReport) -> None:
    unused = Source.objects.filter(facts__isnull=True, checklistitems__isnull=True)
    raw = json.loads((trials.DATA / "trials.json").read_text("utf-8"))
    by_trials = {key for trial in raw["trials"] for key in trial["sources"]}
    unused = unused.exclude(key__in=by_trials)  # cited by trials.json, read by access/trials.py
    assert not unused.exists(), list(unused.values_list("key", flat=True))


def test_a_fact_resting_only_on_weak_sources_is_never_confirmed(countries: LoadReport) -> None:
    for item in [*Fact.objects.all(), *ChecklistItem.objects.all()]:
        qualities = {s.quality for s in item.sources.all()}
        assert qualities, f"{item} has no source"
        if item.confirmed:
            assert qualities != {"weak"}, f"{item} is confirmed on weak sources only"


def test_section_21_carries_its_figures_and_the_regulation_29_checklist(
    countries: LoadReport,
) -> None:
    route = AccessRoute.objects.get(country__code="ZA", slug="section-21")
    fee, turnaround, validity = route.fee(), route.turnaround(), route.validity()
    assert fee is not None and (fee.amount, fee.unit) == (Decimal("400"), "ZAR")
    assert turnaround is not None and (turnaround.amount, turnaround.unit) == (3, "working_days")
    assert validity is not None and (validity.amount, validity.unit) == (6, "months")
    assert route.applicant == "prescriber"
    codes = set(route.checklist.values_list("code", flat=True))
    regulation_29 = {"application", "product-brochure", "informed-consent", "foreign-registration",
                     "gmp-evidence", "motivation"}  # fmt: skip
    assert regulation_29 | {"hpcsa-certificate", "proof-of-payment"} <= codes
    duties = route.facts.get(topic=Topic.DUTIES, text__contains="every 6 months")
    assert "within 30 days" in duties.text and duties.confirmed


def test_what_access_md_leaves_unconfirmed_stays_to_be_confirmed(countries: LoadReport) -> None:
    unconfirmed = Fact.objects.filter(confirmed=False)
    for fragment in ("SAHPGL-CEM-S21-02", "Government Notice 859", "single exit price rules",
                     "named-patient access scheme", "US$2,300", "Law 17-04"):  # fmt: skip
        assert unconfirmed.filter(text__contains=fragment).exists(), fragment
    za_items = ChecklistItem.objects.filter(route__country__code="ZA", confirmed=False)
    assert set(za_items.values_list("code", flat=True)) == {"prescription", "package-insert"}
    assert not Country.objects.exclude(registration="unknown").exists()


def test_loading_again_changes_nothing_and_a_forced_reload_keeps_every_row(
    countries: LoadReport,
) -> None:
    first = snapshot()
    again = load_countries()
    assert again.skipped and snapshot() == first
    forced = load_countries(force=True)
    assert not forced.skipped
    second = snapshot()
    del first["DataLoad"], second["DataLoad"]
    assert second == first, "a reload of the same file keeps every row and its id"
    assert DataLoad.objects.count() == 2


def test_admin_edits_last_until_a_changed_file_is_loaded(
    countries: LoadReport, tmp_path: Path
) -> None:
    fact = Fact.objects.filter(route__country__code="KE").first()
    assert fact is not None
    Fact.objects.filter(pk=fact.pk).update(text="Edited in the admin.")
    assert load_countries().skipped
    assert Fact.objects.get(pk=fact.pk).text == "Edited in the admin."
    raw = raw_data()
    raw["countries"]["DZ"]["other_names"] = ["Algérie"]
    report = load_countries(write(tmp_path, raw))
    assert not report.skipped
    assert Fact.objects.get(pk=fact.pk).text != "Edited in the admin.", "same row, file wins"


def test_a_changed_file_updates_adds_and_removes_in_place(
    countries: LoadReport, tmp_path: Path
) -> None:
    route = AccessRoute.objects.get(country__code="ZA", slug="section-21")
    item = route.checklist.get(code="motivation")
    raw = raw_data()
    za = raw["countries"]["ZA"]
    za["routes"][0]["checklist"] = [
        i for i in za["routes"][0]["checklist"] if i["code"] != "package-insert"
    ]
    kenya_route = raw["countries"]["KE"]["routes"][0]["slug"]
    raw["countries"]["KE"]["routes"][0]["name"] = "Renamed route"
    raw["countries"]["DZ"]["other_names"] = ["People's Democratic Republic of Algeria"]
    load_countries(write(tmp_path, raw))
    assert AccessRoute.objects.get(pk=route.pk) and ChecklistItem.objects.get(pk=item.pk)
    assert not route.checklist.filter(code="package-insert").exists()
    assert AccessRoute.objects.get(country__code="KE", slug=kenya_route).name == "Renamed route"
    assert "Democratic" in Country.objects.get(code="DZ").other_names


def test_a_re_check_outlives_a_reload_of_the_same_words_but_not_a_change(
    countries: LoadReport, tmp_path: Path
) -> None:
    fact = Fact.objects.filter(country__code="ZA", topic=Topic.REGULATOR).get()
    Fact.objects.filter(pk=fact.pk).update(read_on="2026-01-02", read_by="A maintainer")
    raw = raw_data()
    raw["countries"]["DZ"]["other_names"] = ["Algérie"]
    file_reading = raw["countries"]["ZA"]["facts"][0]["read_on"]
    if file_reading is not None and file_reading > "2026-01-02":
        pytest.skip("the file's own reading is newer than the re-check used here")
    load_countries(write(tmp_path, raw))
    kept = Fact.objects.get(pk=fact.pk)
    assert (str(kept.read_on), kept.read_by) == ("2026-01-02", "A maintainer")
    raw["countries"]["ZA"]["facts"][0]["text"] += " Reworded."
    load_countries(write(tmp_path, raw))
    changed = Fact.objects.get(pk=fact.pk)
    assert changed.read_by == raw["countries"]["ZA"]["facts"][0]["read_by"]


def _set(path: list[Any], value: Any) -> Callable[[Raw], None]:
    def change(raw: Raw) -> None:
        node: Any = raw
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value

    return change


def _unresearched(raw: Raw, code: str) -> dict[str, Any]:
    country: dict[str, Any] = raw["countries"][code]
    country.update(status="not_researched", registration="unknown", facts=[], routes=[])
    country.pop("regulator", None)
    return country


def _zambia_claims_a_regulator(raw: Raw) -> None:
    _unresearched(raw, "ZM")["regulator"] = {"name": "A guessed regulator"}


def _algeria_claims_a_route(raw: Raw) -> None:
    _unresearched(raw, "DZ")["status"] = "route_found"


def _a_file_under_another_code(raw: Raw) -> None:
    raw["countries"]["XX"] = copy.deepcopy(raw["countries"]["KE"])


def _researched_without_a_regulator(raw: Raw) -> None:
    kenya = raw["countries"]["KE"]
    kenya.pop("regulator")
    kenya["facts"] = [f for f in kenya["facts"] if f["topic"] != "regulator"]


def _no_route_without_saying_what_was_read(raw: Raw) -> None:
    kenya = raw["countries"]["KE"]
    kenya["routes"] = []
    kenya["status"] = "no_route_found"
    kenya["facts"] = [f for f in kenya["facts"] if f["topic"] != "special_access"]


def _a_pack_on_a_fee(raw: Raw) -> None:
    fee = next(f for f in raw["countries"]["ZA"]["routes"][0]["facts"] if f["topic"] == "fee")
    fee["pack_grams"] = "60"


BAD_FILES = [
    pytest.param(
        _set(["countries", "NG", "region"], "central"), "countries/NG.json: region", id="region"
    ),
    pytest.param(
        _set(["countries", "ZA", "routes", 0, "facts", 0, "sources"], ["nowhere"]),
        "countries/ZA.json: routes[0] (section-21).facts[0] (legal_basis).sources: unknown source",
        id="unknown-source",
    ),
    pytest.param(
        _set(["countries", "ZA", "routes", 0, "facts", 12, "unit"], "rand"),
        "routes[0] (section-21).facts[12] (fee).unit: a fee needs a three-letter currency code",
        id="fee-without-currency",
    ),
    pytest.param(
        _set(["countries", "KE", "facts", 0, "topic"], "fee"),
        "countries/KE.json: facts[0] (fee).topic: 'fee' does not belong here",
        id="route-topic-on-a-country",
    ),
    pytest.param(
        _set(["countries", "KE", "facts", 0, "read_on"], "26/11/2026"),
        "countries/KE.json: facts[0] (regulator).read_on",
        id="date-not-iso",
    ),
    pytest.param(
        _set(["countries", "KE", "facts", 0, "read_on"], "2999-01-01"),
        "countries/KE.json: facts[0] (regulator).read_on: 2999-01-01 is in the future",
        id="read-in-the-future",
    ),
    pytest.param(
        _set(["countries", "KE", "facts", 0, "read_by"], ""),
        "countries/KE.json: facts[0] (regulator).read_by: String should have at least 1",
        id="reader-missing",
    ),
    pytest.param(
        _set(["countries", "KE", "facts", 0, "sources"], []),
        "countries/KE.json: facts[0] (regulator).sources: List should have at least 1 item",
        id="fact-without-source",
    ),
    pytest.param(
        _set(["countries", "KE", "facts", 0, "colour"], "red"),
        "countries/KE.json: facts[0] (regulator).colour: Extra inputs are not permitted",
        id="unknown-field",
    ),
    pytest.param(
        _zambia_claims_a_regulator,
        "countries/ZM.json: regulator: a regulator needs a 'regulator' fact",
        id="unsourced-regulator",
    ),
    pytest.param(
        _set(["countries", "KE", "status"], "not_researched"),
        "countries/KE.json: status: a country not yet researched has no regulator, facts",
        id="status-hides-research",
    ),
    pytest.param(
        _set(["countries", "KE", "status"], "no_route_found"),
        "countries/KE.json: status: it lists routes: the status is 'route_found'",
        id="status-hides-a-route",
    ),
    pytest.param(
        _algeria_claims_a_route,
        "countries/DZ.json: status: 'route_found' needs at least one route",
        id="status-claims-a-route",
    ),
    pytest.param(
        _researched_without_a_regulator,
        "countries/KE.json: regulator: a researched country names its regulator",
        id="researched-without-regulator",
    ),
    pytest.param(
        _no_route_without_saying_what_was_read,
        "countries/KE.json: facts: no route found needs a 'special_access' fact",
        id="no-route-unexplained",
    ),
    pytest.param(
        _a_pack_on_a_fee,
        "(fee).pack_grams: a pack size belongs only to a price with an amount",
        id="pack-on-a-fee",
    ),
    pytest.param(
        _a_file_under_another_code,
        "countries/XX.json: code: 'KE' does not match the file name",
        id="file-name-and-code-differ",
    ),
    pytest.param(
        _set(["sources", 0, "url"], "not a url"),
        "sources.json: sources[0] (sahpra-unregistered-products).url: not a valid http(s)",
        id="bad-url",
    ),
]


@pytest.mark.parametrize(("spoil", "named"), BAD_FILES)
def test_bad_data_is_refused_naming_file_entry_and_field_and_nothing_is_written(
    db: None, tmp_path: Path, spoil: Callable[[Raw], None], named: str
) -> None:
    raw = raw_data()
    spoil(raw)
    with pytest.raises(DataFileError) as refused:
        load_countries(write(tmp_path, raw))
    assert named in str(refused.value)
    assert "nothing written" in str(refused.value)
    assert not any(model.objects.exists() for model in ACCESS_MODELS)


def test_a_weak_source_alone_cannot_confirm_a_fact(db: None, tmp_path: Path) -> None:
    raw = raw_data()
    weak = next(s["key"] for s in raw["sources"] if s["quality"] == "weak")
    fact = raw["countries"]["KE"]["facts"][0]
    fact.update(sources=[weak], confirmed=True)
    with pytest.raises(DataFileError, match=r"KE\.json: facts\[0\] \(regulator\)\.confirmed"):
        load_countries(write(tmp_path, raw))


def test_bad_data_leaves_loaded_data_untouched(countries: LoadReport, tmp_path: Path) -> None:
    before = snapshot()
    raw = raw_data()
    raw["countries"]["ZA"]["name"] = "Renamed"
    raw["countries"]["KE"]["region"] = "nowhere"
    with pytest.raises(DataFileError):
        load_countries(write(tmp_path, raw))
    assert snapshot() == before


def test_text_that_is_not_json_is_refused_with_its_file_and_line(db: None, tmp_path: Path) -> None:
    folder = write(tmp_path, raw_data())
    (folder / COUNTRIES_DIR / "KE.json").write_text('{"code": "KE",\n "name": }')
    with pytest.raises(
        DataFileError, match=r"countries/KE\.json: the file: not valid JSON at line 2"
    ):
        load_countries(folder)


def test_a_crash_in_the_middle_of_a_load_leaves_nothing_half_written(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(loader, "_write_checklists", crash)
    with pytest.raises(RuntimeError):
        load_countries()
    assert not any(model.objects.exists() for model in ACCESS_MODELS)


def test_the_command_loads_reports_and_refuses_bad_data(db: None, tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("load_countries", stdout=out)
    raw = raw_data()
    found, none = (
        len(countries_with(raw, "route_found")),
        len(countries_with(raw, "no_route_found")),
    )
    assert (
        f"54 countries ({found} with a route, {none} researched with none found" in out.getvalue()
    )
    call_command("load_countries", stdout=out)
    assert "already loaded" in out.getvalue()
    raw["countries"]["GH"]["code"] = "gh"
    wrong_code = r"countries/GH\.json: code: String should match pattern"
    with pytest.raises(CommandError, match=wrong_code):
        call_command("load_countries", "--dir", str(write(tmp_path, raw)), stdout=out)
    with pytest.raises(CommandError, match="No data folder"):
        call_command("load_countries", "--dir", str(tmp_path / "missing"), stdout=out)


def test_the_demo_builder_loads_the_countries_once(db: None) -> None:
    steps: list[str] = []
    demo.build(steps.append)
    demo.build(steps.append)
    assert Country.objects.count() == 54 and DataLoad.objects.count() == 1
    assert steps == [f"countries: {len(researched(raw_data()))} of 54 researched"] * 2
