"""A decimal typed with a comma or a point means the same number, and nothing is ever read as
ten times what was typed."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django import forms

from repigment.core.forms import DecimalCommaField


class Area(forms.Form):
    percent = DecimalCommaField(max_digits=5, decimal_places=2, required=False)


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("2,5", D("2.5")),
        ("2.5", D("2.5")),
        (" 0,5 ", D("0.5")),
        (",5", D("0.5")),
        ("3", D("3")),
        ("12,25", D("12.25")),
        ("", None),
    ],
)
def test_a_comma_and_a_point_read_the_same(typed: str, read: D | None) -> None:
    form = Area({"percent": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["percent"] == read


@pytest.mark.parametrize("typed", ["1,000.5", "1.000,5", "2,5,0", "2.5%", "two", "2 ,5,"])
def test_anything_with_more_than_one_separator_or_other_signs_is_refused(typed: str) -> None:
    form = Area({"percent": typed})
    assert not form.is_valid()
    assert form.errors["percent"] == ["Write a number such as 2.5 or 2,5, with no other signs."]


def test_the_input_is_text_with_the_decimal_keypad() -> None:
    html = str(Area()["percent"])
    assert 'type="text"' in html and 'inputmode="decimal"' in html
    assert 'type="number"' not in html
