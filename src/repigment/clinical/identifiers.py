"""South African identity numbers: YYMMDD SSSS C A Z, checked digit by digit.

YYMMDD is the birth date (century chosen so it is not in the future), SSSS the sequence
(0000-4999 female, 5000-9999 male), C citizenship (0 citizen, 1 permanent resident,
2 refugee), A a digit with no meaning here, and Z a Luhn check digit over the first twelve.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from repigment.clinical.errors import ClinicalInputError

ZA_ID_LENGTH = 13
_FIELD = "id_number"


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"


class Citizenship(StrEnum):
    CITIZEN = "citizen"
    PERMANENT_RESIDENT = "permanent_resident"
    REFUGEE = "refugee"


_CITIZENSHIP_DIGITS = {"0": Citizenship.CITIZEN, "1": Citizenship.PERMANENT_RESIDENT}
_CITIZENSHIP_DIGITS["2"] = Citizenship.REFUGEE


@dataclass(frozen=True)
class ZaIdNumber:
    number: str
    birth_date: date
    sex: Sex
    citizenship: Citizenship


def parse_za_id(text: str, today: date | None = None) -> ZaIdNumber:
    """Parse and check a South African ID number, saying which part is wrong if it is."""
    if not isinstance(text, str):
        raise ClinicalInputError(_FIELD, "must be text of 13 digits")
    number = text.strip()
    if len(number) != ZA_ID_LENGTH or not (number.isascii() and number.isdigit()):
        raise ClinicalInputError(_FIELD, "must be exactly 13 digits")
    birth_date = _birth_date(number[:6], today or date.today())
    citizenship = _CITIZENSHIP_DIGITS.get(number[10])
    if citizenship is None:
        raise ClinicalInputError(
            _FIELD,
            f"citizenship digit (11th) is {number[10]}; it must be 0, 1 or 2",
        )
    if luhn_check_digit(number[:12]) != int(number[12]):
        raise ClinicalInputError(_FIELD, "check digit (13th) does not match; mistyped?")
    sex = Sex.FEMALE if int(number[6:10]) < 5000 else Sex.MALE
    return ZaIdNumber(number, birth_date, sex, citizenship)


def format_za_id(
    birth_date: date, sequence: int, citizenship: Citizenship, a_digit: int = 8
) -> str:
    """A valid ID number for these parts (for tests and demo data), check digit included."""
    if not 0 <= sequence <= 9999 or not 0 <= a_digit <= 9:
        raise ClinicalInputError("sequence", "must be 0-9999, with a single-digit A")
    citizen_digit = {value: key for key, value in _CITIZENSHIP_DIGITS.items()}[citizenship]
    body = f"{birth_date:%y%m%d}{sequence:04d}{citizen_digit}{a_digit}"
    return body + str(luhn_check_digit(body))


def luhn_check_digit(digits: str) -> int:
    """The Luhn digit that makes ``digits`` + digit pass the Luhn check."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:  # doubled: the rightmost payload digit sits next to the check
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return (10 - total % 10) % 10


def _birth_date(yymmdd: str, today: date) -> date:
    year, month, day = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6])
    for century in (2000, 1900):
        try:
            candidate = date(century + year, month, day)
        except ValueError:
            continue
        if candidate <= today:
            return candidate
    raise ClinicalInputError(
        _FIELD, f"birth date (first six digits, {yymmdd}) is not a real past date"
    )
