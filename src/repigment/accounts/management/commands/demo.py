"""Build the demo world: every app's builder from settings.DEMO_BUILDERS, in order."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string
from rich.progress import Progress


class Command(BaseCommand):
    help = "Create the demo clinics, people and records (safe to run again)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("The demo world is never built in production.")
        builders = [import_string(path) for path in settings.DEMO_BUILDERS]
        with Progress(disable=options["no_progress"], transient=True) as progress:
            task = progress.add_task("Building the demo world", total=None)

            def step(label: str) -> None:
                progress.update(task, advance=1, description=label[:60])

            with transaction.atomic():
                for build in builders:
                    build(step)
        self.stdout.write(self.style.SUCCESS("Demo world ready."))
