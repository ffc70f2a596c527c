"""The public countries API: read-only, no log-in, routes and sourced facts, JSON errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.test import Client

from repigment.access.loader import LoadReport
from repigment.access.models import ChecklistItem, Fact
from tests.access.data import raw_data, researched, route_kinds, with_one_unresearched
from tests.accounts.test_api import assert_error, bearer


def every_sourced(items: list[dict[str, Any]]) -> None:
    for item in items:
        assert item["sources"], item
        assert item["read_by"] and item["verified_on"] == item["read_on"]
        assert item["due_for_recheck"] or item["read_on"]
        assert all(s["quality"] in {"primary", "secondary", "weak"} for s in item["sources"])
        assert all(s["url"].startswith(("http://", "https://")) for s in item["sources"])


def test_the_list_is_public_and_names_all_54_countries(
    client: Client, countries: LoadReport
) -> None:
    response = client.get("/api/v1/countries")
    assert response.status_code == 200
    body = response.json()
    assert len(body) == 54
    raw = raw_data()["countries"]["KE"]
    kenya = next(c for c in body if c["code"] == "KE")
    assert kenya == {
        "code": "KE",
        "name": "Kenya",
        "region": "eastern",
        "regulator_name": raw["regulator"]["name"],
        "regulator_url": raw["regulator"].get("website", ""),
        "registration": "unknown",
        "status": raw["status"],
        "researched": True,
        "route_kinds": sorted({r["kind"] for r in raw["routes"]}),
        "page": "/en/access/ke/",
    }
    assert {c["code"] for c in body if c["researched"]} == researched(raw_data())


def test_the_list_filters_like_the_page(client: Client, countries: LoadReport) -> None:
    named = client.get("/api/v1/countries", {"route": "named_patient"}).json()
    kinds = route_kinds(raw_data())
    assert {c["code"] for c in named} == {code for code, k in kinds.items() if "named_patient" in k}
    assert [c["code"] for c in client.get("/api/v1/countries", {"q": "ivory"}).json()] == ["CI"]


def test_a_bad_filter_is_a_422_naming_the_field(client: Client, countries: LoadReport) -> None:
    body = assert_error(client.get("/api/v1/countries", {"route": "smuggling"}), 422, "invalid")
    assert list(body["fields"]) == ["route"]


def test_a_country_comes_with_its_routes_checklist_and_sourced_facts(
    client: Client, countries: LoadReport
) -> None:
    body = client.get("/api/v1/countries/za").json()
    assert body["code"] == "ZA" and body["researched"] is True
    every_sourced(body["facts"])
    (route,) = body["routes"]
    assert route["slug"] == "section-21" and route["applicant"] == "prescriber"
    assert route["fee"] == {"amount": "400.00", "unit": "ZAR"}
    assert route["turnaround"] == {"amount": "3.00", "unit": "working_days"}
    assert route["validity"] == {"amount": "6.00", "unit": "months"}
    every_sourced(route["facts"])
    every_sourced(route["checklist"])
    unconfirmed = {i["code"] for i in route["checklist"] if not i["confirmed"]}
    assert unconfirmed == {"prescription", "package-insert"}
    shown = len(body["facts"]) + len(route["facts"]) + len(route["checklist"])
    in_db = (
        Fact.objects.filter(country__code="ZA").count()
        + Fact.objects.filter(route__country__code="ZA").count()
        + ChecklistItem.objects.filter(route__country__code="ZA").count()
    )
    assert shown == in_db


def test_an_unresearched_country_has_no_facts_and_no_routes(
    client: Client, db: None, tmp_path: Path
) -> None:
    code = with_one_unresearched(tmp_path)
    body = client.get(f"/api/v1/countries/{code}").json()
    assert body["researched"] is False and body["facts"] == [] and body["routes"] == []
    assert body["regulator_name"] == "" and body["registration"] == "unknown"
    assert body["status"] == "not_researched"


def test_an_unknown_code_is_a_404_in_the_api_error_shape(
    client: Client, countries: LoadReport
) -> None:
    for code in ("xx", "fr", "k1", "kenya"):
        body = assert_error(client.get(f"/api/v1/countries/{code}"), 404, "not_found")
        assert code in body["message"]


def test_no_token_is_needed_and_a_bad_one_does_not_matter(
    client: Client, countries: LoadReport
) -> None:
    assert client.get("/api/v1/countries/ke", **bearer("rpg_wrong")).status_code == 200


def test_the_api_is_read_only(client: Client, countries: LoadReport) -> None:
    assert client.post("/api/v1/countries", {}).status_code == 405
    assert client.delete("/api/v1/countries/ke").status_code == 405


def test_the_openapi_document_marks_the_countries_public(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/countries", "/api/v1/countries/{code}"):
        operation = schema["paths"][path]["get"]
        assert "security" not in operation or operation["security"] == [], path
