"""Showing VASI numbers exactly: no float rounding, no trailing zeros."""

from __future__ import annotations

from decimal import Decimal

from django import template

from repigment.assessments.services import plain

register = template.Library()


@register.filter
def vasi(value: Decimal | None) -> str:
    """0.3750 -> 0.375; None -> an en dash."""
    text = plain(value) if value is not None else None
    return text if text is not None else "–"


@register.filter
def signed_percent(value: Decimal | None) -> str:
    """62.50 -> +62.5 %, -20 -> −20 % (improvement is positive)."""
    if value is None:
        return "–"
    text = plain(abs(Decimal(value))) or "0"
    sign = "+" if value > 0 else ("−" if value < 0 else "")
    return f"{sign}{text} %"
