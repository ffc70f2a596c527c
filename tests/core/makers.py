"""A small report file maker for the file-job tests (a real function, named in settings)."""

from __future__ import annotations

from typing import Any


def note(args: dict[str, Any]) -> tuple[str, bytes]:
    return "note.txt", f"Report for {args['who']}\n".encode()
