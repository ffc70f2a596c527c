"""Import recalls from a CSV file: every row checked, nothing written unless all are good."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from repigment.accounts.models import Role, User
from repigment.accounts.permissions import has_role
from repigment.supply.recalls import COLUMNS, import_recalls


class Command(BaseCommand):
    help = f"Import recalls from a CSV file with the columns {', '.join(COLUMNS)}."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path, help="the CSV file")
        parser.add_argument(
            "--by", required=True, help="e-mail of the pharmacist or site administrator entering it"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email=options["by"].lower(), is_active=True).first()
        if user is None:
            raise CommandError(f"No user {options['by']}.")
        if not (user.is_staff or has_role(user, [Role.PHARMACIST])):
            raise CommandError(f"{user.email} is neither a pharmacist nor a site administrator.")
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        report = import_recalls(data, entered_by=user, file_name=path.name)
        if not report.ok:
            lines = "\n".join(f"  {error}" for error in report.errors)
            raise CommandError(f"Nothing was imported; {len(report.errors)} problems:\n{lines}")
        skipped = len(report.already_recorded)
        self.stdout.write(
            self.style.SUCCESS(f"{len(report.created)} recalls added")
            + (f"; {skipped} already recorded, skipped." if skipped else ".")
        )
