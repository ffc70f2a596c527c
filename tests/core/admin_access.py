"""Access rows for the site administration (the ``admin`` namespace), made from its URLs.

The rule is one for the whole namespace: none of the clinic roles, and no portal patient, is
staff, so every admin page and action (GET and POST) sends every kind of visitor to the admin
log-in (302); the log-in page itself answers 200. Being the same for every kind, it is run for
anonymous visitors and clinic administrators only. A URL's arguments are filled from its pattern
(an object id of 1, the first application label the pattern offers), so a new model admin or a
custom admin view is in the table the day it is added.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from repigment.accounts.models import Clinic, Role
from tests.access_rules import ANONYMOUS, KwargsBuilder, Row, everyone
from tests.conftest import World

#: The rule is the same for every kind (nobody is staff): anonymous, and the role most like a site
#: administrator, keep the table short.
KINDS = (ANONYMOUS, Role.CLINIC_ADMIN)
_VALUES = {"object_id": "1", "id": "1", "content_type_id": "1", "url": "anything/"}


def _walk(patterns: list[Any], prefix: str, names: list[str]) -> Iterator[tuple[str, list[str]]]:
    for entry in patterns:
        found = names + _argument_names(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from _walk(entry.url_patterns, inner, found)
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + entry.name, found


def _admin_patterns() -> Iterator[tuple[str, list[str]]]:
    """(URL name, the names of its arguments) for every admin URL, model admins' included."""
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace == "admin":
            yield from _walk(entry.url_patterns, "admin:", [])


def _argument_names(pattern: Any) -> list[str]:
    if isinstance(pattern, RoutePattern):  # a route such as "<path:object_id>/change/"
        return list(pattern.converters)
    return list(pattern.regex.groupindex)


def _app_label() -> str:
    """An application label the admin's app-list pattern accepts."""
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace == "admin":
            for pattern in entry.url_patterns:
                if isinstance(pattern, URLPattern) and pattern.name == "app_list":
                    choices = re.search(r"\(\?P<app_label>([^)]*)\)", pattern.pattern.regex.pattern)
                    assert choices is not None
                    return choices.group(1).split("|")[0]
    return "core"


def _builder(names: list[str]) -> KwargsBuilder | None:
    if not names:
        return None
    values = {**_VALUES, "app_label": _app_label()}

    def kwargs(world: World, clinic: Clinic) -> dict[str, Any]:
        return {name: values.get(name, "1") for name in names}

    return kwargs


#: Admin URLs that answer otherwise: the log-in page itself, and django-rq's statistics, which
#: answer 401 to anyone neither staff nor holding its API token.
SPECIAL = {
    "admin:login": everyone(200, anonymous=200),
    "admin:django_rq_home_json": everyone(401, anonymous=401),
}


def admin_rows() -> list[Row]:
    rows, seen = [], set()
    for name, names in sorted(_admin_patterns()):
        if name in seen:  # one name, two patterns (with and without an argument): the first
            continue
        seen.add(name)
        own = SPECIAL.get(name, everyone(302))
        rows.append(Row(name, own=own, kwargs=_builder(names), kinds=KINDS))
    return rows
