"""Keyset pages of an HTML list: one way for every list page that grows with the registry.

A page is the ``size`` rows next to a cursor row, in the list's order, found by comparing the
order's columns with the cursor row's (``(a, b, id) > (x, y, z)``) and walking the index that
has that order: no OFFSET, however deep the page. The cursor is a row's id in the query string
(``after`` = the last row of the page before, ``before`` = the first of the page after); an
unknown id gives the first page. A page asks two queries: the cursor row's order values, then
``size + 1`` rows (the extra one says whether another page follows). A list that shows its size
counts at most ``COUNT_UPTO`` rows (:func:`count_upto`), so the count too is bounded.

The patient list, the dispensing list and each state of the authorisation pipeline page this
way; the API lists use :mod:`repigment.core.pagination`, the audit trail its own cursor.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import connections, models

Row = TypeVar("Row", bound=models.Model)

#: Rows on one page of a list unless the page says otherwise.
PAGE_SIZE = 25
#: A list counts its rows up to this many; beyond, it says "more than" (a count reads every row).
COUNT_UPTO = 1000


@dataclass
class KeysetPage(Generic[Row]):
    """The rows of one page, and whether pages lie either side."""

    rows: list[Row]
    has_previous: bool
    has_next: bool

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def first_id(self) -> int | None:
        return self.rows[0].pk if self.rows else None

    @property
    def last_id(self) -> int | None:
        return self.rows[-1].pk if self.rows else None


def cursor(value: str | None) -> int | None:
    """A page cursor (a row id) from the query string; anything else is the first page."""
    return int(value) if value and value.isdigit() and len(value) < 12 else None


def cursors(query: Mapping[str, str], prefix: str = "") -> dict[str, int | None]:
    """``after`` and ``before`` of a request's query string (each named ``prefix`` + name)."""
    return {name: cursor(query.get(prefix + name)) for name in ("after", "before")}


@dataclass(frozen=True)
class Count:
    """How many rows a list has, counted up to ``COUNT_UPTO``: ``more`` if there are more."""

    rows: int
    more: bool


def count_upto(rows: models.QuerySet[Row], most: int = COUNT_UPTO) -> Count:
    """The rows of ``rows`` counted in one query that reads at most ``most + 1`` of them."""
    found = rows.order_by()[: most + 1].count()
    return Count(min(found, most), found > most)


def keyset_page(
    rows: models.QuerySet[Row],
    order: Sequence[str],
    *,
    after: int | None = None,
    before: int | None = None,
    size: int = PAGE_SIZE,
) -> KeysetPage[Row]:
    """One page of ``rows`` in ``order`` (names of non-null fields, all ascending or all
    descending with ``-``; the id is added last, the same way) next to the row ``after`` or
    ``before``."""
    descending = all(name.startswith("-") for name in order) and bool(order)
    names = [name.lstrip("-") for name in order]
    fields = [*names, "pk"]
    cursor_id = after if after is not None else before
    forward = before is None or after is not None
    ordered = rows.order_by(*(f"-{name}" if descending else name for name in fields))
    mark = (
        rows.order_by().filter(pk=cursor_id).values_list(*names).first()
        if cursor_id is not None
        else None
    )
    if mark is not None:
        sign = ">" if forward != descending else "<"
        ordered = ordered.extra(
            where=[f"{_columns(rows.model, fields)} {sign} ({_marks(fields)})"],
            params=[*_db_values(rows, names, mark), cursor_id],
        )
    if not forward and mark is not None:
        found = list(ordered.reverse()[: size + 1])
        return KeysetPage(found[:size][::-1], has_previous=len(found) > size, has_next=True)
    found = list(ordered[: size + 1])
    return KeysetPage(found[:size], has_previous=mark is not None, has_next=len(found) > size)


def _columns(model: type[models.Model], fields: list[str]) -> str:
    meta = model._meta
    names = [meta.pk.column if f == "pk" else meta.get_field(f).column for f in fields]  # type: ignore[union-attr]
    return "(" + ", ".join(f'"{meta.db_table}"."{name}"' for name in names) + ")"


def _db_values(rows: models.QuerySet[Row], names: list[str], values: tuple[Any, ...]) -> list[Any]:
    """The cursor row's values as the database stores them (SQLite keeps an aware datetime as
    naive UTC text: compared as given, '...+00:00' sorts after the stored text)."""
    meta, connection = rows.model._meta, connections[rows.db]
    return [
        meta.get_field(name).get_db_prep_value(value, connection)
        for name, value in zip(names, values, strict=True)
    ]


def _marks(fields: list[str]) -> str:
    return ", ".join(["%s"] * len(fields))
