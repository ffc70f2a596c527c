"""Restore a backup made by ``repigment backup`` (``repigment restore PATH [--force]``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from repigment.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Check a backup against its manifest, then restore its database and media files. "
        "Refuses a database that already holds data unless --force."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", help="the backup directory")
        parser.add_argument(
            "--force", action="store_true", help="replace a database that already holds data"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = restore(Path(options["path"]), force=options["force"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {report.path}: {report.vendor}, {report.tables} tables and "
                f"{report.rows} rows checked, {report.media_files} media files."
            )
        )
        for note in report.notes:
            self.stdout.write(note)
