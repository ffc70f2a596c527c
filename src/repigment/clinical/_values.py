"""Exact conversion of loose values (JSON, form fields, notebooks) into typed values."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from repigment.clinical.errors import ClinicalInputError


def to_decimal(value: object, field: str) -> Decimal:
    """A finite Decimal from an int, float, str or Decimal, via its text (0.1 stays 0.1)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ClinicalInputError(field, "must be a number")
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        raise ClinicalInputError(field, "must be a number") from None
    if not number.is_finite():
        raise ClinicalInputError(field, "must be a finite number")
    return number


def to_int(value: object, field: str) -> int:
    """A whole number; 12, "12" and 12.0 are accepted, 12.5 is not."""
    number = to_decimal(value, field)
    if number != number.to_integral_value():
        raise ClinicalInputError(field, "must be a whole number")
    return int(number)


def to_bool(value: object, field: str) -> bool:
    """Only a real boolean; "no", 0 and None are refused rather than guessed."""
    if not isinstance(value, bool):
        raise ClinicalInputError(field, "must be true or false")
    return value


def decimal_places(number: Decimal) -> int:
    """How many digits a finite Decimal has after the point (2.50 has 2, 3 has 0)."""
    exponent = number.as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)
