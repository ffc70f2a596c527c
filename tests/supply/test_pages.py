"""The pharmacist's supply pages and the admin's recall import, through the test client."""

from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from repigment.accounts.models import User
from repigment.supply import stock
from repigment.supply.gs1 import parse_code
from repigment.supply.models import Pack, PackState, Recall
from tests.conftest import World
from tests.supply.conftest import GTIN_60, UNKNOWN_GTIN, Catalogue
from tests.supply.test_gs1 import datamatrix_png
from tests.supply.test_recall_import import GOOD, HEADER

GS = "\x1d"
CHECK = reverse("supply:check_code")


def text_of(html: str) -> str:
    # A <time> element is inline: "(<time>1 Oct 2026</time>)" reads "(1 Oct 2026)".
    inline = re.sub(r"</?time[^>]*>", "", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", inline))


def pharmacist(client: Client, world: World) -> Client:
    client.force_login(world.pharmacist)
    return client


def test_the_catalogue_shows_packs_lots_recalls_and_sources(
    client: Client, world: World, catalogue: Catalogue
) -> None:
    html = pharmacist(client, world).get(reverse("supply:catalogue")).content.decode()
    text = text_of(html)
    assert "Opzelura 1.5 % cream" in text
    assert GTIN_60 in text and "invented test number (GS1 prefix 952)" in text
    assert "L24A (31 Mar 2045)" in text and "L23R (31 Dec 2044) recalled" in text
    assert text.count("FDA NDC directory 50881-007") >= 3  # sizes note, product, each pack
    assert "https://api.fda.gov/drug/ndc.json?search=product_ndc%3A%2250881-007%22" in html


def test_checking_a_scanned_code_shows_each_element_and_each_verdict(
    client: Client, world: World, catalogue: Catalogue
) -> None:
    scanned = f"]d201{GTIN_60}1745033110L24A{GS}21SN0001"
    response = pharmacist(client, world).post(CHECK, {"code": scanned, "treatment_weeks": 12})
    text = text_of(response.content.decode())
    for shown in (
        f"GTIN (01) {GTIN_60}",
        "Expiry (17) 31 Mar 2045",
        "Lot (10) L24A",
        "Serial (21) SN0001",
        "symbology ]d2",
        "Every check passed.",
    ):
        assert shown in text
    assert "pass Known product — GTIN 09520000000608 is Opzelura 1.5 % cream, 60 g" in text
    assert "in date for a 84-day treatment period" in text
    assert "pass Serial never seen before — Serial SN0001 has never been received before." in text
    assert 'value="12"' in response.content.decode()  # the period is kept for the next scan
    assert "SN0001" not in re.search(r'name="code"[^>]*>', response.content.decode()).group()  # type: ignore[union-attr]


def test_a_recalled_lot_and_a_cloned_serial_say_quarantine(
    client: Client, world: World, catalogue: Catalogue
) -> None:
    pack = stock.receive(
        pharmacy=world.pharmacy,
        by=world.pharmacist,
        reason="r",
        code=parse_code(f"(01){GTIN_60}(17)450331(10)L24A(21)SN0001"),
    )
    stock.move(pack, PackState.AVAILABLE, by=world.pharmacist, reason="ok")
    pharmacist(client, world)
    clone = text_of(
        client.post(CHECK, {"code": f"(01){GTIN_60}(17)450331(10)L24A(21)SN0001"}).content.decode()
    )
    assert "Quarantine this pack: it must never be dispensed." in clone
    assert "suspected falsified (cloned) pack" in clone and "by this pharmacy" in clone
    recalled = text_of(
        client.post(CHECK, {"code": f"(01){GTIN_60}(17)441231(10)L23R(21)SN9"}).content.decode()
    )
    assert (
        "fail Recalls — Lot L23R was recalled on 2026-10-01: Cream separated in the tube."
        in recalled
    )
    assert Pack.objects.count() == 1  # checking stores nothing


def test_an_unknown_gtin_says_do_not_accept(
    client: Client, world: World, catalogue: Catalogue
) -> None:
    text = text_of(
        pharmacist(client, world)
        .post(CHECK, {"code": f"(01){UNKNOWN_GTIN}(17)450331(10)L1(21)S1"})
        .content.decode()
    )
    assert "Do not accept this pack into stock." in text
    assert (
        f"fail Known product — GTIN {UNKNOWN_GTIN} is not a product pack in the catalogue." in text
    )


def test_a_bad_code_lists_its_problems_and_shows_what_arrived(
    client: Client, world: World, catalogue: Catalogue
) -> None:
    response = pharmacist(client, world).post(CHECK, {"code": f"01{GTIN_60[:-1]}3{GS}10L1"})
    text = text_of(response.content.decode())
    assert "The code could not be read" in text
    for message in (
        "GTIN check digit should be 8, found 3",
        "expiry (17) is missing",
        "serial (21) is missing",
    ):
        assert message in text
    assert f"01{GTIN_60[:-1]}3⟨GS⟩10L1" in text


def test_a_photo_of_the_code_can_be_checked(
    client: Client, world: World, catalogue: Catalogue
) -> None:
    photo = SimpleUploadedFile(
        "code.png", datamatrix_png(f"(01){GTIN_60}(17)450331(10)L24A(21)SN0002"), "image/png"
    )
    text = text_of(pharmacist(client, world).post(CHECK, {"photo": photo}).content.decode())
    assert "Serial (21) SN0002" in text and "from the photo" in text
    assert "Every check passed." in text


def test_a_file_that_is_not_an_image_is_refused(
    client: Client, world: World, catalogue: Catalogue
) -> None:
    fake = SimpleUploadedFile("code.png", b"%PDF-1.4 pretending", "image/png")
    text = text_of(pharmacist(client, world).post(CHECK, {"photo": fake}).content.decode())
    assert "The photo could not be read as a pack code" in text
    assert "This file is not an image (PNG, JPEG or WEBP)." in text


def test_an_empty_check_asks_for_a_code(client: Client, world: World) -> None:
    text = text_of(pharmacist(client, world).post(CHECK, {"code": "  "}).content.decode())
    assert "Scan or type a code, or choose a photo of one." in text


def test_the_recall_list_shows_what_who_and_the_source(
    client: Client, world: World, catalogue: Catalogue
) -> None:
    text = text_of(pharmacist(client, world).get(reverse("supply:recall_list")).content.decode())
    assert "1 Oct 2026 lot L23R" in text and "Cream separated in the tube." in text
    assert "Test recall notice 1" in text and "Pharmacist" in text


def test_uploading_a_good_recall_file(client: Client, world: World, catalogue: Catalogue) -> None:
    upload = SimpleUploadedFile("recalls.csv", GOOD.encode(), "text/csv")
    response = pharmacist(client, world).post(reverse("supply:recall_import"), {"file": upload})
    assert response.status_code == 200
    assert "3 recalls added." in text_of(response.content.decode())
    assert (
        Recall.objects.filter(imported_from="recalls.csv", entered_by=world.pharmacist).count() == 3
    )


def test_uploading_a_bad_recall_file_reports_each_row_and_saves_nothing(
    client: Client, world: World, catalogue: Catalogue
) -> None:
    bad = HEADER + f"{UNKNOWN_GTIN},L1,,2026-11-20,Reason,,Doc\n{GTIN_60},L2,,tomorrow,,,Doc\n"
    upload = SimpleUploadedFile("bad.csv", bad.encode(), "text/csv")
    response = pharmacist(client, world).post(reverse("supply:recall_import"), {"file": upload})
    assert response.status_code == 422
    text = text_of(response.content.decode())
    assert "The file has 3 problems; nothing was saved." in text
    assert f"2 gtin GTIN {UNKNOWN_GTIN} is not in the catalogue" in text
    assert "3 recalled_on “tomorrow” is not a date written as YYYY-MM-DD." in text
    assert "3 reason The reason is missing." in text
    assert not Recall.objects.filter(imported_from="bad.csv").exists()


def test_the_recall_template_is_a_csv_header(client: Client, world: World) -> None:
    response = pharmacist(client, world).get(reverse("supply:recall_template"))
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode().startswith("gtin,lot,serial,recalled_on,reason,")


def test_site_administrators_import_recalls_and_cannot_delete_them_or_edit_stock(
    client: Client, world: World, catalogue: Catalogue
) -> None:
    root = User.objects.create_superuser("root@example.org", "x" * 16, full_name="Root")
    client.force_login(root)
    assert client.get(reverse("admin:supply_recall_changelist")).status_code == 200
    upload = SimpleUploadedFile("admin.csv", GOOD.encode(), "text/csv")
    response = client.post(reverse("admin:supply_recall_import"), {"file": upload})
    assert response.status_code == 200
    assert Recall.objects.filter(imported_from="admin.csv", entered_by=root).count() == 3
    recall = Recall.objects.first()
    assert recall is not None
    assert client.get(reverse("admin:supply_recall_delete", args=[recall.pk])).status_code == 403
    pack = stock.receive(
        pharmacy=world.pharmacy,
        by=world.pharmacist,
        reason="r",
        code=parse_code(f"(01){GTIN_60}(17)450331(10)L24A(21)SN0001"),
    )
    assert client.get(reverse("admin:supply_pack_change", args=[pack.pk])).status_code == 200
    assert client.post(reverse("admin:supply_pack_change", args=[pack.pk]), {}).status_code == 403
    assert client.get(reverse("admin:supply_pack_delete", args=[pack.pk])).status_code == 403
    assert client.get(reverse("admin:supply_pack_add")).status_code == 403


def test_a_recall_entered_by_hand_records_who_entered_it(
    client: Client, world: World, catalogue: Catalogue
) -> None:
    root = User.objects.create_superuser("root@example.org", "x" * 16, full_name="Root")
    client.force_login(root)
    response = client.post(
        reverse("admin:supply_recall_add"),
        {
            "product_pack": catalogue.pack_60.pk,
            "scope": "serial",
            "lot_number": "",
            "serial": "SN7",
            "reason": "Reported stolen",
            "recalled_on": "2026-11-01",
            "source_url": "",
            "source_document": "Police case 12/2026",
        },
    )
    assert response.status_code == 302
    assert Recall.objects.get(serial="SN7").entered_by == root
    no_source = client.post(
        reverse("admin:supply_recall_add"),
        {
            "product_pack": catalogue.pack_60.pk,
            "scope": "lot",
            "lot_number": "L9",
            "serial": "",
            "reason": "x",
            "recalled_on": "2026-11-01",
            "source_url": "",
            "source_document": "",
        },
    )
    assert no_source.status_code == 200 and "Give the source" in no_source.content.decode()
