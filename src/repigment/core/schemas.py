"""Base schemas shared by every app's API, and the input limits every API input obeys.

Limits are added to each field from its type, and from the Django model field of the same name
when a schema names its model (``source_model``), so a length is never typed twice:

- text: no NUL character (PostgreSQL cannot store one), at most the model field's ``max_length``;
- whole numbers: within the model field's range, or the database's 64-bit range;
- decimals: finite, with the model field's digits;
- booleans: ``true`` or ``false`` only, never ``0``/``1`` or ``"yes"``.

The same limits reach the query, path and form parameters of every operation through
:func:`tighten_operations`, and they show in the OpenAPI document.
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar, Union, get_args, get_origin

from annotated_types import Ge, Gt, Le, Lt, MaxLen
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from ninja import NinjaAPI, Schema
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic.fields import FieldInfo

#: The widest whole number any of our databases stores (a 64-bit signed integer).
INT_MIN, INT_MAX = BaseDatabaseOperations.integer_field_ranges["BigIntegerField"]
NUL = "\x00"


@dataclass(frozen=True)
class _Tightened:
    """Marks a field whose limits were added, so a subclass does not add them twice."""


def _refuse_nul(value: Any) -> Any:
    if isinstance(value, str):
        if NUL in value:
            raise ValueError("Text must not contain NUL characters.")
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            _refuse_nul(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_nul(key)
            _refuse_nul(item)
    return value


def _text_bool(value: Any) -> Any:
    """A query or form boolean: the words true and false only (never 1, 0, yes or on)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise ValueError("Must be true or false.")


def _members(annotation: Any) -> tuple[Any, ...]:
    """The types of an annotation, without None: ``int | None`` -> ``(int,)``."""
    if get_origin(annotation) in (Union, types.UnionType):
        return tuple(a for a in get_args(annotation) if a is not type(None))
    return (annotation,)


def _model_field(model: type[models.Model] | None, name: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def _int_range(field: models.Field[Any, Any] | None) -> tuple[int, int]:
    if isinstance(field, models.ForeignKey):
        field = field.target_field
    ranges = BaseDatabaseOperations.integer_field_ranges
    internal = field.get_internal_type() if field is not None else ""
    low, high = ranges.get(internal, (INT_MIN, INT_MAX))
    if isinstance(field, models.AutoField | models.BigAutoField | models.SmallAutoField):
        low = 1
    return low, high


def _limits(info: FieldInfo, field: models.Field[Any, Any] | None, json: bool) -> list[Any]:
    """The constraints to add to a field, bound to this model field; a limit already set by
    hand (pydantic keeps the last of each kind) is left as it is."""
    members = _members(info.annotation)
    has = {type(m) for m in info.metadata}
    found: list[Any] = []
    if len(members) != 1:
        return [AfterValidator(_refuse_nul)]
    kind = members[0]
    if kind is bool:
        found += Field(strict=True).metadata if json else [BeforeValidator(_text_bool)]
    elif kind is int:
        low, high = _int_range(field)
        found += Field(
            ge=None if has & {Ge, Gt} else low, le=None if has & {Le, Lt} else high
        ).metadata
    elif kind is str and MaxLen not in has and getattr(field, "max_length", None):
        found += Field(max_length=field.max_length).metadata  # type: ignore[union-attr]
    elif kind is Decimal:
        found += Field(allow_inf_nan=False).metadata
        if isinstance(field, models.DecimalField):
            digits = Field(max_digits=field.max_digits, decimal_places=field.decimal_places)
            found += digits.metadata
    return [*found, AfterValidator(_refuse_nul)]


def tighten(
    schema: type[BaseModel],
    model: type[models.Model] | None = None,
    names: dict[str, str] | None = None,
    *,
    json: bool = True,
) -> None:
    """Add the input limits to every field of ``schema`` (and of the schemas inside it)."""
    names = names or {}
    for name, info in schema.model_fields.items():
        for member in _members(info.annotation):
            if isinstance(member, type) and issubclass(member, BaseModel):
                tighten(member, json=json)
        if _Tightened() in info.metadata:
            continue
        field = _model_field(model, names.get(name, name))
        info.metadata.extend([*_limits(info, field, json), _Tightened()])
    schema.model_rebuild(force=True)


def tighten_operations(api: NinjaAPI) -> None:
    """Give the query, path and form parameters of every operation the same limits."""
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for params in operation.models:
                    source = getattr(params, "__ninja_param_source__", None)
                    if source in ("query", "path", "form", "header", "cookie"):
                        tighten(params, json=False)


class Strict(Schema):
    """An input schema that refuses unknown fields (a computed score sent by a client, say).

    Name the model the input is saved to in ``source_model`` (and any field named otherwise
    there in ``source_names``) so text lengths and number ranges come from its fields.
    """

    model_config = ConfigDict(extra="forbid")
    source_model: ClassVar[type[models.Model] | None] = None
    source_names: ClassVar[dict[str, str]] = {}

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        tighten(cls, cls.source_model, cls.source_names)
