"""Find what is due and remind: ``repigment remind`` (run it from a timer, as often as liked).

``--background`` queues the same run as a job for the worker instead of running it here.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from repigment.reminders.tasks import remind_now, start_remind_job


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
        parser.add_argument(
            "--background",
            action="store_true",
            help="queue the run as a background job for the worker instead of running it here",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = _day(options["today"]) if options["today"] else None
        if options["background"]:
            job = start_remind_job(today)
            self.stdout.write(f"queued as job {job.public_id} ({job.state})")
            return
        self.stdout.write(remind_now(today)["summary"])
