"""Load (or reload) the country access data files into the database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from repigment.access.loader import DATA_DIR, DataFileError, load_countries


class Command(BaseCommand):
    help = "Load the country data files (skipped when already loaded; safe to repeat)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--dir", type=Path, default=DATA_DIR, help="folder of the data files to load"
        )
        parser.add_argument(
            "--force", action="store_true", help="load even when this content is already loaded"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["dir"]
        if not path.is_dir():
            raise CommandError(f"No data folder at {path}")
        try:
            report = load_countries(path, force=options["force"])
        except DataFileError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(report.summary()))
