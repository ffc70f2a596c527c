"""Load (or reload) the country access data file into the database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from repigment.access.loader import DATA_FILE, DataFileError, load_countries


class Command(BaseCommand):
    help = "Load the versioned country data file (skipped when already loaded; safe to repeat)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--file", type=Path, default=DATA_FILE, help="data file to load")
        parser.add_argument(
            "--force", action="store_true", help="load even when this content is already loaded"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No data file at {path}")
        try:
            report = load_countries(path, force=options["force"])
        except DataFileError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(report.summary()))
