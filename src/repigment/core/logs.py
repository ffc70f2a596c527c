"""Logging helpers.

Django logs every refused access (PermissionDenied, or ``raise deny(...)``) on ``django.request``
with the whole traceback, though a refusal is routine and the traceback says nothing useful.
``RefusedAccess`` turns that record into one warning line naming the user's id, the path and the
reason, and nothing personal: no name, no e-mail, no query string.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied


class RefusedAccess(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if not isinstance(error, PermissionDenied):
            return True
        request = getattr(record, "request", None)
        user = getattr(request, "user", None)
        user_id = getattr(user, "pk", None) or "anonymous"
        path = getattr(request, "path", "?")
        reason = " ".join(str(error).split())[:200] or "-"
        record.msg = "Access refused: user=%s path=%s reason=%s"
        record.args = (user_id, path, reason)
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.exc_info, record.exc_text = None, None
        return True
