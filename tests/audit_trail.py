"""Reading the audit trail in tests: an entry is one request, its actions the main one and
``also`` (see repigment.accounts.audit)."""

from __future__ import annotations

from collections.abc import Iterable

from repigment.accounts.models import AuditEntry


def actions(entries: Iterable[AuditEntry]) -> set[tuple[str, str]]:
    """(action, object_type) of everything the entries' requests recorded."""
    return {(action, kind) for entry in entries for action, kind, _id in entry.actions()}
