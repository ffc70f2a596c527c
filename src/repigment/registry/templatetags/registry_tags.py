"""Figures of the registry report in a page: per cent from a fraction, the small-cell mark."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()

MARK = "<5"


@register.filter
def pct(value: float | None, places: int = 1) -> str:
    """A fraction as per cent; the small-cell mark when it was suppressed (None)."""
    return MARK if value is None else f"{100 * value:.{places}f}"


@register.filter
def cell(value: Any) -> Any:
    """A count, or the small-cell mark when it was suppressed (None)."""
    return MARK if value is None else value


@register.filter
def number(value: float | None, places: int = 1) -> str:
    return MARK if value is None else f"{value:.{places}f}"
