"""Walk every hash chain and check every append-only table's guards (``repigment audit verify``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from repigment.core.appendonly import chained_models, missing_guards, verify_chain


class Command(BaseCommand):
    help = (
        "Verify the audit trail, authorisation events and pack records: every chain unbroken "
        "and every append-only table guarded. Exits non-zero naming the first broken row."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        problems = [str(found) for found in missing_guards()]
        for model in chained_models():
            report = verify_chain(model)
            head = f"head id {report.head_id} {report.head_hash[:16]}" if report.rows else "empty"
            self.stdout.write(f"{report.table}: {report.rows} rows verified, {head}")
            if report.broken is not None:
                problems.append(str(report.broken))
        if problems:
            for problem in problems:
                self.stderr.write(f"BROKEN {problem}")
            raise CommandError(f"{len(problems)} problem(s): the first is {problems[0]}")
        self.stdout.write(self.style.SUCCESS("Every chain verified; every table guarded."))
