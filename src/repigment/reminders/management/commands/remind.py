"""Find what is due and remind: ``repigment remind`` (run it from a timer, as often as liked)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from repigment.reminders.engine import run


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--today must be a date as YYYY-MM-DD, not {text!r}") from None


class Command(BaseCommand):
    help = "Create the reminders that are due and send patients theirs, each only once."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--today", type=str, default=None, help="run as if today were YYYY-MM-DD"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = _day(options["today"]) if options["today"] else None
        result = run(today)
        self.stdout.write(result.summary())
