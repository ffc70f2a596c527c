"""What every public (language-prefixed) page shares: the public menu and the language links.

The menu's pages belong to a higher app (knowledge), so core reads them through the dotted path
``settings.PUBLIC_MENU``: a function returning ``(url, label)`` pairs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.module_loading import import_string
from django.utils.translation import get_language, get_language_info


@dataclass(frozen=True)
class Link:
    url: str
    label: str
    current: bool = False
    code: str = ""


def language_links(path: str) -> list[Link]:
    """The same page in every language the site offers, named in that language."""
    current = get_language()
    return [
        Link(
            translate_url(path, code), get_language_info(code)["name_local"], code == current, code
        )
        for code, _name in settings.LANGUAGES
    ]


@cache
def _menu_source() -> Callable[[], list[tuple[str, str]]] | None:
    path = getattr(settings, "PUBLIC_MENU", "")
    return import_string(path) if path else None


def is_public(request: HttpRequest) -> bool:
    """A public page sits under a language prefix (``/fr/...``)."""
    first = request.path_info.split("/")[1] if request.path_info.count("/") > 1 else ""
    return first in {code for code, _name in settings.LANGUAGES}


def public_menu(request: HttpRequest) -> list[Link]:
    source = _menu_source()
    if source is None:
        return []
    return [Link(url, str(label), url == request.path_info) for url, label in source()]
