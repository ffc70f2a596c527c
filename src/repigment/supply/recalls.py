"""Importing recalls from a CSV file: every row is checked; nothing is written unless all are good.

One row recalls a whole lot (``lot`` given, ``serial`` empty) or one pack (``serial`` given).
Spreadsheets saved as CSV in French or Portuguese settings use semicolons; both separators are
read. A recall already recorded is reported and skipped, so a regulator's list can be imported
again as it grows.

At bulk speed (issue 13: at least 20,000 rows/s): the rows are checked in Python in one pass
(a product pack looked up once per GTIN, messages built only for a bad row, a web address
checked by a strict pattern before Django's validator), what is stored is read in one query,
and the new rows go in by ``executemany`` in batches, all in one transaction.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Exists, Model, OuterRef, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from repigment.accounts import audit
from repigment.accounts.models import AuditAction, User
from repigment.core.scale import insert_rows
from repigment.supply import gs1
from repigment.supply.models import Lot, Pack, ProductPack, Recall

COLUMNS = ("gtin", "lot", "serial", "recalled_on", "reason", "source_url", "source_document")
REQUIRED_COLUMNS = ("gtin", "recalled_on", "reason")
MAX_ROWS = 5000
WEB_ADDRESS = URLValidator(schemes=["http", "https"])
MAX_BYTES = 1024 * 1024
#: Rows per INSERT batch.
BATCH_SIZE = 1000
#: The stored columns' limits, checked per row so a long value is reported, not a crash.
MAX_LENGTHS = {"source_url": 500, "source_document": 300}
#: An ordinary web address (scheme, host names, optional port and path): every such address
#: passes Django's URLValidator, which only the others are given (it costs ~30 µs a call).
_PLAIN_URL = re.compile(
    r"https?://(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\.?"
    r"(?::[0-9]{1,5})?(?:[/?#][^\s]*)?",
    re.IGNORECASE,
)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def naming_pack() -> Q:
    """A filter of packs: a recall names the pack's lot or its serial (whenever it was
    recorded: a recall imported after the pack was received counts too).

    The packs are found from the recalls' side, as the union of two index walks (the packs of
    recalled lots; the packs whose serial a recall names), never by a test of every pack on
    the shelf: an OR of the two made SQLite check each of 4,000 packs (18 ms against 1.5).
    """
    by_lot = Recall.objects.filter(
        scope=Recall.Scope.LOT, product_pack=OuterRef("product_pack"), lot_number=OuterRef("number")
    )
    of_lots = Pack.objects.filter(lot__in=Lot.objects.filter(Exists(by_lot)).values("pk"))
    by_serial = Recall.objects.filter(
        scope=Recall.Scope.SERIAL,
        product_pack=OuterRef("product_pack_id"),
        serial=OuterRef("serial"),
    )
    serials = Recall.objects.filter(scope=Recall.Scope.SERIAL).values("serial")
    of_serials = Pack.objects.filter(serial__in=serials).filter(Exists(by_serial))
    named = of_lots.order_by().values("pk").union(of_serials.order_by().values("pk"))
    return Q(pk__in=named)


def recall_of(pack: Pack) -> Recall | None:
    """The first recall that names this pack, or None."""
    found = Recall.objects.filter(product_pack_id=pack.product_pack_id).filter(
        Q(scope=Recall.Scope.LOT, lot_number=pack.lot.number)
        | Q(scope=Recall.Scope.SERIAL, serial=pack.serial)
    )
    return found.order_by("recalled_on", "pk").first()


@dataclass(frozen=True)
class RowError:
    line: int  # 1 is the header; 0 is the file as a whole
    column: str
    message: str

    def __str__(self) -> str:
        where = _("line %(line)d") % {"line": self.line} if self.line else _("file")
        return (
            f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"
        )


@dataclass(frozen=True)
class RecallRow:
    line: int
    product_pack: ProductPack
    scope: str
    lot: str
    serial: str
    recalled_on: date
    reason: str
    source_url: str
    source_document: str

    @property
    def key(self) -> tuple[int, str, str]:
        """What makes a recall distinct: the lot for a lot recall, the serial for a pack's."""
        return (self.product_pack.pk, self.scope, self.serial or self.lot)


@dataclass
class ImportReport:
    rows: int = 0
    created: list[int] = field(default_factory=list)  # line numbers of the recalls added
    already_recorded: list[int] = field(default_factory=list)  # line numbers
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def import_recalls(
    data: bytes,
    *,
    entered_by: User,
    file_name: str = "",
    today: date | None = None,
    request: HttpRequest | None = None,
) -> ImportReport:
    """Check every row; write them all in one transaction only if every row is good."""
    report = ImportReport()
    rows = _read_rows(data, today or timezone.localdate(), report)
    if not report.ok:
        return report
    with transaction.atomic():
        recorded = _recorded_keys({row.product_pack.pk for row in rows})
        new = []
        for row in rows:
            if row.key in recorded:
                report.already_recorded.append(row.line)
            else:
                new.append(row)
        _insert(new, entered_by, file_name[:200], timezone.now())
        report.created = [row.line for row in new]
        audit.record(
            request,
            AuditAction.CREATE,
            object_type="recall_import",
            object_id=f"{len(report.created)} from {file_name}",
            actor=entered_by,
        )
    return report


def _read_rows(data: bytes, today: date, report: ImportReport) -> list[RecallRow]:
    text = _decode(data, report)
    if text is None:
        return []
    lines = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    columns = [name.strip().lower() for name in next(lines)]
    if not _header_ok(columns, report):
        return []
    rows: list[RecallRow] = []
    first_line: dict[tuple[int, str, str], int] = {}
    packs: dict[str, ProductPack | None] = {}  # by GTIN: one query per product pack
    urls: dict[str, bool] = {}  # each distinct web address checked once
    for line, values in _numbered(lines):
        report.rows += 1
        if report.rows > MAX_ROWS:
            report.errors.append(RowError(0, "", _("More than %(n)d rows; split the file.") % {
                "n": MAX_ROWS}))  # fmt: skip
            return []
        row = _row(line, columns, values, today, report, packs, urls)
        if row is None:
            continue
        if row.key in first_line:
            report.errors.append(RowError(line, "", _("Repeats line %(line)d.") % {
                "line": first_line[row.key]}))  # fmt: skip
            continue
        first_line[row.key] = line
        rows.append(row)
    if report.rows == 0:
        report.errors.append(RowError(0, "", _("The file has a header but no recall rows.")))
    return rows


def _decode(data: bytes, report: ImportReport) -> str | None:
    if len(data) > MAX_BYTES:
        report.errors.append(RowError(0, "", _("The file is larger than 1 MB.")))
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        report.errors.append(RowError(0, "", _(
            "The file is not UTF-8 text (byte %(at)d). Save it as “CSV UTF-8”."
        ) % {"at": error.start}))  # fmt: skip
        return None
    if not text.strip():
        report.errors.append(RowError(0, "", _("The file is empty.")))
        return None
    return text


def _delimiter(text: str) -> str:
    """Semicolons when the header has more of them than commas (spreadsheets in fr/pt)."""
    header = text.splitlines()[0]
    return ";" if header.count(";") > header.count(",") else ","


def _header_ok(columns: list[str], report: ImportReport) -> bool:
    expected = ", ".join(COLUMNS)
    for name in columns:
        if name not in COLUMNS:
            report.errors.append(RowError(1, name, _(
                "Unknown column; the columns are: %(cols)s."
            ) % {"cols": expected}))  # fmt: skip
    for name in REQUIRED_COLUMNS:
        if name not in columns:
            report.errors.append(RowError(1, name, _("This column is missing.")))
    if "lot" not in columns and "serial" not in columns:
        report.errors.append(RowError(1, "lot", _("Give a lot column, a serial column, or both.")))
    if "source_url" not in columns and "source_document" not in columns:
        report.errors.append(RowError(1, "source_url", _(
            "Give a source_url column, a source_document column, or both."
        )))  # fmt: skip
    return report.ok


def _numbered(lines: Iterator[list[str]]) -> Iterator[tuple[int, list[str]]]:
    """Each row with the line it starts on (a quoted value may span lines); blank lines skipped."""
    start = 2
    for values in lines:
        if any(value.strip() for value in values):
            yield start, values
        start = lines.line_num + 1  # type: ignore[attr-defined]


def _row(
    line: int,
    columns: list[str],
    values: list[str],
    today: date,
    report: ImportReport,
    packs: dict[str, ProductPack | None],
    urls: dict[str, bool],
) -> RecallRow | None:
    errors: list[RowError] = []
    if len(values) > len(columns):
        errors.append(RowError(line, "", _("More values than the header has columns.")))
    given = dict(zip(columns, (value.strip() for value in values), strict=False))
    cell = {name: given.get(name, "") for name in COLUMNS}
    product_pack = _product_pack(line, cell["gtin"], errors, packs)
    for name, ai in (("lot", gs1.LOT), ("serial", gs1.SERIAL)):
        if cell[name]:
            try:
                gs1.check_lot_or_serial(ai, cell[name])
            except gs1.CodeError as error:
                errors.extend(RowError(line, name, p.message) for p in error.problems)
    if not cell["lot"] and not cell["serial"]:
        errors.append(RowError(line, "lot", _("Give the lot, the serial, or both.")))
    recalled_on = _recall_date(line, cell["recalled_on"], today, errors)
    if not cell["reason"]:
        errors.append(RowError(line, "reason", _("The reason is missing.")))
    _check_source(line, cell["source_url"], cell["source_document"], errors, urls)
    for name, most in MAX_LENGTHS.items():
        if len(cell[name]) > most:
            errors.append(RowError(line, name, _(
                "%(n)d characters long; at most %(most)d are allowed."
            ) % {"n": len(cell[name]), "most": most}))  # fmt: skip
    report.errors.extend(errors)
    if errors or product_pack is None or recalled_on is None:
        return None
    scope = Recall.Scope.SERIAL if cell["serial"] else Recall.Scope.LOT
    return RecallRow(
        line, product_pack, scope, cell["lot"], cell["serial"], recalled_on, cell["reason"],
        cell["source_url"], cell["source_document"],
    )  # fmt: skip


def _product_pack(
    line: int, gtin: str, errors: list[RowError], packs: dict[str, ProductPack | None]
) -> ProductPack | None:
    if gtin not in packs:  # a GTIN seen before was checked and looked up then
        if not gtin:
            errors.append(RowError(line, "gtin", _("The GTIN is missing.")))
            return None
        try:
            gs1.check_gtin(gtin)
        except gs1.CodeError as error:
            errors.extend(RowError(line, "gtin", p.message) for p in error.problems)
            return None
        packs[gtin] = ProductPack.objects.filter(gtin=gtin).first()
    product_pack = packs[gtin]
    if product_pack is None:
        errors.append(RowError(line, "gtin", _(
            "GTIN %(gtin)s is not in the catalogue; add the product pack first."
        ) % {"gtin": gtin}))  # fmt: skip
    return product_pack


def _recall_date(line: int, text: str, today: date, errors: list[RowError]) -> date | None:
    if not text:
        errors.append(RowError(line, "recalled_on", _("The recall date is missing.")))
        return None
    try:
        value = date.fromisoformat(text) if _ISO_DATE.fullmatch(text) else None
    except ValueError:
        value = None
    if value is None:
        message = _("“%(text)s” is not a date written as YYYY-MM-DD.")
    elif value > today:
        message = _("“%(text)s” is in the future.")
    else:
        return value
    errors.append(RowError(line, "recalled_on", message % {"text": text}))
    return None


def _check_source(
    line: int, url: str, document: str, errors: list[RowError], urls: dict[str, bool]
) -> None:
    if not url and not document:
        errors.append(RowError(line, "source_url", _(
            "Give the source: a web address (source_url) or the document (source_document)."
        )))  # fmt: skip
        return
    if url and url not in urls:
        urls[url] = _is_web_address(url)
    if url and not urls[url]:
        errors.append(RowError(line, "source_url", _(
            "“%(url)s” is not a web address (http:// or https://)."
        ) % {"url": url}))  # fmt: skip


def _is_web_address(url: str) -> bool:
    if len(url) <= 253 and _PLAIN_URL.fullmatch(url):
        return True
    try:
        WEB_ADDRESS(url)
    except ValidationError:
        return False
    return True


def _recorded_keys(packs: set[int]) -> set[tuple[int, str, str]]:
    """The keys (as ``RecallRow.key``) of the recalls already stored for these product packs:
    one query for the whole file (a catalogue has few packs)."""
    stored = Recall.objects.filter(product_pack_id__in=packs).values_list(
        "product_pack_id", "scope", "serial", "lot_number"
    )
    return {
        (pack, scope, serial if scope == Recall.Scope.SERIAL else lot)
        for pack, scope, serial, lot in stored
    }


#: The columns written, in the order ``_insert`` gives them.
_COLUMNS = (
    "product_pack", "scope", "lot_number", "serial", "reason", "recalled_on", "source_url",
    "source_document", "entered_by", "entered_at", "imported_from",
)  # fmt: skip


def _insert(rows: list[RecallRow], entered_by: Model, file_name: str, now: object) -> None:
    """The new recalls by ``executemany`` in batches (no model instance per row)."""
    values = [
        (row.product_pack.pk, row.scope, row.lot, row.serial, row.reason, row.recalled_on,
         row.source_url, row.source_document, entered_by.pk, now, file_name)
        for row in rows
    ]  # fmt: skip
    for start in range(0, len(values), BATCH_SIZE):
        insert_rows(Recall, _COLUMNS, values[start : start + BATCH_SIZE])


def template_csv() -> str:
    """The header row of an import file."""
    return ",".join(COLUMNS) + "\r\n"
