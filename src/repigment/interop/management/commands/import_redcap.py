"""manage.py import_redcap --dictionary D.csv --records R.csv --mapping M.toml [--dry-run]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import Progress

from repigment.interop.redcap.importer import Report, run_import


def summary(report: Report) -> str:
    made = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in sorted(report.created.items()))
    same = ", ".join(
        f"{n} {name.replace('_', ' ')}" for name, n in sorted(report.unchanged.items())
    )
    return (
        f"{report.rows} rows, {report.records} records. New: {made or 'nothing'}. "
        f"Already there, left unchanged: {same or 'nothing'}."
    )


class Command(BaseCommand):
    help = "Import a REDCap project (data dictionary, raw records, mapping); all or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dictionary", required=True, type=Path)
        parser.add_argument("--records", required=True, type=Path)
        parser.add_argument("--mapping", required=True, type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check only; write nothing.")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            files = [options[name].read_bytes() for name in ("dictionary", "records")]
            mapping = options["mapping"].read_text(encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Cannot read {error.filename}: {error.strerror}") from None
        with Progress(disable=options["no_progress"], transient=True) as bar:
            task = bar.add_task("Checking rows", total=None)
            report = run_import(
                *files,
                mapping,
                dry_run=options["dry_run"],
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(report.problems)} problem(s); nothing was imported.")
        verb = "Checked (dry run, nothing written)" if options["dry_run"] else "Imported"
        self.stdout.write(f"{verb}: {summary(report)}")
