"""Names found past their first letters: trigrams on PostgreSQL, an FTS5 table on SQLite.

The prefix indexes of 0002 find "naid" in "Naidoo" but not a typo ("nadoo") nor a later word of
a name ("khumalo" in "Ndlovu Khumalo"). Each database gets what it does best, and only that
database: a custom operation runs its SQL when the connection's vendor matches, so the other
database's migration history still records the step without running anything.
"""

from __future__ import annotations

from django.db import migrations

from repigment.patients.migrations._vendor import RunSQLOn

TABLE = "patients_patient"
FTS = "patients_patient_fts"

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE INDEX IF NOT EXISTS patient_family_key_trgm ON {TABLE} "
    "USING gin (family_key gin_trgm_ops)",
    f"CREATE INDEX IF NOT EXISTS patient_given_key_trgm ON {TABLE} "
    "USING gin (given_key gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS patient_given_key_trgm",
    "DROP INDEX IF EXISTS patient_family_key_trgm",
]

# An external-content FTS5 table over the normalised name keys (already case-folded and without
# accents), kept by triggers, so every write path (save, bulk_create, raw SQL) keeps it in step.
SQLITE_FORWARD = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5(family_key, given_key, content='{TABLE}', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER {FTS}_insert AFTER INSERT ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}(rowid, family_key, given_key) "
    "VALUES (new.id, new.family_key, new.given_key); END",
    f"CREATE TRIGGER {FTS}_delete AFTER DELETE ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, family_key, given_key) "
    "VALUES ('delete', old.id, old.family_key, old.given_key); END",
    f"CREATE TRIGGER {FTS}_update AFTER UPDATE OF family_key, given_key ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, family_key, given_key) "
    "VALUES ('delete', old.id, old.family_key, old.given_key); "
    f"INSERT INTO {FTS}(rowid, family_key, given_key) "
    "VALUES (new.id, new.family_key, new.given_key); END",
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",  # the patients already stored
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {FTS}_update",
    f"DROP TRIGGER IF EXISTS {FTS}_delete",
    f"DROP TRIGGER IF EXISTS {FTS}_insert",
    f"DROP TABLE IF EXISTS {FTS}",
]


class Migration(migrations.Migration):
    dependencies = [("patients", "0003_list_order")]

    operations = [
        RunSQLOn("postgresql", POSTGRES_FORWARD, POSTGRES_BACKWARD),
        RunSQLOn("sqlite", SQLITE_FORWARD, SQLITE_BACKWARD),
    ]
