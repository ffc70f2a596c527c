"""The shape of the prescriber's queue: groups in a fixed order, each counted, with its first
few items, each linking to where it is done. Richer than ``core.worklist`` (the other roles'):
an item names its patient, its step and a Done form, and a group gathers several sources, so it
links to several full lists (each clinic's)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.utils.functional import Promise

from repigment.accounts.models import Clinic
from repigment.core.worklist import SHOWN  # as many as the other roles' queues show
from repigment.patients.models import Patient


@dataclass(frozen=True)
class Item:
    """One thing to do: its text links to where it is done; ``done_url`` is a form's target
    (POST) that closes it from the queue itself."""

    label: Promise | str  # the kind of work: "Serious adverse event, no report sent"
    text: str
    url: str
    clinic: Clinic
    patient: Patient | None = None
    day: date | None = None  # due on, or waiting since (``since``)
    since: bool = False
    late: bool = False
    action: Promise | str = ""  # a second link, to the step itself, when it differs from url
    action_url: str = ""
    done_url: str = ""
    done_label: Promise | str = ""
    #: Rank within the group, lower first: the source's place in the group, then its order
    #: (a day's ordinal, then a key), as the source's query orders them.
    rank: tuple[int, int, int] = (0, 0, 0)


@dataclass(frozen=True)
class Link:
    text: str
    url: str


@dataclass
class Group:
    code: str
    title: Promise | str
    count: int = 0
    items: list[Item] = field(default_factory=list)
    more: list[Link] = field(default_factory=list)
    capped: bool = False  # a source counted only up to its cap: "1000+"

    def add(self, count: int, items: Iterable[Item], capped: bool = False) -> None:
        """Count ``count`` more and merge ``items`` (each source gives at most SHOWN), keeping
        the first SHOWN by rank."""
        self.count += count
        self.capped = self.capped or capped
        self.items = sorted([*self.items, *items], key=lambda item: item.rank)[:SHOWN]

    @property
    def hidden(self) -> int:
        return self.count - len(self.items)


def patients_of(groups: Iterable[Group]) -> list[Patient]:
    """Every patient an item names: the request's audit entry names them."""
    return [item.patient for group in groups for item in group.items if item.patient is not None]
