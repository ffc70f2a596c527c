"""Reading a pack's GS1 code however it arrives: scanner text, printed text, web address, photo."""

from __future__ import annotations

import io
from datetime import date

import pytest
import zxingcpp
from PIL import Image

from repigment.supply.gs1 import (
    CodeError,
    ImageRejected,
    PackCode,
    Spelling,
    check_gtin,
    parse_code,
    read_photo,
    scanner_texts_in_image,
)

G = "09520000000608"  # invented GTIN (GS1 demonstration prefix 952), check digit 8
GS = "\x1d"
EXPECTED = (G, date(2028, 3, 31), "L24A-1", "SN0001X")

SCANNER_SPELLINGS = {
    "GS with ]d2 prefix": f"]d201{G}1728033110L24A-1{GS}21SN0001X",
    "GS without prefix": f"01{G}1728033110L24A-1{GS}21SN0001X",
    "GS after every element": f"01{G}{GS}17280331{GS}10L24A-1{GS}21SN0001X{GS}",
    "leading GS (FNC1 sent) and Enter": f"{GS}01{G}1728033110L24A-1{GS}21SN0001X\r\n",
    "]C1 (GS1-128)": f"]C101{G}1728033110L24A-1{GS}21SN0001X",
    "]Q3 (GS1 QR Code)": f"]Q301{G}1728033110L24A-1{GS}21SN0001X",
    "]e0 (GS1 DataBar)": f"]e001{G}1728033110L24A-1{GS}21SN0001X",
    "<GS>": f"01{G}1728033110L24A-1<GS>21SN0001X",
    "<gs> in lower case": f"01{G}1728033110L24A-1<gs>21SN0001X",
    "{GS}": f"01{G}1728033110L24A-1{{GS}}21SN0001X",
    "[GS]": f"01{G}1728033110L24A-1[GS]21SN0001X",
    "<FNC1>": f"01{G}1728033110L24A-1<FNC1>21SN0001X",
    "Unicode GS picture": f"01{G}1728033110L24A-1\u241d21SN0001X",
    "caret notation ^]": f"01{G}1728033110L24A-1^]21SN0001X",
    "escaped \\x1d": f"01{G}1728033110L24A-1\\x1d21SN0001X",
    "escaped \\u001D": f"01{G}1728033110L24A-1\\u001D21SN0001X",
    "pipe": f"01{G}1728033110L24A-1|21SN0001X",
    "tilde": f"01{G}1728033110L24A-1~21SN0001X",
    "space (scanner set to send one)": f"01{G}17280331 10L24A-1 21SN0001X",
    "serial first": f"21SN0001X{GS}01{G}1728033110L24A-1",
    "lot last": f"01{G}17280331 21SN0001X{GS}10L24A-1".replace(" ", ""),
    "expiry last": f"01{G}10L24A-1{GS}21SN0001X{GS}17280331",
    "reversed, pipes": f"21SN0001X|10L24A-1|17280331|01{G}",
}
HRI_SPELLINGS = {
    "parentheses": f"(01){G}(17)280331(10)L24A-1(21)SN0001X",
    "parentheses with spaces": f"(01) {G} (17) 280331 (10) L24A-1 (21) SN0001X",
    "parentheses, serial first": f"(21)SN0001X(01){G}(10)L24A-1(17)280331",
    "parentheses after ]d2": f"]d2(01){G}(17)280331(10)L24A-1(21)SN0001X",
}
DIGITAL_LINK_SPELLINGS = {
    "id.gs1.org": f"https://id.gs1.org/01/{G}/10/L24A-1/21/SN0001X?17=280331",
    "own domain and path": f"https://pharma.example.org/dl/01/{G}/10/L24A-1/21/SN0001X?17=280331",
    "http and capitals": f"HTTP://ID.GS1.ORG/01/{G}/10/L24A-1/21/SN0001X?17=280331",
    "GTIN-13 in the path": f"https://id.gs1.org/01/{G[1:]}/10/L24A-1/21/SN0001X?17=280331",
    "other query parameters": (
        f"https://id.gs1.org/01/{G}/10/L24A-1/21/SN0001X?linkType=all&17=280331&utm=x"
    ),
    "Digital Link 1.0 short names": f"https://id.gs1.org/gtin/{G}/lot/L24A-1/ser/SN0001X?exp=280331",
    "QR symbology prefix ]Q1": f"]Q1https://id.gs1.org/01/{G}/10/L24A-1/21/SN0001X?17=280331",
    "percent-encoded": f"https://id.gs1.org/01/{G}/10/L24A%2D1/21/SN0001X?17=280331",
}


def _elements(code: PackCode) -> tuple[str, date, str, str]:
    return (code.gtin, code.expiry, code.lot, code.serial)


@pytest.mark.parametrize("text", SCANNER_SPELLINGS.values(), ids=SCANNER_SPELLINGS.keys())
def test_it_reads_every_scanner_spelling_of_the_same_code(text: str) -> None:
    code = parse_code(text)
    assert _elements(code) == EXPECTED
    assert code.spelling == Spelling.ELEMENT_STRING


@pytest.mark.parametrize("text", HRI_SPELLINGS.values(), ids=HRI_SPELLINGS.keys())
def test_it_reads_the_printed_text_with_parentheses(text: str) -> None:
    code = parse_code(text)
    assert _elements(code) == EXPECTED
    assert code.spelling == Spelling.HRI


@pytest.mark.parametrize("text", DIGITAL_LINK_SPELLINGS.values(), ids=DIGITAL_LINK_SPELLINGS.keys())
def test_it_reads_gs1_digital_link_addresses(text: str) -> None:
    code = parse_code(text)
    assert _elements(code) == EXPECTED
    assert code.spelling == Spelling.DIGITAL_LINK


def test_it_keeps_the_symbology_prefix_it_saw() -> None:
    assert parse_code(SCANNER_SPELLINGS["GS with ]d2 prefix"]).symbology == "]d2"
    assert parse_code(SCANNER_SPELLINGS["GS without prefix"]).symbology == ""


def test_the_normal_forms_round_trip() -> None:
    code = parse_code(SCANNER_SPELLINGS["serial first"])
    assert code.hri == f"(01){G}(17)280331(10)L24A-1(21)SN0001X"
    assert code.element_string == f"01{G}1728033110L24A-1{GS}21SN0001X"
    for text in (code.hri, code.element_string, code.digital_link):
        assert _elements(parse_code(text)) == EXPECTED


def test_a_slash_in_a_lot_survives_the_digital_link() -> None:
    code = parse_code(f"(01){G}(17)280331(10)L24/A(21)S/1")
    assert code.digital_link.endswith("/10/L24%2FA/21/S%2F1?17=280331")
    assert (parse_code(code.digital_link).lot, parse_code(code.digital_link).serial) == (
        "L24/A",
        "S/1",
    )


def test_day_00_means_the_last_day_of_the_month() -> None:
    march = parse_code(f"01{G}1728030010L1{GS}21S1")
    assert march.expiry == date(2028, 3, 31)
    assert march.expiry_is_month_end
    assert parse_code(f"01{G}1728020010L1{GS}21S1").expiry == date(2028, 2, 29)  # leap year
    assert parse_code(f"01{G}1727020010L1{GS}21S1").expiry == date(2027, 2, 28)
    assert not parse_code(f"01{G}1728033110L1{GS}21S1").expiry_is_month_end


def test_other_elements_are_kept_beside_the_four() -> None:
    code = parse_code(f"01{G}1728033110L24A-1{GS}21SN0001X{GS}71012345678")
    assert _elements(code) == EXPECTED
    assert [(o.ai, o.value) for o in code.others] == [("710", "12345678")]


# --- what goes wrong, in words --------------------------------------------------------------


def _problems(text: str) -> dict[str, list[str]]:
    with pytest.raises(CodeError) as caught:
        parse_code(text)
    return caught.value.by_field()


def test_a_wrong_check_digit_says_which_digit_was_expected() -> None:
    problems = _problems(f"01{G[:-1]}71728033110L24A-1{GS}21SN0001X")
    assert problems == {"gtin": ["GTIN check digit should be 8, found 7"]}


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        (f"01{G}10L24A-1{GS}21SN0001X", "expiry", "expiry (17) is missing"),
        (f"01{G}1728033110L24A-1", "serial", "serial (21) is missing"),
        (f"01{G}1728033121SN0001X", "lot", "lot (10) is missing"),
        ("1728033110L24A-1\x1d21SN0001X", "gtin", "GTIN (01) is missing"),
        (f"(01){G}(17)280331(10)L24A-1", "serial", "serial (21) is missing"),
        (f"https://id.gs1.org/01/{G}/10/L24A-1/21/SN0001X", "expiry", "expiry (17) is missing"),
    ],
)
def test_a_partial_code_names_the_missing_element(text: str, field: str, message: str) -> None:
    assert _problems(text) == {field: [message]}


def test_every_missing_element_is_reported_at_once() -> None:
    assert _problems(f"01{G}") == {
        "expiry": ["expiry (17) is missing"],
        "lot": ["lot (10) is missing"],
        "serial": ["serial (21) is missing"],
    }


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        ("01095200000006", "gtin", "GTIN (01) should be 14 digits, found 12"),
        (
            "(01)0952000000060X(17)280331(10)L1(21)S1",
            "gtin",
            "GTIN (01) should be digits only, found “0952000000060X”",
        ),
        (
            f"01{G}1728133110L1{GS}21S1",
            "expiry",
            "expiry (17) “281331” is not a date: month 13 does not exist",
        ),
        (
            f"01{G}1728023010L1{GS}21S1",
            "expiry",
            "expiry (17) “280230” is not a date: day 30 does not exist in that month",
        ),
        (
            f"(01){G}(17)2803(10)L1(21)S1",
            "expiry",
            "expiry (17) should be 6 digits (YYMMDD), found “2803”",
        ),
        (
            f"01{G}1728033110L1{GS}21{'S' * 21}",
            "serial",
            "serial (21) is 21 characters long; at most 20 are allowed",
        ),
        (
            f"(01){G}(17)280331(10)L 1#(21)S1",
            "lot",
            "lot (10) contains characters a GS1 code cannot hold: “#”",
        ),
        (f"(01){G}(17)280331(10)(21)S1", "lot", "lot (10) is empty"),
    ],
)
def test_a_malformed_element_says_what_is_wrong(text: str, field: str, message: str) -> None:
    assert message in _problems(text)[field]


def test_a_lost_separator_is_explained() -> None:
    problems = _problems(f"01{G}1728033110L24A-121SN0001X")
    assert problems["serial"][0] == "serial (21) is missing"
    assert problems["serial"][1].startswith(
        "lot (10) “L24A-121SN0001X” may run on into serial (21): the group separator"
    )


def test_an_element_twice_with_two_values_is_refused() -> None:
    problems = _problems(f"(01){G}(17)280331(10)L1(21)S1(21)S2")
    assert problems == {
        "serial": ["serial (21) appears twice with different values (“S1” and “S2”)."]
    }


def test_the_plain_product_barcode_is_recognised_and_explained() -> None:
    assert _problems("9520000000608") == {
        "code": [
            "This is a plain product barcode (GTIN 09520000000608) with no expiry, lot or "
            "serial: scan the square 2D DataMatrix code on the pack instead."
        ]
    }


def test_digits_typed_through_a_french_keyboard_layout_are_explained() -> None:
    # A scanner set for a US keyboard on an AZERTY computer: "0109520…" arrives as "à&àç(é…".
    azerty = "à&àç(éàààààà(à_&é_éàà'&&à"
    assert "AZERTY" in _problems(azerty)["code"][0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The code is empty."),
        ("hello", "Cannot read “hello”: it does not start with a GS1 Application Identifier."),
        ("https://example.org/product/123", "This web address is not a GS1 Digital Link"),
        ("(01)123(", "Cannot read the text in parentheses"),
        (f"01{G}17280331 10L 1{GS}21S1", "Cannot read “1” after lot (10) “L”"),
    ],
)
def test_unreadable_text_gets_one_clear_message(text: str, message: str) -> None:
    assert _problems(text)["code"][0].startswith(message)


def test_check_gtin_is_the_same_rule_for_catalogue_entries() -> None:
    assert check_gtin(G) == G
    with pytest.raises(CodeError, match="GTIN check digit should be 8, found 0"):
        check_gtin(G[:-1] + "0")


# --- photos ------------------------------------------------------------------------------------


def datamatrix_png(hri: str, fmt: str = "PNG", scale: int = 4) -> bytes:
    """A real GS1 DataMatrix made by zxing-cpp (RECIPES.md), as an image file."""
    barcode = zxingcpp.create_barcode(hri, zxingcpp.BarcodeFormat.DataMatrix, gs1=True)
    image = Image.fromarray(zxingcpp.write_barcode_to_image(barcode, scale=scale))
    framed = Image.new("L", (image.width + 80, image.height + 80), 255)
    framed.paste(image, (40, 40))
    out = io.BytesIO()
    framed.save(out, fmt)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_a_photo_of_a_datamatrix_is_decoded(fmt: str) -> None:
    photo = datamatrix_png(f"(01){G}(17)280331(10)L24A-1(21)SN0001X", fmt)
    code = read_photo(photo)
    assert _elements(code) == EXPECTED
    assert code.symbology == "]d2"


def test_the_photo_gives_the_scanner_string_with_its_separator() -> None:
    photo = datamatrix_png(f"[01]{G}[17]280331[10]L(24)[21]SN0001X")  # zint's bracket form
    # The lot holds parentheses: zxing's printed form would misread it; the element string not.
    assert scanner_texts_in_image(photo) == [f"]d201{G}1728033110L(24){GS}21SN0001X"]
    assert read_photo(photo).lot == "L(24)"


def test_a_rotated_photo_is_decoded() -> None:
    photo = Image.open(io.BytesIO(datamatrix_png(f"(01){G}(17)280331(10)L24A-1(21)SN0001X")))
    out = io.BytesIO()
    photo.rotate(90, expand=True, fillcolor=255).save(out, "PNG")
    assert _elements(read_photo(out.getvalue())) == EXPECTED


def test_a_photo_of_a_digital_link_qr_code_is_decoded() -> None:
    url = DIGITAL_LINK_SPELLINGS["id.gs1.org"]
    barcode = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode)
    out = io.BytesIO()
    Image.fromarray(zxingcpp.write_barcode_to_image(barcode, scale=4)).save(out, "PNG")
    assert _elements(read_photo(out.getvalue())) == EXPECTED


def test_a_photo_with_a_bad_code_reports_the_element() -> None:
    photo = datamatrix_png(f"(01){G}(17)280331(10)L24A-1")
    with pytest.raises(CodeError, match=r"serial \(21\) is missing"):
        read_photo(photo)


def test_a_photo_without_a_code_says_so() -> None:
    out = io.BytesIO()
    Image.new("RGB", (200, 200), "white").save(out, "PNG")
    with pytest.raises(CodeError, match="No DataMatrix or QR code was found"):
        read_photo(out.getvalue())


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.7 not an image", b"01095200000006081728033110L1", b"GIF89a broken", b""],
    ids=["pdf", "text", "broken gif", "empty"],
)
def test_a_file_that_is_not_an_image_is_refused_by_its_content(data: bytes) -> None:
    with pytest.raises(ImageRejected, match="not an image"):
        read_photo(data)


def test_an_image_kind_we_do_not_take_is_refused() -> None:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(out, "TIFF")
    with pytest.raises(ImageRejected, match="TIFF"):
        read_photo(out.getvalue())
