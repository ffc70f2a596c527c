"""Pages of API lists: one way for every list endpoint that grows with the registry.

A list answers ``{"items": [...], "total": N, "limit": L, "offset": O, "next": link,
"previous": link}``. ``limit`` defaults to :data:`DEFAULT_LIMIT` and may be at most
:data:`MAX_LIMIT`; asking for more is a 422, never a silent cap. ``next`` and ``previous`` are
links (path and query) to the neighbouring pages, ``null`` at either end. A page costs two
queries however large the registry: the count and the rows (plus whatever the endpoint
prefetches, a fixed number too); a page past the first asks its ids first, one more, so that a
deep OFFSET skips entries of an index that has the list's order (and, where it also holds the
filter's columns, never touches the table) rather than reading and joining every skipped row.

The audit trail (``/audit-entries``) pages by keyset instead (``next`` only), because its
history has no end to count. Lists bounded by their nature stay whole: reference data (countries,
products, clinics, turnaround per route), one visit's photos and versions, one application's
events, and a patient's consents, diagnoses, co-medications, adherence weeks and course.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Schema
from pydantic import Field, create_model

#: Rows per page when the caller does not say.
DEFAULT_LIMIT = 50
#: The most rows one page may hold.
MAX_LIMIT = 200

Row = TypeVar("Row")


class PageQuery(Schema):
    limit: int = Field(
        DEFAULT_LIMIT, ge=1, le=MAX_LIMIT,
        description=f"Rows per page (default {DEFAULT_LIMIT}, at most {MAX_LIMIT}).",
    )  # fmt: skip
    offset: int = Field(0, ge=0, le=2**31 - 1, description="Rows to skip (follow `next`).")


def page_of(item: type[Schema], name: str) -> type[Schema]:
    """The response schema of a page of ``item`` rows, called ``name`` in the OpenAPI document."""
    model: type[Schema] = create_model(
        name,
        __base__=Schema,
        items=(list[item], ...),  # type: ignore[valid-type]
        total=(int, Field(..., description="Rows in the whole list, on every page.")),
        limit=(int, Field(..., description="Rows per page asked for.")),
        offset=(int, Field(..., description="Rows skipped before this page.")),
        next=(str | None, Field(..., description="Link to the next page; null on the last.")),
        previous=(str | None, Field(..., description="Link back; null on the first page.")),
    )  # fmt: skip
    return model


@dataclass(frozen=True)
class Page(Generic[Row]):
    items: list[Row]
    total: int
    limit: int
    offset: int
    next: str | None
    previous: str | None

    def answer(self, render: Callable[[Row], Any]) -> dict[str, Any]:
        """The response body, each row turned into its output by ``render``."""
        return {
            "items": [render(row) for row in self.items],
            "total": self.total,
            "limit": self.limit,
            "offset": self.offset,
            "next": self.next,
            "previous": self.previous,
        }


def paginate(
    request: HttpRequest, rows: QuerySet[Any] | Sequence[Row], query: PageQuery
) -> Page[Row]:
    """One page of ``rows`` (a queryset: counted and sliced in the database, ordered to the row)."""
    limit, offset = query.limit, query.offset
    if isinstance(rows, QuerySet):
        rows = _stable(rows)
        total = rows.count()
        items: list[Row] = _rows_at(rows, offset, limit) if offset < total else []
    else:
        total = len(rows)
        items = list(rows[offset : offset + limit])
    following = offset + limit if offset + limit < total else None
    preceding = max(0, min(offset, total) - limit) if offset > 0 else None
    return Page(
        items=items, total=total, limit=limit, offset=offset,
        next=None if following is None else _link(request, limit, following),
        previous=None if preceding is None else _link(request, limit, preceding),
    )  # fmt: skip


def _rows_at(rows: QuerySet[Any], offset: int, limit: int) -> list[Any]:
    """The page's rows. Past the first page, first their ids (the OFFSET then skips entries of
    an index that has the order, and the filter's columns where it holds them, instead of
    whole table rows with their joins), then those rows; the first page skips nothing, and
    asking twice would run a search's filter twice."""
    if offset == 0:
        return list(rows[:limit])
    ids = list(rows.values_list("pk", flat=True)[offset : offset + limit])
    return list(rows.filter(pk__in=ids)) if ids else []


def _stable(rows: QuerySet[Any]) -> QuerySet[Any]:
    """The queryset ordered down to the primary key, so that pages neither repeat nor skip."""
    order = list(rows.query.order_by) or list(rows.query.get_meta().ordering or [])
    if not any(str(field).lstrip("-") in ("pk", "id") for field in order):
        order.append("pk")
    return rows.order_by(*order)


def _link(request: HttpRequest, limit: int, offset: int) -> str:
    params = request.GET.copy()
    params["limit"] = str(limit)
    params["offset"] = str(offset)
    return f"{request.path}?{params.urlencode()}"
