"""South African ID numbers: layout, birth date, sex, citizenship and Luhn check digit."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from repigment.clinical.errors import ClinicalInputError
from repigment.clinical.identifiers import (
    Citizenship,
    Sex,
    format_za_id,
    luhn_check_digit,
    parse_za_id,
)

TODAY = date(2026, 11, 26)


def test_it_reads_a_male_citizen_born_1_january_1980() -> None:
    # 800101 5009 0 8 7: born 1980-01-01; 5009 >= 5000 -> male; C=0 citizen.
    # Luhn over 800101500908, doubling every second digit from the right:
    # doubled 8,9,0,1,1,0 -> 7,9,0,2,2,0 = 20; others 0,0,5,0,0,8 = 13; 33 -> check 7.
    parsed = parse_za_id("8001015009087", TODAY)
    assert parsed.birth_date == date(1980, 1, 1)
    assert parsed.sex is Sex.MALE
    assert parsed.citizenship is Citizenship.CITIZEN


def test_it_reads_a_female_citizen() -> None:
    # 920220 4720 0 8 3: born 1992-02-20; 4720 < 5000 -> female.
    # doubled 8,0,7,0,2,2 -> 7,0,5,0,4,4 = 20; others 0,2,4,2,0,9 = 17; 37 -> check 3.
    parsed = parse_za_id("9202204720083", TODAY)
    assert (parsed.birth_date, parsed.sex) == (date(1992, 2, 20), Sex.FEMALE)


@pytest.mark.parametrize(
    ("sequence", "sex"), [(0, Sex.FEMALE), (4999, Sex.FEMALE), (5000, Sex.MALE), (9999, Sex.MALE)]
)
def test_sex_changes_at_sequence_5000(sequence: int, sex: Sex) -> None:
    number = format_za_id(date(1980, 1, 1), sequence, Citizenship.CITIZEN)
    assert parse_za_id(number, TODAY).sex is sex


@pytest.mark.parametrize("citizenship", list(Citizenship))
def test_it_reads_each_citizenship_digit(citizenship: Citizenship) -> None:
    number = format_za_id(date(1980, 1, 1), 5009, citizenship)
    assert parse_za_id(number, TODAY).citizenship is citizenship


def test_the_century_is_chosen_so_the_birth_date_is_not_in_the_future() -> None:
    number = format_za_id(date(2026, 1, 1), 5000, Citizenship.CITIZEN)  # 260101...
    assert parse_za_id(number, TODAY).birth_date == date(2026, 1, 1)
    assert parse_za_id(number, date(2025, 12, 31)).birth_date == date(1926, 1, 1)
    assert parse_za_id(number, date(2026, 1, 1)).birth_date == date(2026, 1, 1)  # born today


def test_29_february_is_valid_only_in_a_leap_year() -> None:
    number = format_za_id(date(2000, 2, 29), 1234, Citizenship.PERMANENT_RESIDENT)
    assert parse_za_id(number, TODAY).birth_date == date(2000, 2, 29)
    body = "010229" + "123418"
    with pytest.raises(ClinicalInputError, match="birth date"):
        parse_za_id(body + str(luhn_check_digit(body)), TODAY)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("800101500908", "exactly 13 digits"),
        ("80010150090877", "exactly 13 digits"),
        ("80010150090A7", "exactly 13 digits"),
        ("\uff18" + "0" * 12, "exactly 13 digits"),  # a full-width digit
        ("8013015009087", "birth date"),
        ("8002305009087", "birth date"),
        ("8001015009387", "citizenship digit"),
        ("8001015009088", "check digit"),
        ("8001015009078", "check digit"),  # two digits swapped
    ],
)
def test_it_says_which_part_of_a_bad_number_is_wrong(text: str, problem: str) -> None:
    with pytest.raises(ClinicalInputError, match=problem) as caught:
        parse_za_id(text, TODAY)
    assert caught.value.field == "id_number"


def test_surrounding_spaces_are_ignored() -> None:
    assert parse_za_id(" 8001015009087\n", TODAY).number == "8001015009087"


def test_today_defaults_to_the_real_date() -> None:
    assert parse_za_id("8001015009087").birth_date == date(1980, 1, 1)


# --- properties ------------------------------------------------------------------------------

birth_dates = st.dates(min_value=date(1927, 1, 1), max_value=TODAY)


@given(birth_dates, st.integers(0, 9999), st.sampled_from(list(Citizenship)), st.integers(0, 9))
def test_a_formatted_id_round_trips(
    born: date, sequence: int, citizenship: Citizenship, a_digit: int
) -> None:
    parsed = parse_za_id(format_za_id(born, sequence, citizenship, a_digit), TODAY)
    assert parsed.birth_date == born
    assert parsed.citizenship is citizenship
    assert parsed.sex is (Sex.FEMALE if sequence < 5000 else Sex.MALE)


@given(birth_dates, st.integers(0, 9999), st.integers(1, 9))
def test_any_other_check_digit_is_rejected(born: date, sequence: int, shift: int) -> None:
    number = format_za_id(born, sequence, Citizenship.CITIZEN)
    wrong = number[:12] + str((int(number[12]) + shift) % 10)
    with pytest.raises(ClinicalInputError, match="check digit"):
        parse_za_id(wrong, TODAY)
