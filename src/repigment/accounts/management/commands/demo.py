"""Build the demo world: every app's builder from settings.DEMO_BUILDERS, in order.

``--scale N`` then adds N synthetic patients across several clinics (``SCALE_BUILDERS``, see
``repigment.core.scale``), chunk by chunk, deterministic for a ``--seed``.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from rich.progress import Progress

from repigment.core.scale import CHUNK_SIZE, Chunk


class Command(BaseCommand):
    help = "Create the demo clinics, people and records (safe to run again)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")
        parser.add_argument(
            "--scale", type=int, default=0, metavar="N",
            help="also build N synthetic patients across several clinics (e.g. 100000)",
        )  # fmt: skip
        parser.add_argument(
            "--seed", type=int, default=1, help="the large world's seed (same seed, same world)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("The demo world is never built in production.")
        if options["scale"] < 0:
            raise CommandError("--scale is a number of patients (0 or more).")
        builders = [import_string(path) for path in settings.DEMO_BUILDERS]
        with Progress(disable=options["no_progress"], transient=True) as progress:
            task = progress.add_task("Building the demo world", total=None)

            def step(label: str) -> None:
                progress.update(task, advance=1, description=label[:60])

            with transaction.atomic():
                for build in builders:
                    build(step)
        self.stdout.write(self.style.SUCCESS("Demo world ready."))
        if options["scale"]:
            self._scale(options["scale"], options["seed"], options["no_progress"])

    def _scale(self, total: int, seed: int, quiet: bool) -> None:
        builders = [import_string(path) for path in settings.SCALE_BUILDERS]
        shared: dict[str, Any] = {}
        today = timezone.localdate()
        began = time.monotonic()
        with Progress(disable=quiet) as progress:
            task = progress.add_task(f"{total} synthetic patients", total=total)
            for first in range(0, total, CHUNK_SIZE):
                chunk = Chunk(seed, total, first, min(CHUNK_SIZE, total - first), today, shared)
                with transaction.atomic():
                    _no_commit_wait()
                    for build in builders:
                        build(chunk)
                progress.advance(task, chunk.count)
        # Planner statistics for the tables just filled: a 100,000-patient world measured on
        # PostgreSQL had never been analysed by autovacuum, so its plans were guesses (issue
        # 13); SQLite's planner reads its statistics from ANALYZE too.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        seconds = time.monotonic() - began
        self.stdout.write(
            self.style.SUCCESS(f"{total} synthetic patients (seed {seed}) in {seconds:.0f} s.")
        )


def _no_commit_wait() -> None:
    """On PostgreSQL, let this chunk's commit return before its WAL is on disk.

    Legitimate for this synthetic world only: a crash can lose at most the last chunks
    committed, never corrupt the database, and running the command again rebuilds them (a
    chunk whose first patient exists is skipped; the rest is deterministic). Never for real
    records. ``SET LOCAL``: the setting ends with the chunk's transaction.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
