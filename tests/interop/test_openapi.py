"""Finding 11: the OpenAPI document tells the truth about every operation."""

from __future__ import annotations

from collections import defaultdict

from ninja import Schema
from openapi_spec_validator import validate

from tests.interop.openapi import document, operations


def test_the_document_is_a_valid_openapi_document() -> None:
    validate(document())


def _schema_classes() -> list[type[Schema]]:
    found, todo = [], list(Schema.__subclasses__())
    while todo:
        schema = todo.pop()
        found.append(schema)
        todo.extend(schema.__subclasses__())
    return [s for s in found if s.__module__.startswith("repigment.")]


def test_no_two_schema_classes_share_a_component_name() -> None:
    modules = defaultdict(set)
    for schema in _schema_classes():
        modules[schema.__name__].add(f"{schema.__module__}.{schema.__qualname__}")
    shared = {name: where for name, where in modules.items() if len(where) > 1}
    assert not shared


def test_every_schema_in_the_document_is_the_class_of_that_name() -> None:
    classes = {s.__name__: s for s in _schema_classes()}
    for name, component in document()["components"]["schemas"].items():
        if name in classes:
            assert component["title"] == classes[name].model_json_schema()["title"], name


def test_every_operation_documents_its_error_answers_with_the_error_body() -> None:
    for op in operations():
        responses = op.spec["responses"]
        expected = {"422"} if op.spec.get("parameters") or "requestBody" in op.spec else set()
        if op.spec.get("security"):
            expected |= {"401", "403"}
        if op.parameters("path"):
            expected.add("404")
        if "requestBody" in op.spec:
            expected |= {"400", "409", "413"}
        assert expected <= set(responses), (str(op), expected - set(responses))
        for code in expected - {"422"}:
            schema = responses[code]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorOut"}, (str(op), code)


def test_the_schemas_that_collided_each_show_under_their_own_name() -> None:
    components = document()["components"]["schemas"]
    for name in (
        "AdverseEventOut", "ApplicationEventOut", "TreatmentProductOut", "SupplyProductOut",
        "RouteOut", "ApplicationRouteOut", "PrescriptionCheckOut", "CodeCheckOut",
    ):  # fmt: skip
        assert name in components, name
    assert "reporter_kind" in components["AdverseEventOut"]["properties"]
    assert "from_state" in components["ApplicationEventOut"]["properties"]
