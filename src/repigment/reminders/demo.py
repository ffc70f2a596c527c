"""The demo's reminders: what is due in the demo world, on the dashboard at once (no patient
is messaged; `repigment remind` does that when a timer runs it)."""

from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone

from repigment.reminders.engine import RunResult, collect


def build(step: Callable[[str], None]) -> None:
    result = RunResult()
    collect(timezone.localdate(), result)
    step(f"{result.created} reminders")
