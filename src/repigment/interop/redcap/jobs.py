"""The REDCap import as a background job: the page's uploads wait in storage until it runs."""

from __future__ import annotations

from typing import Any

from django.core.files.storage import default_storage

from repigment.accounts.models import User
from repigment.core.jobs import Work
from repigment.interop.management.commands.import_redcap import summary
from repigment.interop.redcap.importer import run_import

#: At most this many problems are kept with the job (all of them are counted).
SHOWN_PROBLEMS = 500


def _read(name: str) -> bytes:
    with default_storage.open(name, "rb") as stored:
        return stored.read()


def run_import_job(work: Work) -> dict[str, Any]:
    params = work.params
    try:
        dictionary, records, mapping = (
            _read(params[key]) for key in ("dictionary", "records", "mapping")
        )
        report = run_import(
            dictionary,
            records,
            mapping.decode("utf-8", errors="replace"),
            dry_run=params["dry_run"],
            user=User.objects.get(pk=params["user"]),
            clinic_id=params["clinic"],
            progress=lambda done, total: work.progress(done, total),
        )
    finally:
        for key in ("dictionary", "records", "mapping"):
            default_storage.delete(params[key])
    return {
        "ok": report.ok,
        "written": report.written,
        "dry_run": params["dry_run"],
        "summary": summary(report) if report.ok else "",
        "problem_count": len(report.problems),
        "problems": [str(p) for p in report.problems[:SHOWN_PROBLEMS]],
    }
