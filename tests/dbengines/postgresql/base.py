"""Django's PostgreSQL engine, with a flush that lifts the append-only guards (tests only)."""

from __future__ import annotations

from typing import Any

from django.db.backends.postgresql import base, operations

from tests.dbengines import flush_around_guards


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style: Any, tables: Any, **kwargs: Any) -> list[str]:
        statements = super().sql_flush(style, tables, **kwargs)
        return flush_around_guards("postgresql", statements, tables)


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
