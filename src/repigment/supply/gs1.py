"""Read a pack's GS1 code — as a scanner types it, as printed, as a web address or from a photo.

A keyboard-wedge 2D scanner "types" the DataMatrix content into whatever field has the focus.
What arrives depends on the scanner's settings: the ASCII 29 group separator (GS) between
variable-length elements, or a substitute for it; the AIM symbology prefix (``]d2``) or none;
the elements in any order. People also type the human-readable text printed beside the code,
with the Application Identifiers (AIs) in parentheses, and QR codes carry GS1 Digital Link web
addresses. Every spelling is reduced to (AI, value) pairs, then each element the pharmacy needs —
GTIN (01), expiry (17), lot (10), serial (21) — is checked on its own, so that a bad code says
which element is wrong and why. ``biip`` supplies the AI table, GTIN check digits and dates;
``zxing-cpp`` decodes photos.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from urllib.parse import parse_qsl, quote, unquote, urlsplit

import zxingcpp
from biip import ParseError
from biip.checksums import gs1_standard_check_digit
from biip.gs1_application_identifiers import GS1ApplicationIdentifier
from biip.gs1_element_strings import GS1ElementString
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

GS = "\x1d"

#: What scanners and people type in place of the invisible group separator (ASCII 29):
#: named forms, the Unicode picture of GS, the caret notation of Ctrl+], an escaped \x1d, and
#: the single characters some scanners are set to send. Only the angle-bracket forms are made of
#: characters a lot or serial may hold (GS1 set 82); a value really containing "<GS>" would be
#: split — a risk taken because scanners commonly send that spelling.
GS_SUBSTITUTES: tuple[str, ...] = (
    "<GS>", "[GS]", "{GS}", "<FNC1>", "[FNC1]", "{FNC1}", "\u241d", "^]",
    "\\x1d", "\\x1D", "\\u001d", "\\u001D", "\\035", "|", "~",
)  # fmt: skip
_SUBSTITUTE_PATTERN = re.compile(
    "|".join(re.escape(s) for s in sorted(GS_SUBSTITUTES, key=len, reverse=True)), re.IGNORECASE
)
#: The AIM symbology identifier a scanner may send first: ]d2 (GS1 DataMatrix), ]C1 (GS1-128),
#: ]Q3 (GS1 QR Code), ]e0 (GS1 DataBar), ]Q1 (QR Code, e.g. a Digital Link) …
_SYMBOLOGY = re.compile(r"^\][A-Za-z][0-9A-Za-z]")
#: GS1 AI encodable character set 82, the characters allowed in a lot or serial.
_SET_82 = re.compile(r"""^[!"%-?A-Z_a-z]*$""")
_AZERTY_DIGITS = "&é\"'(-è_çà"
#: GS1 Digital Link short names (Digital Link 1.0) for the keys the pharmacy reads.
_DIGITAL_LINK_ALIASES = {"gtin": "01", "lot": "10", "ser": "21", "exp": "17", "cpv": "22"}

GTIN, EXPIRY, LOT, SERIAL = "01", "17", "10", "21"
REQUIRED_AIS = (GTIN, EXPIRY, LOT, SERIAL)
#: The form field (and API error field) each element's problems are reported under.
ELEMENT_FIELDS = {GTIN: "gtin", EXPIRY: "expiry", LOT: "lot", SERIAL: "serial"}
CODE_FIELD = "code"
MAX_VARIABLE_LENGTH = 20  # AIs 10 and 21: up to 20 characters of set 82


def element_name(ai: str) -> str:
    """How a message names an element: "GTIN (01)", "expiry (17)", "lot (10)", "serial (21)"."""
    names = {GTIN: _("GTIN"), EXPIRY: _("expiry"), LOT: _("lot"), SERIAL: _("serial")}
    return f"{names[ai]} ({ai})" if ai in names else f"({ai})"


class Spelling(StrEnum):
    """How the code was written down."""

    ELEMENT_STRING = "element_string"  # what a scanner types: 01…17…10…<GS>21…
    HRI = "hri"  # the human-readable text printed beside the code: (01)…(17)…
    DIGITAL_LINK = "digital_link"  # a GS1 Digital Link web address

    @property
    def label(self) -> str:
        return {
            Spelling.ELEMENT_STRING: _("scanner text (GS1 element string)"),
            Spelling.HRI: _("printed text with the AIs in parentheses"),
            Spelling.DIGITAL_LINK: _("GS1 Digital Link web address"),
        }[self]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a code: the element it concerns ("gtin", … or "code") and why."""

    field: str
    message: str


class CodeError(ValueError):
    """A code that cannot be read as a complete pack identifier; ``problems`` says what is wrong."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(p.message for p in self.problems))

    def by_field(self) -> dict[str, list[str]]:
        fields: dict[str, list[str]] = {}
        for problem in self.problems:
            fields.setdefault(problem.field, []).append(problem.message)
        return fields


@dataclass(frozen=True)
class OtherElement:
    ai: str
    title: str
    value: str


@dataclass(frozen=True)
class PackCode:
    """The product identifier of one pack: GTIN-14, expiry, lot and serial."""

    gtin: str
    expiry: date
    lot: str
    serial: str
    expiry_text: str  # YYMMDD as encoded; day 00 means the end of the month
    spelling: Spelling = Spelling.ELEMENT_STRING
    symbology: str = ""
    others: tuple[OtherElement, ...] = field(default=())

    @property
    def identity(self) -> tuple[str, str]:
        """GTIN and serial: what makes one pack unique."""
        return (self.gtin, self.serial)

    @property
    def expiry_is_month_end(self) -> bool:
        return self.expiry_text.endswith("00")

    @property
    def hri(self) -> str:
        return f"(01){self.gtin}(17){self.expiry_text}(10){self.lot}(21){self.serial}"

    @property
    def element_string(self) -> str:
        """The canonical scanner string: fixed-length elements first, GS after the lot."""
        return f"01{self.gtin}17{self.expiry_text}10{self.lot}{GS}21{self.serial}"

    @property
    def digital_link(self) -> str:
        lot, serial = quote(self.lot, safe=""), quote(self.serial, safe="")
        return f"https://id.gs1.org/01/{self.gtin}/10/{lot}/21/{serial}?17={self.expiry_text}"


# --- reading text -----------------------------------------------------------------------------


def parse_code(text: str) -> PackCode:
    """Read scanner text, printed text or a Digital Link; raise CodeError naming each problem."""
    raw = text.strip()
    symbology = ""
    match = _SYMBOLOGY.match(raw)
    if match:
        symbology, raw = match.group(), raw[match.end() :]
    raw = raw.lstrip(GS + " ")
    if not raw:
        raise CodeError([Problem(CODE_FIELD, _("The code is empty."))])
    _refuse_misread_text(raw)
    if raw.lower().startswith(("http://", "https://")):
        pairs, spelling = _digital_link_pairs(raw), Spelling.DIGITAL_LINK
    elif raw.startswith("("):
        pairs, spelling = _hri_pairs(raw), Spelling.HRI
    else:
        pairs, spelling = _element_string_pairs(raw), Spelling.ELEMENT_STRING
    return _pack_code(pairs, spelling=spelling, symbology=symbology)


def _refuse_misread_text(raw: str) -> None:
    """Two common scanner mistakes, explained instead of parsed into nonsense."""
    if re.fullmatch(r"\d{8}|\d{12,14}", raw) and _gtin_check_digit_ok(raw):
        raise CodeError([Problem(CODE_FIELD, _(
            "This is a plain product barcode (GTIN %(gtin)s) with no expiry, lot or serial: "
            "scan the square 2D DataMatrix code on the pack instead."
        ) % {"gtin": raw.zfill(14)})])  # fmt: skip
    if not re.search(r"\d", raw) and sum(raw.count(c) for c in _AZERTY_DIGITS) >= 6:
        raise CodeError([Problem(CODE_FIELD, _(
            "The digits arrived as symbols (%(symbols)s): the scanner is typing for a different "
            "keyboard layout (French AZERTY?). Set the scanner to this computer's keyboard layout."
        ) % {"symbols": _AZERTY_DIGITS})])  # fmt: skip


class _Pairs(list[tuple[str, str]]):
    """(AI, value) pairs in the order found, with the problems met while splitting them."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[Problem] = []


def _element_string_pairs(raw: str) -> _Pairs:
    """Split a scanner string on GS (or its substitutes, or whitespace) and then by AI."""
    pairs = _Pairs()
    text = _SUBSTITUTE_PATTERN.sub(GS, raw)
    for chunk in re.split(r"[\x1d\s]+", text):
        rest = chunk
        while rest:
            try:
                ai = GS1ApplicationIdentifier.extract(rest)
            except ParseError:
                pairs.problems.append(_unreadable(rest, pairs[-1] if pairs else None))
                break
            body = rest[len(ai.ai) :]
            length = _fixed_length(ai)
            value, rest = (body, "") if length is None else (body[:length], body[length:])
            pairs.append((ai.ai, value))
    return pairs


def _unreadable(rest: str, previous: tuple[str, str] | None) -> Problem:
    if previous is None:
        message = _("Cannot read “%(text)s”: it does not start with a GS1 Application Identifier.")
    else:
        message = _(
            "Cannot read “%(text)s” after %(element)s “%(value)s”: it does not start with a "
            "GS1 Application Identifier."
        )  # fmt: skip
    ai, value = previous or ("", "")
    return Problem(CODE_FIELD, message % {
        "text": _clip(rest), "element": element_name(ai), "value": _clip(value)})  # fmt: skip


def _fixed_length(ai: GS1ApplicationIdentifier) -> int | None:
    """The data length of a predefined-length AI ("N2+N14" → 14); None when variable."""
    if ai.separator_required:
        return None
    parts = ai.format.split("+")[1:]
    if not parts or not all(re.fullmatch(r"[NX]\d+", part) for part in parts):
        return None
    return sum(int(part[1:]) for part in parts)


def _hri_pairs(raw: str) -> _Pairs:
    """``(01)09520000000016(17)270331(10)L1(21)S1``; spaces between parts are ignored."""
    pairs = _Pairs()
    hri = "".join(raw.split())
    if not re.fullmatch(r"(\(\d{2,4}\)[^(]*)+", hri):
        pairs.problems.append(Problem(CODE_FIELD, _(
            "Cannot read the text in parentheses: expected (AI)value(AI)value…, "
            "for example (01)…(17)…(10)…(21)…."
        )))  # fmt: skip
        return pairs
    for ai, value in re.findall(r"\((\d{2,4})\)([^(]*)", hri):
        if not _known_ai(ai):
            pairs.problems.append(Problem(CODE_FIELD, _(
                "(%(ai)s) is not a GS1 Application Identifier."
            ) % {"ai": ai}))  # fmt: skip
            continue
        pairs.append((ai, value))
    return pairs


def _known_ai(ai: str) -> bool:
    try:
        return GS1ApplicationIdentifier.extract(ai).ai == ai
    except ParseError:
        return False


def _digital_link_pairs(raw: str) -> _Pairs:
    """``https://id.gs1.org/01/{GTIN}/10/{lot}/21/{serial}?17=YYMMDD`` on any domain."""
    pairs = _Pairs()
    url = urlsplit(raw)
    segments = [unquote(s) for s in url.path.split("/") if s]
    keys = [_DIGITAL_LINK_ALIASES.get(s.lower(), s) for s in segments]
    if GTIN not in keys:
        pairs.problems.append(Problem(CODE_FIELD, _(
            "This web address is not a GS1 Digital Link for a pack: it has no /01/ and GTIN in "
            "its path."
        )))  # fmt: skip
        return pairs
    path = segments[keys.index(GTIN) :]
    if len(path) % 2:
        pairs.problems.append(Problem(CODE_FIELD, _(
            "The Digital Link path ends with “%(key)s” and no value after it."
        ) % {"key": path[-1]}))  # fmt: skip
    for key, value in zip(path[::2], path[1::2], strict=False):
        ai = _DIGITAL_LINK_ALIASES.get(key.lower(), key)
        short_gtin = ai == GTIN and value.isdigit() and len(value) in (8, 12, 13)
        pairs.append((ai, value.zfill(14) if short_gtin else value))
    for key, value in parse_qsl(url.query, keep_blank_values=True):
        ai = _DIGITAL_LINK_ALIASES.get(key.lower(), key)
        if ai.isdigit() and _known_ai(ai):
            pairs.append((ai, value))
    return pairs


# --- checking each element ----------------------------------------------------------------------


def _pack_code(pairs: _Pairs, *, spelling: Spelling, symbology: str) -> PackCode:
    problems = list(pairs.problems)
    if problems and not pairs:
        raise CodeError(problems)  # nothing readable: listing every missing element is noise
    values: dict[str, str] = {}
    others: list[OtherElement] = []
    for ai, value in pairs:
        if ai in values and values[ai] != value:
            problems.append(Problem(ELEMENT_FIELDS.get(ai, CODE_FIELD), _(
                "%(element)s appears twice with different values (“%(a)s” and “%(b)s”)."
            ) % {"element": element_name(ai), "a": values[ai], "b": value}))  # fmt: skip
        values.setdefault(ai, value)
        if ai not in REQUIRED_AIS:
            others.append(OtherElement(ai, GS1ApplicationIdentifier.extract(ai).data_title, value))
    gtin = _check_gtin(values.get(GTIN), problems)
    expiry = _check_expiry(values.get(EXPIRY), problems)
    lot = _check_variable(LOT, values.get(LOT), problems)
    serial = _check_variable(SERIAL, values.get(SERIAL), problems)
    _explain_run_on(values, problems)
    if problems or gtin is None or expiry is None or lot is None or serial is None:
        raise CodeError(problems)
    return PackCode(gtin, expiry, lot, serial, values[EXPIRY], spelling, symbology, tuple(others))


def _missing(ai: str) -> Problem:
    return Problem(ELEMENT_FIELDS[ai], _("%(element)s is missing") % {"element": element_name(ai)})


def _present(ai: str, value: str | None, problems: list[Problem]) -> str | None:
    """The value when there is one; an absent or empty element is reported and gives None."""
    if value is None:
        problems.append(_missing(ai))
    elif not value:
        problems.append(Problem(ELEMENT_FIELDS[ai], _("%(element)s is empty") % {
            "element": element_name(ai)}))  # fmt: skip
    return value or None


def check_gtin(value: str) -> str:
    """The GTIN-14 itself when its length and check digit are right; CodeError otherwise."""
    problems: list[Problem] = []
    gtin = _check_gtin(value, problems)
    if gtin is None:
        raise CodeError(problems)
    return gtin


def check_lot_or_serial(ai: str, value: str) -> str:
    """A lot (10) or serial (21) of 1–20 characters of GS1 set 82; CodeError otherwise."""
    problems: list[Problem] = []
    checked = _check_variable(ai, value, problems)
    if checked is None:
        raise CodeError(problems)
    return checked


def _check_gtin(value: str | None, problems: list[Problem]) -> str | None:
    value = _present(GTIN, value, problems)
    if value is None:
        return None
    if not value.isdigit() or not value.isascii():
        problems.append(Problem("gtin", _(
            "GTIN (01) should be digits only, found “%(value)s”"
        ) % {"value": value}))  # fmt: skip
        return None
    if len(value) != 14:
        problems.append(Problem("gtin", _(
            "GTIN (01) should be 14 digits, found %(n)d"
        ) % {"n": len(value)}))  # fmt: skip
        return None
    expected = gs1_standard_check_digit(value[:-1])
    if int(value[-1]) != expected:
        problems.append(Problem("gtin", _(
            "GTIN check digit should be %(expected)d, found %(found)s"
        ) % {"expected": expected, "found": value[-1]}))  # fmt: skip
        return None
    return value


def _gtin_check_digit_ok(digits: str) -> bool:
    return int(digits[-1]) == gs1_standard_check_digit(digits[:-1])


def _check_expiry(value: str | None, problems: list[Problem]) -> date | None:
    value = _present(EXPIRY, value, problems)
    if value is None:
        return None
    if not re.fullmatch(r"\d{6}", value):
        problems.append(Problem("expiry", _(
            "expiry (17) should be 6 digits (YYMMDD), found “%(value)s”"
        ) % {"value": value}))  # fmt: skip
        return None
    month, day = int(value[2:4]), int(value[4:6])
    try:
        parsed = GS1ElementString.parse(EXPIRY + value).date
    except ParseError:
        parsed = None
    if parsed is None:
        reason = _("month %(month)02d does not exist") if not 1 <= month <= 12 else _(
            "day %(day)02d does not exist in that month"
        )  # fmt: skip
        problems.append(Problem("expiry", _(
            "expiry (17) “%(value)s” is not a date: %(reason)s"
        ) % {"value": value, "reason": reason % {"month": month, "day": day}}))  # fmt: skip
    return parsed


def _check_variable(ai: str, value: str | None, problems: list[Problem]) -> str | None:
    if value and len(value) <= MAX_VARIABLE_LENGTH and _SET_82.match(value):
        return value  # the common case, without building a message (imports check thousands)
    name = element_name(ai)
    field_name = ELEMENT_FIELDS[ai]
    value = _present(ai, value, problems)
    if value is None:
        return None
    bad = sorted({c for c in value if not _SET_82.match(c)})
    if bad:
        shown = ", ".join(f"“{c}”" if c.isprintable() else f"U+{ord(c):04X}" for c in bad)
        problems.append(Problem(field_name, _(
            "%(element)s contains characters a GS1 code cannot hold: %(chars)s"
        ) % {"element": name, "chars": shown}))  # fmt: skip
        return None
    if len(value) > MAX_VARIABLE_LENGTH:
        problems.append(Problem(field_name, _(
            "%(element)s is %(n)d characters long; at most 20 are allowed"
        ) % {"element": name, "n": len(value)}))  # fmt: skip
        return None
    return value


#: What must follow an AI inside a lot or serial for it to look like a swallowed element.
_RUN_ON_VALUE = {GTIN: r"\d{14}", EXPIRY: r"\d{6}", LOT: ".", SERIAL: "."}


def _explain_run_on(values: dict[str, str], problems: list[Problem]) -> None:
    """A missing element whose AI sits inside a lot or serial: the separator was lost."""
    for missing in REQUIRED_AIS:
        inside = re.compile(missing + _RUN_ON_VALUE[missing])
        holder = next((ai for ai in (LOT, SERIAL) if inside.search(values.get(ai, ""), 1)), None)
        if missing in values or holder is None:
            continue
        message = _(
            "%(holder)s “%(value)s” may run on into %(missing)s: the group separator (ASCII 29) "
            "after it did not arrive. Set the scanner to send it (or a substitute such as "
            "<GS>), or type the text printed on the pack with the numbers in parentheses."
        ) % {"holder": element_name(holder), "value": values[holder],
             "missing": element_name(missing)}  # fmt: skip
        problems.append(Problem(ELEMENT_FIELDS[missing], message))
        return


def _clip(text: str, width: int = 24) -> str:
    return text if len(text) <= width else text[:width] + "…"


# --- reading photos -------------------------------------------------------------------------------

ACCEPTED_IMAGE_FORMATS = ("PNG", "JPEG", "WEBP", "GIF", "BMP")
MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000


class ImageRejected(ValueError):
    """A file that is not an image we will decode; the message says why."""


def scanner_texts_in_image(data: bytes) -> list[str]:
    """Every 2D code zxing-cpp finds in the photo, as a scanner would type it."""
    image = _open_image(data)
    found = zxingcpp.read_barcodes(
        image, formats=(zxingcpp.BarcodeFormat.DataMatrix, zxingcpp.BarcodeFormat.QRCode)
    )
    return [_as_scanner_text(barcode) for barcode in found if barcode.valid]


def _open_image(data: bytes) -> Image.Image:
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageRejected(_("The photo is larger than 10 MB."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
        kind = image.format
        if kind not in ACCEPTED_IMAGE_FORMATS:
            raise ImageRejected(_(
                "This is a %(kind)s file; send a photo as PNG, JPEG or WEBP."
            ) % {"kind": kind})  # fmt: skip
        if image.width * image.height > MAX_IMAGE_PIXELS:
            raise ImageRejected(_("The photo has more than 40 million pixels."))
        if kind == "JPEG":
            image.draft("L", image.size)  # decode the grey alone: a quarter of the memory
        image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRejected(_("The photo has more than 40 million pixels.")) from None
    except (UnidentifiedImageError, OSError):
        raise ImageRejected(_("This file is not an image (PNG, JPEG or WEBP).")) from None
    # Grey first, then turned: one small copy instead of a full-colour one.
    grey = image
    if image.mode != "L":
        grey = image.convert("L")
        image.close()
    ImageOps.exif_transpose(grey, in_place=True)
    return grey


def _as_scanner_text(barcode: zxingcpp.Barcode) -> str:
    """GS1 content as its symbology prefix and element string with GS; anything else as text."""
    if barcode.content_type == zxingcpp.ContentType.GS1:
        return barcode.symbology_identifier + barcode.bytes.decode("ascii", errors="replace")
    return barcode.text


def read_photo(data: bytes) -> PackCode:
    """The pack code in a photo; ImageRejected for a non-image, CodeError when no code reads."""
    texts = scanner_texts_in_image(data)
    if not texts:
        raise CodeError([Problem(CODE_FIELD, _(
            "No DataMatrix or QR code was found in the photo. Take it closer, in focus, with "
            "the whole square code inside the picture."
        ))])  # fmt: skip
    errors: list[CodeError] = []
    for text in texts:
        try:
            return parse_code(text)
        except CodeError as error:
            errors.append(error)
    raise errors[0]
