"""Backup and restore: the database and the media files, with a manifest that checks both.

A backup is a directory (mode 0700: it holds patient data):

- ``database.sqlite3`` — SQLite's online backup API (``sqlite3.Connection.backup``): a consistent
  copy page by page while the server keeps running; or ``database.pgdump`` — PostgreSQL's
  ``pg_dump`` in custom format, taken in an exported snapshot so the row counts below are the
  dump's own.
- ``media/`` — every file under ``MEDIA_ROOT`` (photos, documents, generated files).
- ``manifest.json`` — the format, the versions (Repigment, Django, Python, the database), the
  last migration of every app, every table's row count, and the SHA-256 and size of the database
  file and of every media file.

Restore checks the manifest before it touches anything (every hash, the database kind, no
migration newer than this code), refuses a database that already holds data unless forced, then
brings back the database (SQLite: the backup API the other way; PostgreSQL: ``pg_restore`` in
one transaction) and the media, and checks every table's row count and the append-only
triggers on the restored copy. The append-only tables come back as they were: the SQLite copy
is the database file itself, triggers included; ``pg_dump`` loads the rows before it creates the
triggers, so the clock trigger does not see the old times.

The secret key is not in a backup (keep it apart); sessions and reset links signed with another
key simply stop working.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import django
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader

from repigment.core.appendonly import guarded_models, missing_guards

FORMAT = "repigment-backup/1"
MANIFEST = "manifest.json"
MEDIA_DIR = "media"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
CHUNK = 1 << 20


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass
class Report:
    """What a backup or restore did, for the command to print."""

    path: Path
    vendor: str
    tables: int
    rows: int
    media_files: int
    media_bytes: int
    notes: list[str] = field(default_factory=list)


# --- Helpers -----------------------------------------------------------------------------------


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _copy_hashed(source: Path, target: Path) -> tuple[str, int]:
    """Copy one file and return the SHA-256 and size of exactly the bytes written."""
    digest, size = hashlib.sha256(), 0
    target.parent.mkdir(parents=True, exist_ok=True)
    with source.open("rb") as src, target.open("wb") as dst:
        while block := src.read(CHUNK):
            digest.update(block)
            dst.write(block)
            size += len(block)
    return digest.hexdigest(), size


def _media_files(root: Path) -> Iterator[Path]:
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path


def _version() -> str:
    try:
        return metadata.version("repigment")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a source tree
        return "unknown"


def _applied_migrations(cursor: Any) -> dict[str, list[str]]:
    """App label → applied migration names, read in the backup's own snapshot or copy."""
    applied: dict[str, list[str]] = {}
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    for app, name in cursor.fetchall():
        applied.setdefault(app, []).append(name)
    return applied


def _code_migrations() -> set[tuple[str, str]]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return set(loader.disk_migrations)


def pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} was not found on PATH. Install PostgreSQL's client programs, the same "
            f"major version as the server or newer (Debian/Ubuntu: apt install postgresql-client; "
            f"other systems: the PostgreSQL client package), then try again."
        )
    return found


def _pg_env_and_args(connection: BaseDatabaseWrapper) -> tuple[dict[str, str], list[str]]:
    """Connection options for the PostgreSQL programs; the password goes in the environment."""
    params = connection.settings_dict
    env = dict(os.environ)
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    args = []
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if params.get(key):
            args += [option, str(params[key])]
    args += ["--dbname", str(params["NAME"])]
    return env, args


def _run(command: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()}")
    return done.stdout


def _count_rows(cursor: Any, tables: list[str], quote: Any) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
        counts[table] = int(cursor.fetchone()[0])
    return counts


def _sqlite_tables(db: sqlite3.Connection) -> list[str]:
    rows = db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    return [name for (name,) in rows]


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# --- Backup ------------------------------------------------------------------------------------


def backup(path: Path, using: str = DEFAULT_DB_ALIAS) -> Report:
    """Write a backup of the database and the media files to the new directory ``path``."""
    path = Path(path)
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise BackupError(f"{path} already exists and is not an empty directory; name a new one.")
    partial = path.with_name(path.name + ".partial")
    if partial.exists():
        shutil.rmtree(partial)
    partial.mkdir(mode=0o700, parents=True)
    try:
        manifest = _backup_into(partial, connections[using])
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    if path.exists():
        path.rmdir()
    partial.rename(path)
    path.chmod(0o700)
    return _report(path, manifest)


def _backup_into(target: Path, connection: BaseDatabaseWrapper) -> dict[str, Any]:
    vendor = connection.vendor
    if vendor == "sqlite":
        database = _backup_sqlite(target / SQLITE_FILE, connection)
    elif vendor == "postgresql":
        database = _backup_postgres(target / PG_FILE, connection)
    else:
        raise BackupError(f"backups of a {vendor} database are not supported")
    tables = database.pop("tables")
    # Media after the database: a file written meanwhile is an extra, never a missing one.
    media_root = Path(settings.MEDIA_ROOT)
    files = {}
    for source in _media_files(media_root):
        relative = source.relative_to(media_root).as_posix()
        digest, size = _copy_hashed(source, target / MEDIA_DIR / relative)
        files[relative] = {"sha256": digest, "size": size}
    return {
        "format": FORMAT,
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "versions": {
            "repigment": _version(),
            "django": django.get_version(),
            "python": platform.python_version(),
        },
        "database": database,
        "migrations": database.pop("migrations"),
        "tables": tables,
        "media": files,
    }


def _backup_sqlite(file: Path, connection: BaseDatabaseWrapper) -> dict[str, Any]:
    source_name = str(connection.settings_dict["NAME"])
    source = sqlite3.connect(source_name)
    copy = sqlite3.connect(file)
    try:
        source.backup(copy)  # the online backup API: a consistent copy even while written to
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        tables = {
            t: int(copy.execute(f"SELECT COUNT(*) FROM {_sqlite_quote(t)}").fetchone()[0])
            for t in sorted(_sqlite_tables(copy))
        }
        migrations = _applied_migrations(copy.cursor())
        check = copy.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        copy.close()
        source.close()
    if check != "ok":
        raise BackupError(f"the copied database fails SQLite's integrity check: {check}")
    return {
        "vendor": "sqlite",
        "server_version": sqlite3.sqlite_version,
        "tool": "sqlite3 online backup",
        "file": SQLITE_FILE,
        "sha256": _sha256_file(file),
        "size": file.stat().st_size,
        "tables": tables,
        "migrations": migrations,
    }


def _backup_postgres(file: Path, connection: BaseDatabaseWrapper) -> dict[str, Any]:
    pg_dump = pg_tool("pg_dump")
    env, args = _pg_env_and_args(connection)
    tool = _run([pg_dump, "--version"], env).strip()
    # One snapshot for the counts and the dump: what the manifest counts is what the dump holds.
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
        snapshot, server_version = cursor.fetchone()
        tables = _count_rows(
            cursor, connection.introspection.table_names(cursor), connection.ops.quote_name
        )
        migrations = _applied_migrations(cursor)
        _run(
            [pg_dump, *args, "--format=custom", f"--snapshot={snapshot}", f"--file={file}"],
            env,
        )
    return {
        "vendor": "postgresql",
        "server_version": server_version,
        "tool": f"{tool} (custom format)",
        "file": PG_FILE,
        "sha256": _sha256_file(file),
        "size": file.stat().st_size,
        "tables": tables,
        "migrations": migrations,
    }


def _report(path: Path, manifest: dict[str, Any], notes: list[str] | None = None) -> Report:
    return Report(
        path=path,
        vendor=manifest["database"]["vendor"],
        tables=len(manifest["tables"]),
        rows=sum(manifest["tables"].values()),
        media_files=len(manifest["media"]),
        media_bytes=sum(f["size"] for f in manifest["media"].values()),
        notes=notes or [],
    )


# --- Restore -----------------------------------------------------------------------------------


def read_manifest(path: Path) -> dict[str, Any]:
    """The backup's manifest, after checking the database file and every media file against it."""
    path = Path(path)
    try:
        manifest = json.loads((path / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{path} is not a Repigment backup: it has no {MANIFEST}") from None
    except (OSError, ValueError) as error:
        raise BackupError(f"{path / MANIFEST} cannot be read: {error}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        found = manifest.get("format") if isinstance(manifest, dict) else None
        raise BackupError(f"{path} is not a backup this version reads ({FORMAT}; found {found!r})")
    database = manifest["database"]
    file = path / database["file"]
    if not file.is_file() or _sha256_file(file) != database["sha256"]:
        raise BackupError(f"{file} is missing or does not match the manifest's hash")
    for relative, expected in manifest["media"].items():
        media = path / MEDIA_DIR / relative
        if not media.is_file() or _sha256_file(media) != expected["sha256"]:
            raise BackupError(f"media file {relative} is missing or does not match its hash")
    return manifest


def holds_data(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether the database has people or records: a user, or a row in an append-only table.

    A freshly migrated database does not (its migrations write only reference rows).
    """
    from django.apps import apps

    connection = connections[using]
    present = set(connection.introspection.table_names())
    models = [apps.get_model(settings.AUTH_USER_MODEL), *guarded_models()]
    return any(
        model._meta.db_table in present and model._base_manager.using(using).exists()
        for model in models
    )


def restore(path: Path, force: bool = False, using: str = DEFAULT_DB_ALIAS) -> Report:
    """Bring back the database and media files of the backup at ``path``."""
    path = Path(path)
    manifest = read_manifest(path)
    connection = connections[using]
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            f"this backup is of a {vendor} database and the configured one is "
            f"{connection.vendor}; restore it into a {vendor} database"
        )
    newer = {
        (app, name) for app, names in manifest["migrations"].items() for name in names
    } - _code_migrations()
    if newer:
        app, name = sorted(newer)[0]
        raise BackupError(
            f"the backup has migration {app}.{name}, which this version of Repigment does not "
            f"know: restore it with the version that made it ({manifest['versions']['repigment']})"
        )
    media_root = Path(settings.MEDIA_ROOT)
    if not force:
        if holds_data(using):
            raise BackupError(
                "the database already holds data (people or records); restoring would replace "
                "it. Restore into an empty database, or pass --force to overwrite it."
            )
        if any(_media_files(media_root)):
            raise BackupError(
                f"the media folder {media_root} is not empty; restoring would mix two sets of "
                f"files. Empty it, or pass --force to replace its files."
            )
    connections.close_all()
    if vendor == "sqlite":
        _restore_sqlite(path / SQLITE_FILE, connection)
    else:
        _restore_postgres(path / PG_FILE, connection)
    _restore_media(path, manifest, media_root)
    notes = _check_restored(manifest, connection, using)
    return _report(path, manifest, notes)


def _restore_sqlite(file: Path, connection: BaseDatabaseWrapper) -> None:
    target_name = Path(str(connection.settings_dict["NAME"]))
    target_name.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
    target = sqlite3.connect(target_name)
    try:
        source.backup(target)  # replaces every page: tables, indexes and triggers
        target.execute("PRAGMA journal_mode=WAL")
    finally:
        target.close()
        source.close()


def _restore_postgres(file: Path, connection: BaseDatabaseWrapper) -> None:
    pg_restore = pg_tool("pg_restore")
    env, args = _pg_env_and_args(connection)
    # --clean drops what the dump holds before creating it again; in one transaction a failure
    # leaves the database as it was. Rows are loaded before the triggers are created.
    _run(
        [
            pg_restore, *args, "--clean", "--if-exists", "--single-transaction",
            "--exit-on-error", "--no-owner", "--no-privileges", str(file),
        ],
        env,
    )  # fmt: skip


def _restore_media(path: Path, manifest: dict[str, Any], media_root: Path) -> None:
    wanted = set(manifest["media"])
    for existing in list(_media_files(media_root)):
        if existing.relative_to(media_root).as_posix() not in wanted:
            existing.unlink()  # --force: the media folder becomes the backup's
    for relative, expected in manifest["media"].items():
        digest, _ = _copy_hashed(path / MEDIA_DIR / relative, media_root / relative)
        if digest != expected["sha256"]:
            raise BackupError(f"media file {relative} changed while it was being restored")


def _check_restored(
    manifest: dict[str, Any], connection: BaseDatabaseWrapper, using: str
) -> list[str]:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counts = _count_rows(cursor, tables, connection.ops.quote_name)
    for table, expected in manifest["tables"].items():
        if counts.get(table) != expected:
            raise BackupError(
                f"table {table} has {counts.get(table)} rows after the restore; the backup has "
                f"{expected}"
            )
    unapplied = _code_migrations() - {
        (app, name) for app, names in manifest["migrations"].items() for name in names
    }
    if unapplied:
        # A later migration may itself add guards; `repigment audit verify` after migrating.
        return [
            f"{len(unapplied)} migration(s) of this version are newer than the backup: "
            f"run `repigment migrate`, then `repigment audit verify`."
        ]
    broken = missing_guards(using)
    if broken:
        raise BackupError(f"the restored database lacks an append-only guard: {broken[0]}")
    return []
