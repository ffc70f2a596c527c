"""REDCap's data dictionary and raw records exports, as CSV files.

The dictionary has one row per field (``Variable / Field Name``, ``Form Name``, ``Field
Type``, the choices as ``1, Female | 2, Male``, the validation such as ``date_ymd``). The
records export has one row per record, event and repeat instance: ``redcap_event_name`` in
longitudinal projects, ``redcap_repeat_instrument`` and ``redcap_repeat_instance`` for
repeating instruments, and raw values (choice codes, ISO dates).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import NamedTuple

DICTIONARY_NAME = "Variable / Field Name"
DICTIONARY_COLUMNS = (DICTIONARY_NAME, "Form Name", "Field Type")
CHOICES = "Choices, Calculations, OR Slider Labels"
VALIDATION = "Text Validation Type OR Show Slider Number"
CHOICE_TYPES = {"radio", "dropdown", "yesno", "truefalse", "checkbox"}


class FileProblem(ValueError):
    """A file that cannot be read at all (not a row's problem)."""


@dataclass(frozen=True)
class Field:
    name: str
    form: str
    kind: str
    validation: str
    choices: dict[str, str] = field(default_factory=dict)


def _text(data: bytes | str, what: str) -> str:
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileProblem(f"The {what} is not UTF-8 text (REDCap exports UTF-8).") from None


def _choices(kind: str, text: str) -> dict[str, str]:
    if kind == "yesno":
        return {"1": "Yes", "0": "No"}
    if kind == "truefalse":
        return {"1": "True", "0": "False"}
    found = {}
    for part in text.split("|"):
        code, comma, label = part.partition(",")
        if comma and code.strip():
            found[code.strip()] = label.strip()
    return found


def read_dictionary(data: bytes | str) -> dict[str, Field]:
    rows = csv.DictReader(io.StringIO(_text(data, "data dictionary")))
    missing = [c for c in DICTIONARY_COLUMNS if c not in (rows.fieldnames or [])]
    if missing:
        raise FileProblem(
            f"The data dictionary lacks the columns {', '.join(missing)}: is it "
            "REDCap's data dictionary CSV?"
        )
    fields = {}
    for row in rows:
        name = row[DICTIONARY_NAME].strip()
        kind = row["Field Type"].strip()
        if not name:
            continue
        choices = _choices(kind, row.get(CHOICES) or "") if kind in CHOICE_TYPES else {}
        fields[name] = Field(
            name, row["Form Name"].strip(), kind, (row.get(VALIDATION) or "").strip(), choices
        )
    if not fields:
        raise FileProblem("The data dictionary names no fields.")
    return fields


class Row(NamedTuple):
    """One line of the records export (``line`` counts the header as line 1).

    ``cells`` are the line's raw values in the file's column order, as many as the header
    names (a short line is padded with ""); ``Records.index`` says which column is which.
    Values are stripped where they are read, so only the mapped columns cost anything.
    """

    line: int
    record: str
    cells: list[str]


@dataclass(frozen=True)
class Records:
    columns: list[str]
    index: dict[str, int]  # column name -> position
    rows: list[Row]


def read_records(data: bytes | str, record_field: str) -> Records:
    reader = csv.reader(io.StringIO(_text(data, "records file")))
    columns = next(reader, [])
    if record_field not in columns:
        raise FileProblem(
            f"The records file has no {record_field!r} column (the record id the "
            "mapping names); export the raw records as CSV."
        )
    index: dict[str, int] = {}
    for position, name in enumerate(columns):
        if name:
            index[name] = position  # a repeated name: the last column, as csv.DictReader
    width, at = len(columns), index[record_field]
    padding = [""] * width
    rows = []
    number = 1
    for cells in reader:
        if not cells:  # a blank line, skipped as csv.DictReader skips it
            continue
        number += 1
        if len(cells) < width:
            cells += padding[len(cells) :]
        rows.append(Row(number, cells[at].strip(), cells))
    return Records(columns, index, rows)
