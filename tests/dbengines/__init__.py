"""Test-only database engines: Django's own, whose flush lifts the append-only guards.

pytest-django's transactional tests empty every table afterwards (DELETE on SQLite, TRUNCATE
on PostgreSQL), which the append-only triggers refuse. These engines, named only in
``tests/settings.py``, drop those tables' triggers, empty the tables and create the triggers
again, in the flush's own transaction. The application's engines are Django's unchanged, and
nothing the application runs can lift a guard.
"""

from __future__ import annotations

from typing import Any


def flush_around_guards(vendor: str, statements: list[str], tables: Any) -> list[str]:
    """Wrap a flush's statements in dropping and recreating the guards of the tables it empties."""
    # Imported here: the engine is loaded while the ORM itself is still being imported.
    from repigment.core.appendonly import Guard, create_sql, drop_sql, guarded_models

    emptied = set(tables)
    guards = [Guard.of_model(m) for m in guarded_models() if m._meta.db_table in emptied]
    if not statements or not guards:
        return statements
    drop = [sql for guard in guards for sql in drop_sql(guard, vendor)]
    create = [sql for guard in guards for sql in create_sql(guard, vendor)]
    return [*drop, *statements, *create]
