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


@dataclass(frozen=True)
class Row:
    """One line of the records export (``line`` counts the header as line 1)."""

    line: int
    record: str
    event: str
    instrument: str
    instance: str
    values: dict[str, str]


def read_records(data: bytes | str, record_field: str) -> tuple[list[str], list[Row]]:
    reader = csv.DictReader(io.StringIO(_text(data, "records file")))
    columns = list(reader.fieldnames or [])
    if record_field not in columns:
        raise FileProblem(
            f"The records file has no {record_field!r} column (the record id the "
            "mapping names); export the raw records as CSV."
        )
    rows = []
    for number, values in enumerate(reader, start=2):
        clean = {key: (value or "").strip() for key, value in values.items() if key}
        rows.append(
            Row(
                number,
                clean[record_field],
                clean.get("redcap_event_name", ""),
                clean.get("redcap_repeat_instrument", ""),
                clean.get("redcap_repeat_instance", ""),
                clean,
            )
        )
    return columns, rows
