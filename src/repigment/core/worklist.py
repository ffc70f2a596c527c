"""A role's work queue on the dashboard: groups of work in a fixed order (safety first), each
with its count, its first few items (most urgent first) and links to the whole list.

Every role's home uses these shapes and ``core/_worklist.html``. Each group is counted and
sampled by a fixed number of queries, whatever the number of clinics or the size of the
registry; only the first ``SHOWN`` rows of a group are read, and a count stops at
``COUNT_UPTO`` ("more than 1,000").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise

from repigment.core.keyset import COUNT_UPTO, count_upto

#: Items shown per group; the rest are behind the group's links.
SHOWN = 5

Text = str | Promise


@dataclass(frozen=True)
class Item:
    """One piece of work: what it is, and the link to the page where it is done.

    The rest is optional: the kind of work in bold before the text, the patient it names (read
    from the home, so the request's audit entry names them), a second link to the step itself,
    and a form that closes the work from the home (``done_url``, POST)."""

    text: Text
    url: str
    when: date | datetime | None = None
    when_label: Text = ""  # what the day is: "valid until", "since", "due"...
    label: Text = ""
    patient: Any = None
    clinic_name: str = ""  # shown when the person works at several clinics
    late: bool = False
    action: Text = ""
    action_url: str = ""
    done_url: str = ""
    done_label: Text = ""
    #: Rank when a group merges several sources, lower first: the source's place in the group,
    #: then its own order (a day's ordinal, then a key).
    rank: tuple[int, int, int] = (0, 0, 0)


@dataclass(frozen=True)
class Link:
    text: str
    url: str


@dataclass
class Group:
    """A group of work: one source (``count``, ``items`` and ``more_url`` given at once) or
    several merged with :meth:`add`, each with its own full list in ``more_links``."""

    key: str
    title: Text
    count: int = 0
    items: Sequence[Item] = ()
    more_url: str = ""
    safety: bool = False
    more_links: list[Link] = field(default_factory=list)
    capped: bool = False  # a source was counted only up to COUNT_UPTO

    def add(self, count: int, items: Iterable[Item], capped: bool = False) -> None:
        """Count ``count`` more and merge ``items`` (each source gives at most SHOWN), keeping
        the first SHOWN by rank."""
        self.count += count
        self.capped = self.capped or capped
        self.items = sorted([*self.items, *items], key=lambda item: item.rank)[:SHOWN]

    @property
    def more(self) -> bool:
        """True when the group holds more than it shows."""
        return self.count > len(self.items)

    @property
    def hidden(self) -> int:
        return max(self.count - len(self.items), 0)

    @property
    def over(self) -> bool:
        """True when the count is a lower bound ("more than 1,000")."""
        return self.capped or self.count > COUNT_UPTO

    @property
    def shown_count(self) -> int:
        return min(self.count, COUNT_UPTO) if not self.capped else self.count


def counted(rows: QuerySet[Any]) -> tuple[int, bool]:
    """How many ``rows`` there are, up to ``COUNT_UPTO``, and whether there are more: one
    query that reads at most ``COUNT_UPTO + 1`` rows."""
    found = count_upto(rows, COUNT_UPTO)
    return found.rows, found.more


def first_few(rows: QuerySet[Any]) -> tuple[list[Any], int]:
    """The first ``SHOWN`` rows and how many there are (``COUNT_UPTO + 1`` meaning "more").
    Two queries, always, so the home asks the same number of queries at every size."""
    count, more = counted(rows)
    return list(rows[:SHOWN]), count + more


def non_empty(groups: Sequence[Group]) -> list[Group]:
    return [group for group in groups if group.count]


def patients_of(groups: Iterable[Group]) -> list[Any]:
    """Every patient an item names: the request's audit entry names them."""
    return [item.patient for group in groups for item in group.items if item.patient is not None]
