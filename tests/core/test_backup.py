"""`repigment backup` and `repigment restore` round-trip the demo world into a fresh database:
every table's row count and every media file's hash come back, the append-only triggers come
back (`audit verify` passes, a raw UPDATE of an audit row is still refused), and a restore
refuses a database that holds data or a backup that does not match its manifest.

The commands run as a user runs them, in subprocesses with their own var folder and (on
PostgreSQL, when the suite runs there) their own two databases, created and dropped here.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from repigment.core.backup import BackupError, pg_tool
from tests.accounts.test_demo_and_cli import REPIGMENT, cli_env

ON_POSTGRES = connection.vendor == "postgresql"


@dataclass
class Site:
    """One installation: a var folder (media, SQLite file) and, on PostgreSQL, a database."""

    var: Path
    env: dict[str, str]
    database_url: str | None

    @property
    def media(self) -> Path:
        return self.var / "media"

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [str(REPIGMENT), *args], capture_output=True, text=True, env=self.env, timeout=300
        )
        if check:
            assert done.returncode == 0, done.stderr[-3000:]
        return done

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        if self.database_url is None:
            with sqlite3.connect(self.var / "repigment.sqlite3") as db:
                return list(db.execute(sql))
        import psycopg

        with psycopg.connect(self.database_url, autocommit=True) as db:
            return list(db.execute(sql))

    def row_counts(self) -> dict[str, int]:
        if self.database_url is None:
            sql = "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        else:
            sql = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        tables = [name for (name,) in self.query(sql)]
        return {t: self.query(f'SELECT COUNT(*) FROM "{t}"')[0][0] for t in sorted(tables)}

    def media_hashes(self) -> dict[str, str]:
        return {
            p.relative_to(self.media).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(self.media.rglob("*"))
            if p.is_file()
        }


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Site, Site]]:
    """Two installations; the first holds the demo world. PostgreSQL: two scratch databases."""
    made = []
    admin_url = None
    if ON_POSTGRES:
        settings = connection.settings_dict
        auth = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
        server = f"postgres://{auth}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
        admin_url = f"{server}/postgres"
    for which in ("source", "target"):
        var = tmp_path_factory.mktemp(which)
        env = cli_env(var)
        url = None
        if admin_url is not None:
            import psycopg

            name = f"test_backup_{os.getpid()}_{which}"
            with psycopg.connect(admin_url, autocommit=True) as db:
                db.execute(f'DROP DATABASE IF EXISTS "{name}"')
                db.execute(f'CREATE DATABASE "{name}"')
            url = admin_url.rsplit("/", 1)[0] + f"/{name}"
            env["DATABASE_URL"] = url
        made.append(Site(var, env, url))
    source, target = made
    source.run("migrate")
    source.run("demo", "--no-progress", "--no-logins")
    target.run("migrate")  # a fresh installation: tables and reference rows, no people
    yield source, target
    if admin_url is not None:
        import psycopg

        with psycopg.connect(admin_url, autocommit=True) as db:
            for site in made:
                name = site.database_url.rsplit("/", 1)[1]  # type: ignore[union-attr]
                db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_and_restore_round_trip_the_demo_world(
    sites: tuple[Site, Site], tmp_path: Path
) -> None:
    source, target = sites
    backup = tmp_path / "backup"
    made = source.run("backup", str(backup))
    assert "It holds patient data" in made.stdout
    assert (backup.stat().st_mode & 0o777) == 0o700
    manifest = json.loads((backup / "manifest.json").read_text())
    counts = source.row_counts()
    hashes = source.media_hashes()
    assert manifest["database"]["vendor"] == ("postgresql" if ON_POSTGRES else "sqlite")
    assert manifest["tables"] == counts
    assert counts["accounts_auditentry"] > 0 and counts["patients_patient"] > 0
    assert {name: f["sha256"] for name, f in manifest["media"].items()} == hashes
    assert any(name.startswith("photos/") for name in hashes), "demo photos expected"
    assert manifest["migrations"]["accounts"]

    restored = target.run("restore", str(backup))
    assert "rows checked" in restored.stdout
    assert target.row_counts() == counts
    assert target.media_hashes() == hashes
    verified = target.run("audit", "verify")
    assert "Every chain verified; every table guarded." in verified.stdout

    # The triggers came back with the rows: the copy refuses a change like the original.
    (entry_id,) = target.query("SELECT MIN(id) FROM accounts_auditentry")[0]
    with pytest.raises(Exception, match="append-only"):
        target.query(f"UPDATE accounts_auditentry SET object_id = 'x' WHERE id = {entry_id}")

    again = target.run("restore", str(backup), check=False)
    assert again.returncode == 1
    assert "already holds data" in again.stderr and "--force" in again.stderr
    forced = target.run("restore", str(backup), "--force")
    assert "rows checked" in forced.stdout
    assert target.row_counts() == counts


def test_restore_refuses_a_backup_that_does_not_match_its_manifest(
    sites: tuple[Site, Site], tmp_path: Path
) -> None:
    source, target = sites
    backup = tmp_path / "backup"
    source.run("backup", str(backup))
    before = target.media_hashes()
    photo = next(p for p in sorted((backup / "media").rglob("*")) if p.is_file())
    photo.write_bytes(photo.read_bytes() + b"x")
    refused = target.run("restore", str(backup), "--force", check=False)
    assert refused.returncode == 1
    name = photo.relative_to(backup / "media").as_posix()
    assert f"media file {name} is missing or does not match its hash" in refused.stderr
    assert target.media_hashes() == before  # nothing was touched


def test_backup_refuses_an_existing_folder_and_leaves_it_alone(
    sites: tuple[Site, Site], tmp_path: Path
) -> None:
    source, _ = sites
    (tmp_path / "keep.txt").write_text("mine")
    refused = source.run("backup", str(tmp_path), check=False)
    assert refused.returncode == 1
    assert "already exists and is not an empty directory" in refused.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_without_pg_dump_the_backup_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no PostgreSQL programs there
    for program in ("pg_dump", "pg_restore"):
        with pytest.raises(BackupError) as refused:
            pg_tool(program)
        assert f"{program} was not found on PATH" in str(refused.value)
        assert "postgresql-client" in str(refused.value)
