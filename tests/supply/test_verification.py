"""Each check's verdicts and reasons, the decision, and the facts read from the database."""

from __future__ import annotations

from datetime import date

import pytest

from repigment.supply import stock
from repigment.supply.gs1 import PackCode, parse_code
from repigment.supply.models import PackState
from repigment.supply.services import verify_code
from repigment.supply.verification import (
    Check,
    Decision,
    EarlierPack,
    Facts,
    KnownPack,
    RecallFact,
    Verdict,
    decide,
    gtin_known,
    lot_declared,
    lot_expiry_matches,
    not_recalled,
    serial_new,
    shelf_life,
    verify,
)
from tests.conftest import World
from tests.supply.conftest import GTIN_60, UNKNOWN_GTIN, Catalogue

TODAY = date(2026, 11, 26)
KNOWN = KnownPack("Opzelura 1.5 % cream, 60 g (United States (FDA))")


def code(expiry: str = "450331", lot: str = "L24A", serial: str = "SN1", gtin: str = GTIN_60):
    return parse_code(f"(01){gtin}(17){expiry}(10){lot}(21){serial}")


def recall(scope: str, lot: str = "", serial: str = "") -> RecallFact:
    return RecallFact(scope, lot, serial, date(2026, 10, 1), "Cream separated", "Notice 7")


# --- one check at a time ----------------------------------------------------------------------


def test_a_known_gtin_passes_and_names_the_pack() -> None:
    check = gtin_known(code(), KNOWN)
    assert check.verdict == Verdict.PASS
    assert check.reason == f"GTIN {GTIN_60} is Opzelura 1.5 % cream, 60 g (United States (FDA))."


def test_an_unknown_gtin_fails() -> None:
    check = gtin_known(code(gtin=UNKNOWN_GTIN), None)
    assert (check.verdict, check.reason) == (
        Verdict.FAIL,
        f"GTIN {UNKNOWN_GTIN} is not a product pack in the catalogue.",
    )


@pytest.mark.parametrize(
    ("expiry", "days", "verdict", "reason"),
    [
        ("261125", None, Verdict.FAIL, "Expired: expires on 2026-11-25."),
        ("261000", 30, Verdict.FAIL, "Expired: expires at the end of 10/2026 (2026-10-31)."),
        (
            "261126",
            None,
            Verdict.PASS,
            "Not expired: expires on 2026-11-26. No treatment period given, so shelf life was not "
            "judged.",
        ),
        (
            "270101",
            56,
            Verdict.WARN,
            "expires on 2027-01-01: before the end of a 56-day treatment period (2027-01-21).",
        ),
        (
            "270121",
            56,
            Verdict.PASS,
            "expires on 2027-01-21: in date for a 56-day treatment period (to 2027-01-21).",
        ),
    ],
)
def test_shelf_life(expiry: str, days: int | None, verdict: Verdict, reason: str) -> None:
    check = shelf_life(code(expiry=expiry), TODAY, days)
    assert (check.verdict, check.reason) == (verdict, reason)


def test_the_lot_expiry_is_compared_with_the_catalogue() -> None:
    assert lot_expiry_matches(code(), date(2045, 3, 31)).verdict == Verdict.PASS
    mismatch = lot_expiry_matches(code(), date(2028, 6, 30))
    assert (mismatch.verdict, mismatch.reason) == (
        Verdict.WARN,
        "The code says 2045-03-31 but lot L24A is recorded with expiry 2028-06-30.",
    )
    new = lot_expiry_matches(code(), None)
    assert (new.verdict, new.reason) == (
        Verdict.PASS,
        "Lot L24A is new to the catalogue; there is no recorded expiry to compare.",
    )


def test_the_lot_must_be_one_declared() -> None:
    assert lot_declared(code(), {"L24A", "L24B"}).reason == (
        "Lot L24A is one of the lots declared (L24A, L24B)."
    )
    refused = lot_declared(code(lot="L99"), {"L24A", "L24B"})
    assert (refused.verdict, refused.reason) == (
        Verdict.FAIL,
        "Lot L99 is not among the lots declared (L24A, L24B).",
    )
    assert lot_declared(code(), set()).reason == "Lot L24A is not among the lots declared (none)."


def test_a_recalled_lot_or_serial_fails_with_the_recall_and_its_source() -> None:
    lot = not_recalled(code(lot="L23R"), [recall("lot", lot="L23R")])
    assert (lot.verdict, lot.quarantine) == (Verdict.FAIL, True)
    assert lot.reason == "Lot L23R was recalled on 2026-10-01: Cream separated (source: Notice 7)."
    one = not_recalled(code(serial="SN9"), [recall("serial", serial="SN9")])
    assert one.reason == (
        "Serial SN9 was recalled on 2026-10-01: Cream separated (source: Notice 7)."
    )


def test_recalls_of_other_lots_or_serials_do_not_touch_the_pack() -> None:
    check = not_recalled(code(), [recall("lot", lot="L23R"), recall("serial", serial="SN9")])
    assert (check.verdict, check.reason) == (
        Verdict.PASS,
        "Neither lot L24A nor serial SN1 is recalled.",
    )


def test_a_new_serial_passes() -> None:
    check = serial_new(code(), [])
    assert (check.verdict, check.reason) == (
        Verdict.PASS,
        "Serial SN1 has never been received before.",
    )


def test_a_serial_received_before_is_a_suspected_clone() -> None:
    earlier = [
        EarlierPack(date(2026, 11, 2), "Dispensed", here=False, pack_id=7),
        EarlierPack(date(2026, 9, 1), "Dispensed", here=True, pack_id=3),
    ]
    check = serial_new(code(), earlier)
    assert (check.verdict, check.quarantine) == (Verdict.FAIL, True)
    assert check.reason == (
        "Serial SN1 of this GTIN was already received by this pharmacy on 2026-09-01 (now "
        "Dispensed): suspected falsified (cloned) pack. Quarantine it and report it."
    )
    elsewhere = serial_new(code(), earlier[:1])
    assert "already received elsewhere in Repigment on 2026-11-02" in elsewhere.reason


def test_the_same_code_twice_in_one_session_is_a_double_scan_not_a_clone() -> None:
    earlier = [EarlierPack(TODAY, "Received", here=True, pack_id=5)]  # stored by the first scan
    check = serial_new(code(), earlier, session_codes={(GTIN_60, "SN1")})
    assert check.verdict == Verdict.WARN
    assert check.reason == (
        "Serial SN1 was already scanned in this receiving session: a double scan, counted once, "
        "not a second pack."
    )


# --- the decision -----------------------------------------------------------------------------


def _check(verdict: Verdict, quarantine: bool = False) -> Check:
    return Check("k", "t", verdict, "r", quarantine)


@pytest.mark.parametrize(
    ("verdicts", "decision"),
    [
        ([_check(Verdict.PASS), _check(Verdict.PASS)], Decision.ACCEPT),
        ([_check(Verdict.PASS), _check(Verdict.WARN)], Decision.REVIEW),
        ([_check(Verdict.WARN), _check(Verdict.FAIL)], Decision.REFUSE),
        ([_check(Verdict.FAIL), _check(Verdict.FAIL, quarantine=True)], Decision.QUARANTINE),
    ],
)
def test_accept_only_when_every_check_passes(verdicts: list[Check], decision: Decision) -> None:
    assert decide(verdicts) == decision


def test_a_double_scan_overrides_the_rest() -> None:
    assert decide([_check(Verdict.FAIL, quarantine=True)], double_scan=True) == Decision.DOUBLE_SCAN


def test_verify_runs_the_lot_check_only_when_lots_are_declared() -> None:
    facts = Facts(known_pack=KNOWN, lot_expiry=date(2045, 3, 31))
    without = verify(code(), facts, today=TODAY)
    assert [c.key for c in without.checks] == [
        "gtin_known",
        "shelf_life",
        "lot_expiry",
        "not_recalled",
        "serial_new",
    ]
    assert without.decision == Decision.ACCEPT and without.accepted
    declared = verify(code(), facts, today=TODAY, declared_lots=["L99"])
    assert "lot_declared" in [c.key for c in declared.checks]
    assert declared.decision == Decision.REFUSE


def test_a_clone_is_quarantined_and_points_at_the_earlier_pack() -> None:
    facts = Facts(KNOWN, earlier_packs=[EarlierPack(TODAY, "Available", here=True, pack_id=42)])
    result = verify(code(), facts, today=TODAY)
    assert result.decision == Decision.QUARANTINE
    assert result.suspected_clone and result.clone_of == (42,)
    double = verify(code(), facts, today=TODAY, session_codes={(GTIN_60, "SN1")})
    assert double.decision == Decision.DOUBLE_SCAN and double.clone_of == ()
    assert not double.suspected_clone


# --- facts from the database ------------------------------------------------------------------


def _verdicts(result_code: PackCode, **kwargs: object) -> dict[str, Verdict]:
    result = verify_code(result_code, today=TODAY, **kwargs)  # type: ignore[arg-type]
    return {check.key: check.verdict for check in result.checks}


def test_a_good_pack_passes_every_check(catalogue: Catalogue) -> None:
    result = verify_code(code(), today=TODAY, treatment_days=84)
    assert result.decision == Decision.ACCEPT
    assert {c.verdict for c in result.checks} == {Verdict.PASS}


def test_the_database_facts_drive_each_verdict(world: World, catalogue: Catalogue) -> None:
    assert _verdicts(code(gtin=UNKNOWN_GTIN))["gtin_known"] == Verdict.FAIL
    assert _verdicts(code(lot="L23R", expiry="441231"))["not_recalled"] == Verdict.FAIL
    assert _verdicts(code(expiry="280630"))["lot_expiry"] == Verdict.WARN
    pack = stock.receive(pharmacy=world.pharmacy, code=code(), by=world.pharmacist, reason="r")
    stock.move(pack, PackState.AVAILABLE, by=world.pharmacist, reason="ok")
    stock.move(pack, PackState.DISPENSED, by=world.pharmacist, reason="to a patient")
    clone = verify_code(code(), today=TODAY, pharmacy_ids=[world.pharmacy.pk])
    assert clone.decision == Decision.QUARANTINE and clone.clone_of == (pack.pk,)
    serial = next(c for c in clone.checks if c.key == "serial_new")
    assert (
        "already received by this pharmacy" in serial.reason and "(now Dispensed)" in serial.reason
    )
    elsewhere = verify_code(code(), today=TODAY, pharmacy_ids=[])
    assert "elsewhere in Repigment" in elsewhere.checks[-1].reason


def test_a_serial_recall_in_the_database_is_found(world: World, catalogue: Catalogue) -> None:
    catalogue.pack_60.recalls.create(
        scope="serial",
        serial="SN1",
        reason="Stolen stock",
        recalled_on=date(2026, 11, 1),
        source_url="https://example.org/notice",
        entered_by=world.pharmacist,
    )
    result = verify_code(code(), today=TODAY)
    assert result.decision == Decision.QUARANTINE
    recalled = next(c for c in result.checks if c.key == "not_recalled")
    assert recalled.reason == (
        "Serial SN1 was recalled on 2026-11-01: Stolen stock (source: https://example.org/notice)."
    )
