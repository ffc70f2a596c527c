"""The country data file and its loader: coverage, idempotence, and refusal of bad files."""

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

from repigment.access import demo, loader
from repigment.access.loader import DATA_FILE, DataFileError, LoadReport, load_countries
from repigment.access.models import (
    AccessRoute,
    ChecklistItem,
    Country,
    DataLoad,
    Fact,
    Source,
    Topic,
)

# The 54 African member states of the United Nations, written out independently of the file.
_MEMBERS = (
    "DZ AO BJ BW BF BI CV CM CF TD KM CG CD CI DJ EG GQ ER SZ ET GA GM GH GN GW KE LS LR LY "
    "MG MW ML MR MU MA MZ NA NE NG RW ST SN SC SL SO ZA SS SD TZ TG TN UG ZM ZW"
)
AFRICAN_UN_MEMBERS = set(_MEMBERS.split(" "))
# ACCESS.md section 2 (and section 1 for South Africa).
RESEARCHED = {"ZA", "NG", "KE", "EG", "MA", "GH", "ET", "ZW", "NA", "BW", "TZ", "UG", "RW"}

ACCESS_MODELS = (Source, Country, AccessRoute, Fact, ChecklistItem, DataLoad)


def raw_file() -> dict[str, Any]:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def snapshot() -> dict[str, list[str]]:
    """Every row of the access tables, links to sources included."""
    rows = {m.__name__: sorted(map(repr, m.objects.values_list())) for m in ACCESS_MODELS}
    rows["fact sources"] = sorted(map(repr, Fact.sources.through.objects.values_list()))
    rows["item sources"] = sorted(map(repr, ChecklistItem.sources.through.objects.values_list()))
    return rows


def country(raw: dict[str, Any], code: str) -> dict[str, Any]:
    return next(entry for entry in raw["countries"] if entry["code"] == code)


def write(tmp_path: Path, raw: dict[str, Any] | str) -> Path:
    path = tmp_path / "countries.json"
    path.write_text(raw if isinstance(raw, str) else json.dumps(raw), encoding="utf-8")
    return path


def test_the_file_covers_exactly_the_54_african_un_member_states() -> None:
    raw = raw_file()
    codes = [entry["code"] for entry in raw["countries"]]
    assert len(codes) == 54 and set(codes) == AFRICAN_UN_MEMBERS
    assert isinstance(raw["version"], int) and raw["updated"]


def test_the_researched_countries_are_those_of_the_research_notes(countries: LoadReport) -> None:
    researched = Country.objects.with_research().filter(researched=True)
    assert set(researched.values_list("code", flat=True)) == RESEARCHED
    assert countries.countries == 54 and countries.researched == 13
    unresearched = Country.objects.exclude(code__in=RESEARCHED)
    assert not unresearched.exclude(regulator_name="").exists(), "no guessed regulators"
    assert not unresearched.exclude(registration="unknown").exists()


def test_every_source_in_the_file_is_cited(countries: LoadReport) -> None:
    unused = Source.objects.filter(facts__isnull=True, checklistitems__isnull=True)
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
                     "named-patient access scheme", "US$2,300", "Direction du M"):  # fmt: skip
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
    raw = raw_file()
    raw["version"] += 1
    report = load_countries(write(tmp_path, raw))
    assert report.version == raw["version"] and not report.skipped
    assert Fact.objects.get(pk=fact.pk).text != "Edited in the admin.", "same row, file wins"


def test_a_changed_file_updates_adds_and_removes_in_place(
    countries: LoadReport, tmp_path: Path
) -> None:
    route = AccessRoute.objects.get(country__code="ZA", slug="section-21")
    item = route.checklist.get(code="motivation")
    raw = raw_file()
    za = country(raw, "ZA")
    za["routes"][0]["checklist"] = [
        i for i in za["routes"][0]["checklist"] if i["code"] != "package-insert"
    ]
    country(raw, "KE")["routes"] = []
    country(raw, "DZ")["other_names"] = ["People's Democratic Republic of Algeria"]
    load_countries(write(tmp_path, raw))
    assert AccessRoute.objects.get(pk=route.pk) and ChecklistItem.objects.get(pk=item.pk)
    assert not route.checklist.filter(code="package-insert").exists()
    assert not AccessRoute.objects.filter(country__code="KE").exists()
    assert "Democratic" in Country.objects.get(code="DZ").other_names


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(raw: dict[str, Any]) -> None:
        node: Any = raw
        for part in path[:-1]:
            if isinstance(part, str) and len(part) == 2:  # a country code
                node = next(entry for entry in node if entry["code"] == part)
            else:
                node = node[part]
        node[path[-1]] = value

    return change


def _zambia_claims_a_regulator(raw: dict[str, Any]) -> None:
    country(raw, "ZM")["regulator"] = {"name": "A guessed regulator"}


def _duplicate_kenya(raw: dict[str, Any]) -> None:
    raw["countries"].append(copy.deepcopy(country(raw, "KE")))


BAD_FILES = [
    pytest.param(
        _set(["countries", "NG", "region"], "central"),
        "countries[{NG}] (NG).region",
        id="unknown-region",
    ),
    pytest.param(
        _set(["countries", "ZA", "routes", 0, "facts", 0, "sources"], ["nowhere"]),
        "(ZA).routes[0] (section-21).facts[0] (legal_basis).sources: unknown source",
        id="unknown-source",
    ),
    pytest.param(
        _set(["countries", "EG", "facts", 0, "confirmed"], True),
        "countries[{EG}] (EG).facts[0] (regulator).confirmed: only weak sources",
        id="confirmed-on-weak-sources",
    ),
    pytest.param(
        _set(["countries", "ZA", "routes", 0, "facts", 12, "unit"], "rand"),
        "(section-21).facts[12] (fee).unit: a fee needs a three-letter currency code",
        id="fee-without-currency",
    ),
    pytest.param(
        _set(["countries", "KE", "facts", 0, "topic"], "fee"),
        "countries[{KE}] (KE).facts[0] (fee).topic: 'fee' does not belong here",
        id="route-topic-on-a-country",
    ),
    pytest.param(
        _set(["countries", "KE", "facts", 0, "verified"], "26/11/2026"),
        "countries[{KE}] (KE).facts[0] (regulator).verified",
        id="date-not-iso",
    ),
    pytest.param(
        _set(["countries", "KE", "facts", 0, "verified"], "2999-01-01"),
        "(KE).facts[0] (regulator).verified: 2999-01-01 is in the future",
        id="verified-in-the-future",
    ),
    pytest.param(
        _set(["countries", "KE", "facts", 0, "sources"], []),
        "(KE).facts[0] (regulator).sources: List should have at least 1 item",
        id="fact-without-source",
    ),
    pytest.param(
        _set(["countries", "KE", "facts", 0, "colour"], "red"),
        "(KE).facts[0] (regulator).colour: Extra inputs are not permitted",
        id="unknown-field",
    ),
    pytest.param(_set(["version"], "one"), "version: Input should be a valid integer", id="vers"),
    pytest.param(
        _zambia_claims_a_regulator,
        "(ZM).regulator: a regulator needs a 'regulator' fact",
        id="unsourced-regulator",
    ),
    pytest.param(_duplicate_kenya, "countries[54] (KE).code: duplicate code 'KE'", id="duplicate"),
    pytest.param(
        _set(["sources", 0, "url"], "not a url"),
        "sources[0] (sahpra-unregistered-products).url: not a valid http(s) address",
        id="bad-url",
    ),
]


@pytest.mark.parametrize(("spoil", "named"), BAD_FILES)
def test_a_bad_file_is_refused_naming_entry_and_field_and_nothing_is_written(
    db: None, tmp_path: Path, spoil: Callable[[dict[str, Any]], None], named: str
) -> None:
    raw = raw_file()
    spoil(raw)
    with pytest.raises(DataFileError) as refused:
        load_countries(write(tmp_path, raw))
    index = {entry["code"]: i for i, entry in enumerate(raw_file()["countries"])}
    assert named.format(**index) in str(refused.value)
    assert "nothing written" in str(refused.value)
    assert not any(model.objects.exists() for model in ACCESS_MODELS)


def test_a_bad_file_leaves_loaded_data_untouched(countries: LoadReport, tmp_path: Path) -> None:
    before = snapshot()
    raw = raw_file()
    country(raw, "ZA")["name"] = "Renamed"
    country(raw, "KE")["region"] = "nowhere"
    with pytest.raises(DataFileError):
        load_countries(write(tmp_path, raw))
    assert snapshot() == before


def test_text_that_is_not_json_is_refused_with_its_line(db: None, tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="not valid JSON at line 2, column 13"):
        load_countries(write(tmp_path, '{"version": 1,\n "updated": }'))


def test_a_crash_in_the_middle_of_a_load_leaves_nothing_half_written(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(loader, "_write_checklists", crash)
    with pytest.raises(RuntimeError):
        load_countries()
    assert not any(model.objects.exists() for model in ACCESS_MODELS)


def test_the_command_loads_reports_and_refuses_bad_files(db: None, tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("load_countries", stdout=out)
    assert "54 countries (13 researched)" in out.getvalue()
    call_command("load_countries", stdout=out)
    assert "already loaded" in out.getvalue()
    raw = raw_file()
    country(raw, "GH")["code"] = "gh"
    wrong_code = r"countries\[\d+\] \(gh\)\.code: String should match pattern"
    with pytest.raises(CommandError, match=wrong_code):
        call_command("load_countries", "--file", str(write(tmp_path, raw)), stdout=out)
    with pytest.raises(CommandError, match="No data file"):
        call_command("load_countries", "--file", str(tmp_path / "missing.json"), stdout=out)


def test_the_demo_builder_loads_the_countries_once(db: None) -> None:
    steps: list[str] = []
    demo.build(steps.append)
    demo.build(steps.append)
    assert Country.objects.count() == 54 and DataLoad.objects.count() == 1
    version = raw_file()["version"]
    assert steps == [f"countries: data version {version}"] * 2
