"""The supply API: pharmacists only, the JSON error shape, the same checks as the pages."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from repigment.accounts.models import ApiToken, Clinic, Membership, Role, User
from repigment.supply import stock
from repigment.supply.gs1 import parse_code
from repigment.supply.models import PackState, Recall
from tests.accounts.test_api import assert_error, bearer
from tests.conftest import World
from tests.supply.conftest import GTIN_60, GTIN_100, Catalogue
from tests.supply.test_recall_import import GOOD, HEADER

GS = "\x1d"


def token(user: User) -> dict[str, str]:
    return bearer(ApiToken.issue(user, "test")[1])


def test_parse_returns_the_elements(client: Client, world: World) -> None:
    text = f"]d201{GTIN_60}1745030010L24A{GS}21SN1"
    response = client.post(
        "/api/v1/supply/scan/parse",
        {"text": text},
        content_type="application/json",
        **token(world.pharmacist),
    )
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("gtin", "expiry", "expiry_is_month_end", "lot", "serial")} == {
        "gtin": GTIN_60,
        "expiry": "2045-03-31",
        "expiry_is_month_end": True,
        "lot": "L24A",
        "serial": "SN1",
    }
    assert (body["symbology"], body["spelling"]) == ("]d2", "element_string")
    assert body["hri"] == f"(01){GTIN_60}(17)450300(10)L24A(21)SN1"
    assert body["digital_link"] == f"https://id.gs1.org/01/{GTIN_60}/10/L24A/21/SN1?17=450300"


def test_a_bad_code_answers_422_with_each_element_named(client: Client, world: World) -> None:
    response = client.post(
        "/api/v1/supply/scan/parse",
        {"text": f"01{GTIN_60[:-1]}7{GS}10L1"},
        content_type="application/json",
        **token(world.pharmacist),
    )
    body = assert_error(response, 422, "invalid_code")
    assert body["fields"] == {
        "gtin": ["GTIN check digit should be 8, found 7"],
        "expiry": ["expiry (17) is missing"],
        "serial": ["serial (21) is missing"],
    }


def test_an_empty_text_is_a_validation_error(client: Client, world: World) -> None:
    response = client.post(
        "/api/v1/supply/scan/parse",
        {"text": ""},
        content_type="application/json",
        **token(world.pharmacist),
    )
    assert "text" in assert_error(response, 422, "invalid")["fields"]


def test_only_pharmacists_may_use_the_supply_api(client: Client, world: World) -> None:
    for user in (world.prescriber, world.clinic_admin, world.analyst, world.auditor):
        headers = token(user)
        assert_error(client.get("/api/v1/supply/products", **headers), 403, "forbidden")
        parse = client.post(
            "/api/v1/supply/scan/parse", {"text": "x"}, content_type="application/json", **headers
        )
        assert_error(parse, 403, "forbidden")
    assert_error(client.get("/api/v1/supply/recalls"), 401, "unauthenticated")


def test_verify_gives_each_verdict_and_the_decision(
    client: Client, world: World, catalogue: Catalogue
) -> None:
    payload = {"text": f"(01){GTIN_60}(17)450331(10)L24A(21)SN1", "declared_lots": ["L24B"]}
    response = client.post(
        "/api/v1/supply/scan/verify",
        payload,
        content_type="application/json",
        **token(world.pharmacist),
    )
    assert response.status_code == 200
    body = response.json()
    assert body["decision"] == "refuse"
    verdicts = {check["key"]: check["verdict"] for check in body["checks"]}
    assert verdicts == {
        "gtin_known": "pass",
        "shelf_life": "pass",
        "lot_expiry": "pass",
        "lot_declared": "fail",
        "not_recalled": "pass",
        "serial_new": "pass",
    }
    assert body["code"]["serial"] == "SN1"


def test_verify_finds_a_clone(client: Client, world: World, catalogue: Catalogue) -> None:
    code = parse_code(f"(01){GTIN_60}(17)450331(10)L24A(21)SN1")
    stock.receive(pharmacy=world.pharmacy, code=code, by=world.pharmacist, reason="r")
    response = client.post(
        "/api/v1/supply/scan/verify",
        {"text": code.hri},
        content_type="application/json",
        **token(world.pharmacist),
    )
    assert response.json()["decision"] == "quarantine"


def test_products_list_their_packs_lots_and_sources(
    client: Client, world: World, catalogue: Catalogue
) -> None:
    products = client.get("/api/v1/supply/products", **token(world.pharmacist)).json()
    assert [p["name"] for p in products] == ["Opzelura"]
    packs = {pack["gtin"]: pack for pack in products[0]["packs"]}
    assert set(packs) == {GTIN_60, GTIN_100}
    assert packs[GTIN_60]["size_grams"] == 60 and packs[GTIN_60]["demonstration_gtin"] is True
    assert packs[GTIN_60]["source"] == "fda-ndc-50881-007"
    assert [lot["number"] for lot in packs[GTIN_60]["lots"]] == ["L23R", "L24A"]


def test_packs_are_those_of_the_callers_own_pharmacies(
    client: Client, world: World, catalogue: Catalogue
) -> None:
    other = Clinic.objects.create(name="Other Pharmacy", city="Durban", kind=Clinic.Kind.PHARMACY)
    stranger = User.objects.create_user("p2@other.test", "x" * 16, full_name="P2")
    Membership.objects.create(user=stranger, clinic=other, role=Role.PHARMACIST)
    mine = stock.receive(
        pharmacy=world.pharmacy,
        by=world.pharmacist,
        reason="arrived",
        code=parse_code(f"(01){GTIN_60}(17)450331(10)L24A(21)MINE"),
    )
    stock.move(mine, PackState.AVAILABLE, by=world.pharmacist, reason="checked")
    stock.receive(
        pharmacy=other,
        by=stranger,
        reason="arrived",
        code=parse_code(f"(01){GTIN_60}(17)450331(10)L24A(21)THEIRS"),
    )
    packs = client.get("/api/v1/supply/packs", **token(world.pharmacist)).json()["items"]
    assert [p["serial"] for p in packs] == ["MINE"]
    assert [m["to_state"] for m in packs[0]["movements"]] == ["received", "available"]
    assert packs[0]["movements"][1]["by"] == world.pharmacist.email
    filtered = client.get("/api/v1/supply/packs?state=received", **token(world.pharmacist))
    assert filtered.json()["items"] == []
    bad = client.get("/api/v1/supply/packs?state=lost", **token(world.pharmacist))
    assert "state" in assert_error(bad, 422, "invalid")["fields"]


def test_recalls_are_listed_and_imported(
    client: Client, world: World, catalogue: Catalogue
) -> None:
    headers = token(world.pharmacist)
    upload = SimpleUploadedFile("r.csv", GOOD.encode(), "text/csv")
    created = client.post("/api/v1/supply/recalls/import", {"file": upload}, **headers)
    assert created.status_code == 201
    assert created.json() == {"rows": 3, "created": 3, "already_recorded_lines": []}
    listed = client.get("/api/v1/supply/recalls", **headers).json()["items"]
    assert {(r["scope"], r["lot"], r["serial"]) for r in listed} >= {
        ("lot", "L24B", ""),
        ("serial", "", "SN77"),
    }


def test_a_bad_recall_file_answers_422_by_line_and_writes_nothing(
    client: Client, world: World, catalogue: Catalogue
) -> None:
    bad = HEADER + f"{GTIN_60},,,2026-11-20,Reason,,Doc\n{GTIN_60},L1,,2026-11-20,,,Doc\n"
    upload = SimpleUploadedFile("bad.csv", bad.encode(), "text/csv")
    response = client.post(
        "/api/v1/supply/recalls/import", {"file": upload}, **token(world.pharmacist)
    )
    body = assert_error(response, 422, "invalid_file")
    assert body["fields"] == {
        "line 2": ["lot: Give the lot, the serial, or both."],
        "line 3": ["reason: The reason is missing."],
    }
    assert not Recall.objects.filter(imported_from="bad.csv").exists()
