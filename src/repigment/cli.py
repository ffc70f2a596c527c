"""The `repigment` command: serve, demo data, checks and the clinical calculators."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from repigment.clinical.cli import register as register_clinical_commands

app = typer.Typer(
    help="Repigment: access, supply, treatment and outcomes for topical ruxolitinib.",
    no_args_is_help=True,
    add_completion=False,
)


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "repigment.settings")
    import django

    django.setup()


def _django(*args: str) -> None:
    """Run a Django management command in this process."""
    from django.core.management import call_command

    _setup_django()
    call_command(*args)


def print_demo_logins() -> None:
    _setup_django()
    from repigment.accounts.demo import login_table

    rows = login_table()
    from repigment.accounts.models import User

    if not User.objects.filter(email=rows[0][0]).exists():
        return
    typer.echo("\nDemo log-ins:")
    for email, password, what in rows:
        typer.echo(f"  {email:<28} {password}   {what}")


@app.command()
def migrate() -> None:
    """Create or update the database tables."""
    _django("migrate", "--no-input", "-v", "0")


@app.command()
def demo(
    progress: bool = typer.Option(True, help="Show a progress bar."),
    logins: bool = typer.Option(True, help="Print the demo log-ins afterwards."),
    scale: int = typer.Option(
        0, min=0, help="Also build this many synthetic patients across several clinics."
    ),
    seed: int = typer.Option(1, help="The synthetic world's seed (same seed, same world)."),
) -> None:
    """Build the demo world (idempotent) and print the demo log-ins."""
    sizes = ["--scale", str(scale), "--seed", str(seed)] if scale else []
    _django("demo", *([] if progress else ["--no-progress"]), *sizes)
    if logins:
        print_demo_logins()


@app.command()
def check(deploy: bool = typer.Option(False, help="Also run the deployment checks.")) -> None:
    """Run Django's system checks (with --deploy: is this set-up fit for production?)."""
    from django.core.management.base import SystemCheckError

    try:
        _django("check", *(["--deploy", "--fail-level", "WARNING"] if deploy else []))
    except SystemCheckError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from None


@app.command("import-recalls")
def import_recalls(
    file: Annotated[Path, typer.Argument(help="CSV file with a header row (see the recall page).")],
    by: Annotated[str, typer.Option("--by", help="E-mail of the pharmacist entering them.")],
) -> None:
    """Import recalls from a CSV file; nothing is written unless every row is good."""
    from django.core.management import CommandError

    try:
        _django("import_recalls", str(file), "--by", by)
    except CommandError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from None


@app.command()
def remind(
    today: Annotated[
        str | None, typer.Option("--today", help="Run as if today were YYYY-MM-DD.")
    ] = None,
    background: Annotated[
        bool, typer.Option("--background", help="Queue the run as a job for the worker.")
    ] = False,
) -> None:
    """Create the reminders that are due and message patients, each only once (for a timer)."""
    from django.core.management import CommandError

    try:
        _django(
            "remind",
            *(["--today", today] if today else []),
            *(["--background"] if background else []),
        )
    except CommandError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from None


@app.command("backup")
def backup_command(
    path: Annotated[Path, typer.Argument(help="A new directory for the backup.")],
) -> None:
    """Back up the database and the media files, with a manifest of counts and hashes."""
    from django.core.management import CommandError

    try:
        _django("backup", str(path))
    except CommandError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from None


@app.command("restore")
def restore_command(
    path: Annotated[Path, typer.Argument(help="A directory made by `repigment backup`.")],
    force: Annotated[
        bool, typer.Option("--force", help="Replace a database that already holds data.")
    ] = False,
) -> None:
    """Check a backup against its manifest and restore it into an empty database."""
    from django.core.management import CommandError

    try:
        _django("restore", str(path), *(["--force"] if force else []))
    except CommandError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from None


media_app = typer.Typer(help="The media folder (photos, documents, generated files).")
app.add_typer(media_app, name="media")


@media_app.command("sweep")
def media_sweep(
    grace_seconds: Annotated[
        int, typer.Option("--grace-seconds", help="Leave files younger than this alone.")
    ] = 3600,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List, remove nothing.")] = False,
) -> None:
    """Remove media files that no row names (left by failed or killed uploads)."""
    from django.core.management import CommandError

    try:
        _django(
            "media_sweep",
            "--grace-seconds",
            str(grace_seconds),
            *(["--dry-run"] if dry_run else []),
        )
    except CommandError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from None


import_app = typer.Typer(help="Import data from other systems.")
app.add_typer(import_app, name="import")


@import_app.command("redcap")
def import_redcap(
    dictionary: Annotated[Path, typer.Option("--dictionary", help="REDCap data dictionary CSV.")],
    records: Annotated[Path, typer.Option("--records", help="REDCap raw records export CSV.")],
    mapping: Annotated[Path, typer.Option("--mapping", help="Mapping file (TOML).")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check only; write nothing.")] = False,
) -> None:
    """Import a REDCap project: all or nothing, every bad row reported, safe to re-run."""
    _setup_django()
    from django.core.management.base import CommandError

    args = ["--dictionary", str(dictionary), "--records", str(records), "--mapping", str(mapping)]
    try:
        _django("import_redcap", *args, *(["--dry-run"] if dry_run else []))
    except CommandError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from None


@app.command()
def unlock(
    email: Annotated[str, typer.Option("--email", help="The locked account's e-mail.")] = "",
    address: Annotated[str, typer.Option("--address", help="The locked client address.")] = "",
) -> None:
    """Lift a log-in lockout of an account and/or an address (audited); alone, list failures."""
    from django.core.management import CommandError

    try:
        _django("unlock", "--email", email, "--address", address)
    except CommandError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from None


audit_app = typer.Typer(help="The audit trail and the other append-only records.")
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def audit_verify() -> None:
    """Walk every hash chain; exit non-zero naming the first broken row (table, id, what)."""
    from django.core.management import CommandError

    try:
        _django("audit_verify")
    except CommandError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from None


registry_app = typer.Typer(help="The de-identified registry dataset and its outcomes.")
app.add_typer(registry_app, name="registry")


@registry_app.command("export")
def registry_export(
    out: Annotated[Path, typer.Argument(help="Folder to write the tables into.")],
    format: Annotated[str, typer.Option("--format", help="csv or parquet.")] = "csv",
    clinic: Annotated[
        list[str] | None, typer.Option("--clinic", help="A clinic's short code (repeatable).")
    ] = None,
) -> None:
    """Write the dataset of the patients whose registry consent is current (no names, no dates)."""
    from django.core.management import CommandError

    try:
        _django(
            "registry_export", str(out), "--format", format,
            *[part for code in clinic or [] for part in ("--clinic", code)],
        )  # fmt: skip
    except CommandError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from None


@registry_app.command("summaries")
def registry_summaries(
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Recompute every summary.")] = False,
    check: Annotated[
        bool, typer.Option("--check", help="Recompute in memory; exit 1 when a stored row differs.")
    ] = False,
) -> None:
    """The per-patient summaries the analyst's report reads: rebuild them, or check them."""
    from django.core.management import CommandError

    if rebuild == check:
        typer.echo("give one of --rebuild or --check", err=True)
        raise typer.Exit(2)
    try:
        _django("registry_summaries", "--rebuild" if rebuild else "--check")
    except CommandError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from None


@registry_app.command("analyse")
def registry_analyse(
    datasets: Annotated[
        list[Path], typer.Argument(help="Folders written by 'registry export' (pooled).")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    suppress: Annotated[
        bool, typer.Option("--suppress", help="Hide cells of fewer than 5 patients.")
    ] = False,
) -> None:
    """Responses, time to F-VASI75, subgroups, Table 1, safety and use (needs no database)."""
    from repigment.registry.analysis import DatasetError, load, report
    from repigment.registry.text import as_text

    try:
        tables = load(datasets)
    except (DatasetError, OSError) as error:
        typer.echo(str(error).splitlines()[0], err=True)
        raise typer.Exit(2) from None
    result = report(tables)
    if as_json:
        import json

        from repigment.registry.analysis import as_json as to_json

        typer.echo(json.dumps(to_json(result, suppress=suppress), indent=2))
    else:
        typer.echo(as_text(result, suppress=suppress))


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    workers: int = typer.Option(0, help="Worker processes (0: one per core, at least 2)."),
    threads: int = typer.Option(8, min=1, help="Threads per worker process."),
) -> None:
    """Serve with gunicorn (static files through WhiteNoise) until Ctrl-C or SIGTERM.

    Threaded workers (gthread): a connection waiting on a slow or idle client is parked in the
    worker's poller, not holding a process, so a browser keeping a PDF open or a stalled
    client cannot starve everyone else.
    """
    workers = workers or max(2, len(os.sched_getaffinity(0)))
    _setup_django()
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.db import connections

    from repigment.accounts.checks import refuse_unsafe_production

    try:
        refuse_unsafe_production()
    except ImproperlyConfigured as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from None
    # The API docs page uses Swagger UI; Ninja's unused ReDoc bundle is left out.
    _django("collectstatic", "--no-input", "-v", "0", "--ignore", "redoc.standalone.js*")
    print_demo_logins()
    # Each instance keeps its pid file and gunicorn's control socket to itself (the default
    # socket is one per user, so a second server would take over the first's).
    run_dir = Path(settings.VAR_DIR) / "run"
    run_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    instance = run_dir / f"gunicorn-{host}-{port}"
    command = [
        sys.executable, "-m", "gunicorn", "repigment.wsgi:application",
        "--bind", f"{host}:{port}", "--workers", str(workers), "--access-logfile", "-",
        "--worker-class", "gthread", "--threads", str(threads), "--keep-alive", "5",
        "--graceful-timeout", "5",
        "--pid", f"{instance}.pid", "--control-socket", f"{instance}.ctl",
    ]  # fmt: skip
    typer.echo(f"\nServing on http://{host}:{port}/  (Ctrl-C stops)\n")
    sys.stdout.flush()
    sys.stderr.flush()
    connections.close_all()
    # gunicorn takes this process's place, so SIGTERM and Ctrl-C reach its master directly
    # and it stops its workers: nothing is left behind as it would be under a wrapper.
    os.execv(sys.executable, command)


@app.command()
def worker(
    batch: Annotated[
        bool, typer.Option("--batch", help="Run what is queued, then stop (for a timer).")
    ] = False,
) -> None:
    """Run background jobs (bulk exports, reminder runs, reports) until Ctrl-C or SIGTERM.

    The database backend by default; with REPIGMENT_TASKS=redis an RQ worker on
    REPIGMENT_REDIS_URL. A job that is running when it stops is tried again later.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "repigment.settings")
    import django

    django.setup()
    from django.conf import settings

    if settings.TASKS_BACKEND == "redis":
        _django(
            "rqworker", "default", "--job-class", "django_tasks_rq.Job", "--with-scheduler",
            *(["--burst"] if batch else []),
        )  # fmt: skip
    else:
        _django(
            "db_worker", "--queue-name", "default", "--no-reload", *(["--batch"] if batch else [])
        )


register_clinical_commands(app)


def main() -> None:
    app()
