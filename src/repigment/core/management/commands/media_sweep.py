"""Remove media files that no row names (``repigment media sweep``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from repigment.core.media import DEFAULT_GRACE_SECONDS, sweep


class Command(BaseCommand):
    help = (
        "Remove media files that no row names (left by failed or killed uploads), once they "
        "are older than the grace period."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--grace-seconds", type=int, default=DEFAULT_GRACE_SECONDS,
            help=f"leave younger files alone (default {DEFAULT_GRACE_SECONDS})",
        )  # fmt: skip
        parser.add_argument("--dry-run", action="store_true", help="list, remove nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["grace_seconds"] < 0:
            raise CommandError("--grace-seconds cannot be negative")
        report = sweep(options["grace_seconds"], dry_run=options["dry_run"])
        verb = "would remove" if options["dry_run"] else "removed"
        for name in report.orphans:
            self.stdout.write(f"{verb} {name}")
        self.stdout.write(
            f"{len(report.orphans)} file(s) no row names {verb} ({report.orphan_bytes} bytes); "
            f"{report.kept} kept; {report.too_young} too recent to judge."
        )
