"""The API's single error shape: {"error": {"code", "message", "fields"}}."""

from __future__ import annotations

import inspect
from typing import Any

from ninja import NinjaAPI, Schema
from ninja.operation import Operation
from pydantic import Field as PydanticField


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


class ErrorDetail(Schema):
    code: str = PydanticField(description="machine-readable, e.g. not_found, invalid")
    message: str
    fields: dict[str, list[str]] = PydanticField(description="messages per input field")


class ErrorOut(Schema):
    """The body of every error answer."""

    error: ErrorDetail


def _error_codes(operation: Operation) -> set[int]:
    """The error statuses an operation can answer, from what it takes and who may call it.

    An authenticated operation can answer 404 whatever its path: the object it looks up (by
    path, body or the caller's own record) may not exist or not be the caller's to see.
    """
    codes: set[int] = set()
    sources = {getattr(m, "__ninja_param_source__", None) for m in operation.models}
    if operation.auth_param is not None:  # auth=None: public
        codes |= {401, 403, 404}
    if operation.models:
        codes.add(422)
    if sources & {"body", "form", "file"}:
        codes |= {400, 409, 413}
    source = inspect.getsource(operation.view_func)
    if "path" in sources or "404" in source or "not_found" in source:
        codes.add(404)
    if "409" in source:
        codes.add(409)
    return codes


def document_errors(api: NinjaAPI) -> None:
    """Every operation's error answers, with the error body, in the OpenAPI document."""
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for code in sorted(_error_codes(operation)):
                    if code not in operation.response_models:
                        model = operation._create_response_model(ErrorOut)
                        operation.response_models[code] = model
