"""Keyset pages and bounded counts of HTML lists (core/keyset.py), over the patient table."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from repigment.core.keyset import count_upto, keyset_page
from repigment.patients.models import Patient
from tests.conftest import World


def _patients(world: World, count: int) -> list[int]:
    Patient.objects.bulk_create(
        Patient(
            clinic=world.clinic, record_number=f"KP-{n:03}", given_names="Given",
            family_name=f"Family {n % 3}", date_of_birth=date(1980, 1, 1), sex="female",
            phototype=5,
        )
        for n in range(count)
    )  # fmt: skip
    rows = Patient.objects.filter(record_number__startswith="KP-")
    return list(rows.order_by("family_name", "pk").values_list("pk", flat=True))


def test_pages_forward_and_back_cover_every_row_once_with_ties_broken_by_id(world: World) -> None:
    expected = _patients(world, 11)
    rows = Patient.objects.filter(record_number__startswith="KP-")
    seen, after, pages = [], None, 0
    while True:
        page = keyset_page(rows, ("family_name",), after=after, size=4)
        seen += [p.pk for p in page]
        pages += 1
        assert page.has_previous == (pages > 1)
        if not page.has_next:
            break
        after = page.last_id
    assert seen == expected and pages == 3
    back = keyset_page(rows, ("family_name",), before=page.first_id, size=4)
    assert [p.pk for p in back] == expected[4:8] and back.has_previous and back.has_next
    first = keyset_page(rows, ("family_name",), before=expected[2], size=4)
    assert [p.pk for p in first] == expected[:2] and not first.has_previous


def test_an_unknown_cursor_gives_the_first_page(world: World) -> None:
    expected = _patients(world, 5)
    rows = Patient.objects.filter(record_number__startswith="KP-")
    page = keyset_page(rows, ("family_name",), after=10**9, size=3)
    assert [p.pk for p in page] == expected[:3] and not page.has_previous and page.has_next


def test_a_count_stops_past_its_bound_and_says_there_are_more(world: World) -> None:
    _patients(world, 7)
    rows = Patient.objects.filter(record_number__startswith="KP-")
    assert (count_upto(rows, 7).rows, count_upto(rows, 7).more) == (7, False)
    assert (count_upto(rows, 6).rows, count_upto(rows, 6).more) == (6, True)


def test_a_descending_order_pages_newest_first_both_ways(world: World) -> None:
    expected = _patients(world, 9)[::-1]  # family name then id, both descending
    rows = Patient.objects.filter(record_number__startswith="KP-")
    first = keyset_page(rows, ("-family_name",), size=4)
    second = keyset_page(rows, ("-family_name",), after=first.last_id, size=4)
    third = keyset_page(rows, ("-family_name",), after=second.last_id, size=4)
    assert [p.pk for page in (first, second, third) for p in page] == expected
    assert not third.has_next
    back = keyset_page(rows, ("-family_name",), before=third.first_id, size=4)
    assert [p.pk for p in back] == expected[4:8]


def test_rows_at_the_same_moment_are_neither_repeated_nor_skipped(world: World) -> None:
    """A datetime cursor is compared as the database stores it (SQLite: naive UTC text)."""
    expected = _patients(world, 7)
    rows = Patient.objects.filter(record_number__startswith="KP-")
    rows.update(created=timezone.now())
    for order in (("created",), ("-created",)):
        want = sorted(expected, reverse=order == ("-created",))
        seen, after = [], None
        while True:
            page = keyset_page(rows, order, after=after, size=3)
            seen += [p.pk for p in page]
            if not page.has_next:
                break
            after = page.last_id
        assert seen == want, order
