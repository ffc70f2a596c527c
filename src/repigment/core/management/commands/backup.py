"""Back up the database and the media files into a new directory (``repigment backup PATH``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from repigment.core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write a consistent copy of the database (SQLite online backup or pg_dump) and every "
        "media file to a new directory, with a manifest of versions, row counts and hashes."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", help="a directory that does not exist yet (or is empty)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = backup(Path(options["path"]))
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up to {report.path}: {report.vendor}, {report.tables} tables, "
                f"{report.rows} rows, {report.media_files} media files "
                f"({report.media_bytes} bytes). It holds patient data: keep it safe."
            )
        )
