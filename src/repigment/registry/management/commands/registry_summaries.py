"""Rebuild or check the stored per-patient summaries the registry report reads."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Rebuild (--rebuild) or check (--check) the registry's per-patient summaries."

    def add_arguments(self, parser: Any) -> None:
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--rebuild", action="store_true", help="recompute every summary")
        action.add_argument(
            "--check",
            action="store_true",
            help="recompute in memory, report stored rows that differ",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from repigment.registry import summaries  # Polars loads here

        began = time.perf_counter()
        if options["rebuild"]:
            rows = summaries.rebuild()
            self.stdout.write(f"{rows} summaries rebuilt in {time.perf_counter() - began:.1f} s")
            return
        found = summaries.check()
        for difference in found.differences[:50]:
            self.stdout.write(
                f"patient {difference.patient_id}: {difference.field} stored"
                f" {difference.stored!r}, computed {difference.computed!r}"
            )
        self.stdout.write(
            f"{found.rows} summaries stored, {found.stale} stale, {found.missing} missing,"
            f" {len(found.differences)} differences ({time.perf_counter() - began:.1f} s)"
        )
        if found.differences:
            raise CommandError("stored summaries differ from the recomputed ones")
