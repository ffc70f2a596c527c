"""One way to show a date to a person: ``{{ d|day }}`` and ``{{ dt|moment }}``.

Pages showed dates in three styles ("2026-12-04", "4 December 2026", "Fri 4 Dec"), some of
them unreadable to half the readers. These filters use the active language's DATE_FORMAT /
DATETIME_FORMAT (``repigment.core.formats`` fixes the languages whose Django default is
ambiguous) and the active time zone, and wrap the text in ``<time datetime="ISO">`` so a
machine still reads the ISO value. ISO in text is kept only where machines read it
(``<input type=date>`` values, CSV, JSON, FHIR); ``tests/core/test_dates.py`` holds that line.

The library is a template builtin (settings.TEMPLATES), so no template needs to load it.
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


def day_text(value: dt.date | dt.datetime | None) -> str:
    """The date in words for the active language ("4 Dec 2026", "4 décembre 2026"): for texts
    built in Python (reminders, notices) as for pages."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return formats.date_format(value, "DATE_FORMAT")


def moment_text(value: dt.datetime | None, *, zone: bool = False) -> str:
    """The date and time in the active language and time zone ("4 Dec 2026, 22:05")."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    text = formats.date_format(value, "DATETIME_FORMAT")
    if zone and timezone.is_aware(value):
        text = f"{text} {value.tzname()}"
    return text


@register.filter(expects_localtime=False)
def day(value: dt.date | dt.datetime | None) -> SafeString | str:
    """``<time datetime="2026-12-04">4 Dec 2026</time>``; empty for no date."""
    if not isinstance(value, dt.date):
        return ""
    iso = value.date().isoformat() if isinstance(value, dt.datetime) else value.isoformat()
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        iso = timezone.localtime(value).date().isoformat()
    return format_html('<time datetime="{}">{}</time>', iso, day_text(value))


@register.filter(expects_localtime=False)
def moment(value: dt.datetime | None, arg: str = "") -> SafeString | str:
    """``<time datetime="2026-12-04T22:05:00+02:00">4 Dec 2026, 22:05</time>``; with
    ``moment:"zone"`` the time zone's name follows (for PDFs read far from the clinic)."""
    if not isinstance(value, dt.datetime):
        return day(value) if isinstance(value, dt.date) else ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return format_html(
        '<time datetime="{}">{}</time>',
        local.isoformat(timespec="seconds"),
        moment_text(value, zone=arg == "zone"),
    )
