"""Recalls from a CSV file: each bad row reported by line; nothing written unless all are good."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from repigment.accounts.models import AuditAction, AuditEntry
from repigment.supply.models import Recall
from repigment.supply.recalls import import_recalls, template_csv
from tests.conftest import World
from tests.supply.conftest import GTIN_60, GTIN_100, UNKNOWN_GTIN, Catalogue

TODAY = date(2026, 11, 26)
HEADER = "gtin,lot,serial,recalled_on,reason,source_url,source_document\n"
GOOD = (
    HEADER
    + f"{GTIN_60},L24B,,2026-11-20,Crystals in the cream,https://example.org/r/1,\n"
    + f'{GTIN_100},,SN77,2026-11-21,Pack reported stolen,,"Letter 12, SAHPRA"\n'
    + f'{GTIN_60},L24A,SN5,2026-11-22,"Tamper seal broken,\nreported by a patient",,Email\n'
)


def run(world: World, text: str, **kwargs: object):  # type: ignore[no-untyped-def]
    data = text.encode("utf-8") if isinstance(text, str) else text
    return import_recalls(
        data, entered_by=world.pharmacist, today=TODAY, file_name="r.csv", **kwargs
    )  # type: ignore[arg-type]


def test_a_good_file_is_imported_whole(world: World, catalogue: Catalogue) -> None:
    report = run(world, GOOD)
    assert report.ok and report.rows == 3 and len(report.created) == 3
    lot = Recall.objects.get(lot_number="L24B")
    assert (lot.scope, lot.product_pack, lot.recalled_on, lot.source_url) == (
        Recall.Scope.LOT,
        catalogue.pack_60,
        date(2026, 11, 20),
        "https://example.org/r/1",
    )
    serial = Recall.objects.get(serial="SN77")
    assert (serial.scope, serial.source_document, serial.entered_by) == (
        Recall.Scope.SERIAL,
        "Letter 12, SAHPRA",
        world.pharmacist,
    )
    assert Recall.objects.get(serial="SN5").reason == "Tamper seal broken,\nreported by a patient"
    assert Recall.objects.get(serial="SN5").imported_from == "r.csv"
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_type="recall_import")
    assert entry.object_id == "3 from r.csv" and entry.actor == world.pharmacist


def test_a_file_with_bad_rows_reports_each_and_writes_nothing(
    world: World, catalogue: Catalogue
) -> None:
    before = Recall.objects.count()
    bad = (
        HEADER
        + f"{GTIN_60},L24B,,2026-11-20,Crystals,https://example.org/r/1,\n"  # good: line 2
        + "09520000000607,L1,,2026-11-20,Reason,,Doc\n"  # line 3
        + f"{UNKNOWN_GTIN},L1,,2026-11-20,Reason,,Doc\n"  # line 4
        + f"{GTIN_60},,,2026-11-20,Reason,,Doc\n"  # line 5
        + f"{GTIN_60},L1,,20/11/2026,Reason,,Doc\n"  # line 6
        + f"{GTIN_60},L1,,2027-01-01,,,\n"  # line 7
        + f"{GTIN_60},L 1,,2026-11-20,Reason,ftp://x,\n"  # line 8
        + "\n"  # line 9: blank, skipped
        + f"{GTIN_60},L24B,,2026-11-20,Again,,Doc\n"  # line 10: repeats line 2
        + f"{GTIN_60},L2,,2026-11-20,Reason,,Doc,extra\n"  # line 11
    )
    report = run(world, bad)
    assert not report.ok
    assert [str(error) for error in report.errors] == [
        "line 3, gtin: GTIN check digit should be 8, found 7",
        f"line 4, gtin: GTIN {UNKNOWN_GTIN} is not in the catalogue; add the product pack first.",
        "line 5, lot: Give the lot, the serial, or both.",
        "line 6, recalled_on: “20/11/2026” is not a date written as YYYY-MM-DD.",
        "line 7, recalled_on: “2027-01-01” is in the future.",
        "line 7, reason: The reason is missing.",
        "line 7, source_url: Give the source: a web address (source_url) or the document "
        "(source_document).",
        "line 8, lot: lot (10) contains characters a GS1 code cannot hold: “ ”",
        "line 8, source_url: “ftp://x” is not a web address (http:// or https://).",
        "line 10: Repeats line 2.",
        "line 11: More values than the header has columns.",
    ]
    assert report.created == [] and Recall.objects.count() == before


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b"", "file: The file is empty."),
        (b"\xff\xfegtin", "file: The file is not UTF-8 text (byte 0). Save it as “CSV UTF-8”."),
        (HEADER, "file: The file has a header but no recall rows."),
        ("gtin,lot,reason,source_url,when\n", "line 1, recalled_on: This column is missing."),
        (
            "gtin,recalled_on,reason,source_url\n",
            "line 1, lot: Give a lot column, a serial column, or both.",
        ),
        (
            "gtin,lot,recalled_on,reason\n",
            "line 1, source_url: Give a source_url column, a source_document column, or both.",
        ),
    ],
)
def test_a_file_that_cannot_be_read_says_why(
    world: World, catalogue: Catalogue, text: str | bytes, message: str
) -> None:
    report = run(world, text)
    assert message in [str(error) for error in report.errors]
    assert not Recall.objects.filter(imported_from="r.csv").exists()


def test_an_unknown_column_is_named(world: World, catalogue: Catalogue) -> None:
    report = run(world, "gtin,lot,recalled_on,reason,source_url,when\n")
    assert str(report.errors[0]).startswith("line 1, when: Unknown column; the columns are: gtin,")


def test_a_semicolon_file_from_a_french_spreadsheet_with_a_bom_is_read(
    world: World, catalogue: Catalogue
) -> None:
    text = "\ufeffGTIN;Lot;Recalled_on;Reason;Source_document\n" + (
        f"{GTIN_60};L24C;2026-11-02;Rappel: particules visibles;Avis ANSM 2026-11\n"
    )
    report = run(world, text)
    assert report.ok and Recall.objects.get(lot_number="L24C").reason.startswith("Rappel")


def test_importing_the_same_list_again_skips_what_is_recorded(
    world: World, catalogue: Catalogue
) -> None:
    assert len(run(world, GOOD).created) == 3
    grown = GOOD + f"{GTIN_60},L24D,,2026-11-23,New,,Notice 9\n"
    again = run(world, grown)
    assert again.ok and len(again.created) == 1 and again.already_recorded == [2, 3, 4]
    assert Recall.objects.count() == 5  # the catalogue fixture's recall and four from files


def test_the_template_is_the_header_row() -> None:
    assert template_csv() == HEADER.replace("\n", "\r\n")


def test_the_command_imports_a_file_and_fails_loudly_on_a_bad_one(
    world: World, catalogue: Catalogue, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    out = io.StringIO()
    call_command("import_recalls", str(good), "--by", world.pharmacist.email, stdout=out)
    assert "3 recalls added" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + f"{GTIN_60},,,2026-11-20,Reason,,Doc\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 2, lot: Give the lot, the serial, or both"):
        call_command("import_recalls", str(bad), "--by", world.pharmacist.email, stdout=out)
    with pytest.raises(CommandError, match="No user"):
        call_command("import_recalls", str(good), "--by", "nobody@example.org")


def test_repigment_import_recalls_reports_every_problem_on_one_line_each(
    world: World, catalogue: Catalogue, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from repigment.cli import app

    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + f"{UNKNOWN_GTIN},L1,,2026-11-20,,,Doc\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["import-recalls", str(bad), "--by", world.pharmacist.email])
    assert result.exit_code == 1
    assert "Nothing was imported; 2 problems:" in result.output
    assert f"line 2, gtin: GTIN {UNKNOWN_GTIN} is not in the catalogue" in result.output
    assert "line 2, reason: The reason is missing." in result.output
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    result = CliRunner().invoke(app, ["import-recalls", str(good), "--by", world.pharmacist.email])
    assert result.exit_code == 0 and "3 recalls added" in result.output


def test_a_large_file_costs_the_same_queries_as_a_small_one_and_goes_in_whole(
    world: World, catalogue: Catalogue
) -> None:
    """Product packs are looked up once each, what is stored is read once, the rows go in by
    bulk insert: the file's size adds only the insert batches, never a query per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def rows(first: int, count: int) -> str:
        lines = [
            f"{GTIN_60 if n % 2 else GTIN_100},,SN{n:05d},2026-11-20,Stolen pack,https://example.org/r,\n"
            for n in range(first, first + count)
        ]
        return HEADER + "".join(lines)

    with CaptureQueriesContext(connection) as few:
        assert run(world, rows(0, 5)).ok
    with CaptureQueriesContext(connection) as many:
        report = run(world, rows(100, 1500) + rows(0, 5)[len(HEADER) :])
    assert report.ok and len(report.created) == 1500
    assert report.already_recorded == list(range(1502, 1507))
    inserts = [q for q in many.captured_queries if q["sql"].startswith("INSERT")]
    assert len(many) - len(inserts) <= len(few)
    assert len(inserts) <= 1500 // 50 + 1  # whole batches, not a row at a time
    assert Recall.objects.filter(reason="Stolen pack").count() == 1505


def test_a_value_longer_than_its_column_is_reported_and_nothing_is_written(
    world: World, catalogue: Catalogue
) -> None:
    """The rows go in by plain INSERTs, so a too-long value must be caught while checking
    (on PostgreSQL it would otherwise fail the whole insert with a database error)."""
    long_document, long_url = "D" * 301, "https://example.org/" + "p" * 481
    text = (
        HEADER
        + f"{GTIN_60},L30A,,2026-11-20,Reason,,{long_document}\n"
        + f"{GTIN_60},L30B,,2026-11-20,Reason,{long_url},\n"
        + f"{GTIN_60},L30C,,2026-11-20,Reason,,{'D' * 300}\n"
    )
    report = run(world, text)
    assert [str(error) for error in report.errors] == [
        "line 2, source_document: 301 characters long; at most 300 are allowed.",
        "line 3, source_url: 501 characters long; at most 500 are allowed.",
    ]
    assert not Recall.objects.filter(imported_from="r.csv").exists()


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/r/1",
        "http://www.sahpra.org.za/recalls?id=12#top",
        "https://sub-domain.example.co.za:8443/a/b",
        "https://localhost/notice",
        "https://192.168.1.4/notice",
        "https://-bad.example.org/",
        "https://bad-.example.org/",
        "https://exa mple.org/",
        "https://example..org/",
        "https://example.org:99999/",
        "https://example.o/",
        "https:/example.org",
        "ftp://example.org/r",
        "example.org/r",
        "https://xn--bcher-kva.example/",
        "https://bücher.example/",
    ],
)
def test_the_quick_web_address_check_never_accepts_what_django_refuses(url: str) -> None:
    from django.core.exceptions import ValidationError

    from repigment.supply.recalls import _PLAIN_URL, WEB_ADDRESS, _is_web_address

    try:
        WEB_ADDRESS(url)
        django_accepts = True
    except ValidationError:
        django_accepts = False
    if _PLAIN_URL.fullmatch(url):
        assert django_accepts, url
    assert _is_web_address(url) == django_accepts
