"""When a fact's source was read, by whom, and when it is due to be read again.

Every sourced statement the system shows (a reference row, a country fact) records the day
its source was actually read and who read it, never the day the data was built. A fact whose
reading was not recorded, or was read more than ``RECHECK_AFTER_MONTHS`` ago, is due for
re-checking: a maintainer reads the source again and records the new day.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

RECHECK_AFTER_MONTHS = 12


@dataclass(frozen=True)
class Read:
    """One reading of a source: the day (None when it was not recorded) and who read it."""

    on: date | None
    by: str

    def due(self, today: date) -> bool:
        return due_for_recheck(self.on, today)


def months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier (the month's last day if it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def due_for_recheck(read_on: date | None, today: date) -> bool:
    """Not recorded, or read more than RECHECK_AFTER_MONTHS before ``today``."""
    return read_on is None or read_on < months_before(today, RECHECK_AFTER_MONTHS)
