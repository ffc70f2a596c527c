"""Write the de-identified registry dataset of the consenting patients to a folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from repigment.accounts.audit import record
from repigment.accounts.models import AuditAction, Clinic
from repigment.registry.dataset import FORMATS, build, write


class Command(BaseCommand):
    help = "Write the registry dataset (visits, adverse events, adherence, grams) to a folder."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("out", type=Path, help="the folder to write (made if missing)")
        parser.add_argument("--format", choices=FORMATS, default="csv")
        parser.add_argument(
            "--clinic", action="append", default=[], help="a clinic's short code (repeatable)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        clinics = None
        if options["clinic"]:
            codes = [code.upper() for code in options["clinic"]]
            clinics = list(Clinic.objects.filter(code__in=codes))
            missing = sorted(set(codes) - {clinic.code for clinic in clinics})
            if missing:
                raise CommandError(f"No clinic with the code {', '.join(missing)}.")
        dataset = build(clinics)
        out: Path = options["out"]
        try:
            written = write(dataset, out, options["format"])
        except OSError as error:
            raise CommandError(f"Cannot write {out}: {error.strerror}.") from None
        record(
            None,
            AuditAction.EXPORT,
            object_type="registry_dataset",
            object_id=",".join(options["clinic"]) or "all",
            patient_ids=dataset.patient_ids,
        )
        counts = ", ".join(f"{len(rows)} {table}" for table, rows in dataset.tables.items())
        self.stdout.write(f"{len(written)} files in {out}: {counts}.")
