"""A role's work queue on the dashboard: groups of work in a fixed order (safety first), each
with its count, its first few items (most urgent first) and a link to the whole list.

Each group is counted and sampled by a fixed number of queries, whatever the number of
clinics or the size of the registry; only the first ``SHOWN`` rows of a group are read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet

from repigment.core.keyset import COUNT_UPTO

#: Items shown per group; the rest are behind the group's link.
SHOWN = 5


@dataclass(frozen=True)
class Item:
    """One piece of work: what it is, and the link to the page where it is done."""

    text: str
    url: str
    when: date | datetime | None = None
    when_label: str = ""  # what the day is: "valid until", "found"...


@dataclass(frozen=True)
class Group:
    key: str
    title: str
    count: int
    items: tuple[Item, ...]
    more_url: str = ""
    safety: bool = False

    @property
    def more(self) -> bool:
        """True when the group holds more than it shows."""
        return self.count > len(self.items)

    @property
    def over(self) -> bool:
        """True when the group was counted only up to ``COUNT_UPTO`` ("more than 1,000")."""
        return self.count > COUNT_UPTO

    @property
    def shown_count(self) -> int:
        return min(self.count, COUNT_UPTO)


def first_few(rows: QuerySet[Any]) -> tuple[list[Any], int]:
    """The first ``SHOWN`` rows and how many there are, counted up to ``COUNT_UPTO`` and one
    more (so the count reads a bounded number of rows at any size; one over means "more").
    Two queries, always, so the home asks the same number of queries at every size."""
    return list(rows[:SHOWN]), rows.order_by()[: COUNT_UPTO + 1].count()


def non_empty(groups: Sequence[Group]) -> list[Group]:
    return [group for group in groups if group.count]
