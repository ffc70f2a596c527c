"""A migration step for one database vendor (shared by the search migrations)."""

from __future__ import annotations

from typing import Any

from django.db import migrations


class RunSQLOn(migrations.RunSQL):
    """``RunSQL`` that runs only when the database is of ``vendor`` (no state change)."""

    def __init__(self, vendor: str, sql: list[str], reverse_sql: list[str]) -> None:
        super().__init__(sql, reverse_sql)
        self.vendor = vendor

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (
            f"{__name__}.RunSQLOn",
            [],
            {"vendor": self.vendor, "sql": self.sql, "reverse_sql": self.reverse_sql},
        )

    def database_forwards(self, app_label: str, schema_editor: Any, *args: Any) -> None:
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, *args)

    def database_backwards(self, app_label: str, schema_editor: Any, *args: Any) -> None:
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, *args)
