"""The API's OpenAPI document as test cases: every operation, its parameters and body fields."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from repigment.interop.api import api

PREFIX = "/api/v1"
METHODS = ("get", "post", "put", "patch", "delete")


@cache
def document() -> dict[str, Any]:
    """The document as a client reads it (JSON: the status codes are text)."""
    return dict(json.loads(json.dumps(api.get_openapi_schema(), cls=DjangoJSONEncoder)))


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    """A schema with its ``$ref`` followed."""
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document()["components"]["schemas"][name]
    return schema


def kinds(schema: dict[str, Any]) -> set[str]:
    """The JSON types a property may take, ``anyOf`` unfolded and null left out."""
    schema = resolve(schema)
    if "anyOf" in schema:
        return set().union(*(kinds(s) for s in schema["anyOf"])) - {"null"}
    return {schema["type"]} if "type" in schema else set()


def constraint(schema: dict[str, Any], key: str) -> Any:
    schema = resolve(schema)
    for option in schema.get("anyOf", [schema]):
        if key in resolve(option):
            return resolve(option)[key]
    return None


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    spec: dict[str, Any]

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path}"

    def url(self, **values: Any) -> str:
        """The path with every path parameter filled (1 for numbers, ``ZA`` for text)."""
        path = self.path
        for param in self.parameters("path"):
            default = 1 if "integer" in kinds(param["schema"]) else "ZA"
            path = path.replace("{" + param["name"] + "}", str(values.get(param["name"], default)))
        return path

    def parameters(self, where: str) -> list[dict[str, Any]]:
        return [p for p in self.spec.get("parameters", []) if p["in"] == where]

    def body(self, media: str = "application/json") -> dict[str, Any] | None:
        content = self.spec.get("requestBody", {}).get("content", {})
        return resolve(content[media]["schema"]) if media in content else None

    def body_properties(self, kind: str) -> dict[str, dict[str, Any]]:
        """The body's top-level fields that may hold a value of this JSON type."""
        body = self.body()
        if body is None:
            return {}
        return {
            name: schema
            for name, schema in body.get("properties", {}).items()
            if kind in kinds(schema)
            and not (kind == "string" and formatted(schema))
            and not (kind == "string" and "number" in kinds(schema))
        }


def formatted(schema: dict[str, Any]) -> bool:
    """A date, an enumeration or a pattern: not free text."""
    schema = resolve(schema)
    options = [resolve(s) for s in schema.get("anyOf", [schema])]
    return any({"format", "enum", "pattern", "const"} & set(s) for s in options)


def operations() -> list[Operation]:
    return [
        Operation(method, path, spec)
        for path, item in document()["paths"].items()
        for method, spec in item.items()
        if method in METHODS
    ]
