"""The API's single error shape: {"error": {"code", "message", "fields"}}."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """Raise from an endpoint to answer with a machine-readable 4xx body."""

    def __init__(
        self, status: int, code: str, message: str, fields: dict[str, list[str]] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or {}


def error_body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def fields_from_validation(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Pydantic/ninja error list to {"field.path": [messages]} without the 'body'/'query' prefix."""
    fields: dict[str, list[str]] = {}
    for error in errors:
        location = [
            str(part)
            for part in error.get("loc", ())
            if part not in ("body", "query", "path", "payload", "form", "file")
        ]
        key = ".".join(location) or "__all__"
        fields.setdefault(key, []).append(str(error.get("msg", "invalid")))
    return fields
