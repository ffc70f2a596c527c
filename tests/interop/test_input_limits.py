"""Finding 7: bad input to any API operation is a 4xx in the JSON error shape, never a 500.

The cases come from the OpenAPI document, so a new operation is covered without a new test:
text with NUL characters or longer than its model field, whole numbers beyond the database's
range, ``0``/``1`` sent as booleans, a multipart body without a boundary and an oversized body.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import models
from django.test import Client, override_settings

from repigment.core.schemas import INT_MAX, INT_MIN, Strict
from tests.conftest import World
from tests.interop.openapi import Operation, constraint, formatted, kinds, operations, resolve

TOO_BIG = INT_MAX + 1
WRITES = ("post", "put", "patch")


def _cases(select: Any) -> list[Any]:
    chosen = [op for op in operations() if select(op)]
    assert chosen, "the selection found no operation: the test would prove nothing"
    return [pytest.param(op, id=str(op)) for op in chosen]


def _send(client: Client, op: Operation, body: Any = None, url: str | None = None) -> Any:
    path = url or op.url()
    if op.method == "get":
        return client.get(path)
    return getattr(client, op.method)(path, body, content_type="application/json")


def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert set(error) == {"code", "message", "fields"}
    return error


@pytest.fixture
def prescriber(client: Client, world: World) -> Client:
    client.force_login(world.prescriber)
    return client


@pytest.mark.parametrize("op", _cases(lambda op: op.body_properties("string")))
def test_text_with_a_nul_character_is_refused(prescriber: Client, op: Operation) -> None:
    fields = op.body_properties("string")
    body = {
        n: "a\x00" + "b" * max(0, (constraint(s, "minLength") or 0) - 2) for n, s in fields.items()
    }
    response = _send(prescriber, op, body)
    named = _error(response, 422)["fields"]
    for name in fields:
        assert "Text must not contain NUL characters." in str(named.get(name)), (name, named)


@pytest.mark.parametrize(
    "op",
    _cases(
        lambda op: any(constraint(s, "maxLength") for s in op.body_properties("string").values())
    ),
)
def test_text_longer_than_its_field_is_refused(prescriber: Client, op: Operation) -> None:
    limits = {
        name: constraint(schema, "maxLength")
        for name, schema in op.body_properties("string").items()
        if constraint(schema, "maxLength")
    }
    response = _send(prescriber, op, {name: "x" * (n + 1) for name, n in limits.items()})
    named = _error(response, 422)["fields"]
    for name, n in limits.items():
        assert f"at most {n} characters" in str(named.get(name)), (name, named)


def _strict_schemas() -> list[type[Strict]]:
    found, todo = [], list(Strict.__subclasses__())
    while todo:
        schema = todo.pop()
        found.append(schema)
        todo.extend(schema.__subclasses__())
    return found


def test_text_lengths_come_from_the_model_fields() -> None:
    checked = 0
    for schema in _strict_schemas():
        if schema.source_model is None:
            continue
        properties = schema.model_json_schema()["properties"]
        for name in schema.model_fields:
            try:
                field = schema.source_model._meta.get_field(schema.source_names.get(name, name))
            except Exception:
                continue
            free_text = "string" in kinds(properties[name]) and not formatted(properties[name])
            if isinstance(field, models.CharField) and free_text:
                assert constraint(properties[name], "maxLength") == field.max_length, (schema, name)
                checked += 1
    assert checked > 40


@pytest.mark.parametrize(
    "op", _cases(lambda op: any("integer" in kinds(p["schema"]) for p in op.parameters("path")))
)
def test_a_path_number_beyond_the_database_range_is_refused(
    prescriber: Client, op: Operation
) -> None:
    numbers = [p["name"] for p in op.parameters("path") if "integer" in kinds(p["schema"])]
    url = op.url(**dict.fromkeys(numbers, TOO_BIG))
    named = _error(_send(prescriber, op, {}, url=url), 422)["fields"]
    assert set(numbers) <= set(named), named


QUERY_NUMBERS = [
    (op, p["name"])
    for op in operations()
    for p in op.parameters("query")
    if "integer" in kinds(p["schema"])
]


@pytest.mark.parametrize(("op", "name"), QUERY_NUMBERS, ids=[f"{o} {n}" for o, n in QUERY_NUMBERS])
@pytest.mark.parametrize("value", [TOO_BIG, 99999999999999999999, INT_MIN - 1])
def test_a_query_number_beyond_the_database_range_is_refused(
    client: Client, world: World, op: Operation, name: str, value: int
) -> None:
    client.force_login(world.auditor if "audit" in op.path else world.prescriber)
    response = client.get(op.url(), {name: value})
    assert name in _error(response, 422)["fields"]


def test_the_reviewers_clinic_id_is_a_422_not_a_500(prescriber: Client) -> None:
    response = prescriber.get("/api/v1/patients?clinic_id=99999999999999999999")
    assert "clinic_id" in _error(response, 422)["fields"]


@pytest.mark.parametrize(
    "op",
    _cases(lambda op: any("integer" in kinds(s) for s in op.body_properties("integer").values())),
)
def test_a_body_number_beyond_the_database_range_is_refused(
    prescriber: Client, op: Operation
) -> None:
    fields = op.body_properties("integer")
    named = _error(_send(prescriber, op, dict.fromkeys(fields, TOO_BIG)), 422)["fields"]
    assert set(fields) <= set(named), named


@pytest.mark.parametrize("op", _cases(lambda op: op.body_properties("boolean")))
@pytest.mark.parametrize("value", [0, 1, "yes", "true"])
def test_numbers_and_words_are_not_booleans(prescriber: Client, op: Operation, value: Any) -> None:
    fields = op.body_properties("boolean")
    named = _error(_send(prescriber, op, dict.fromkeys(fields, value)), 422)["fields"]
    assert set(fields) <= set(named), named


QUERY_BOOLEANS = [
    (op, p["name"])
    for op in operations()
    for p in op.parameters("query")
    if "boolean" in kinds(p["schema"])
]


@pytest.mark.parametrize(
    ("op", "name"), QUERY_BOOLEANS, ids=[f"{o} {n}" for o, n in QUERY_BOOLEANS]
)
def test_a_query_boolean_is_true_or_false(prescriber: Client, op: Operation, name: str) -> None:
    assert QUERY_BOOLEANS
    assert prescriber.get(op.url(), {name: "true"}).status_code == 200
    assert name in _error(prescriber.get(op.url(), {name: "1"}), 422)["fields"]


@pytest.mark.parametrize("op", _cases(lambda op: op.body("multipart/form-data") is not None))
def test_a_multipart_body_without_a_boundary_is_a_400(prescriber: Client, op: Operation) -> None:
    response = prescriber.generic(
        "POST", op.url(), b"--x\r\n\r\n", content_type="multipart/form-data"
    )
    _error(response, 400)


@pytest.mark.parametrize("op", _cases(lambda op: op.method in WRITES and op.body() is not None))
@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_body_over_the_limit_is_a_413(prescriber: Client, op: Operation) -> None:
    body = {"padding": "x" * 2000}
    error = _error(_send(prescriber, op, body), 413)
    assert error["code"] == "too_large" and "1000 bytes" in error["message"]


def test_the_query_and_path_limits_show_in_the_document() -> None:
    found = [
        resolve(p["schema"])
        for op in operations()
        for p in op.parameters("path") + op.parameters("query")
        if "integer" in kinds(p["schema"])
    ]
    assert found and all(constraint(s, "maximum") is not None for s in found)
