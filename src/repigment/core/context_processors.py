"""Template context every page needs from core: language status, and on public pages their menu."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import get_language

from repigment.core.languages import review_note, scope_note
from repigment.core.public import is_public, language_links, public_menu


def language_status(request: HttpRequest) -> dict[str, str]:
    code = get_language() or ""
    return {"language_review": review_note(code), "language_scope": scope_note(code)}


def public_pages(request: HttpRequest) -> dict[str, object]:
    """The public menu and the same page in each language, on language-prefixed pages only."""
    if not is_public(request):
        return {}
    return {
        "public_menu": public_menu(request),
        "alternates": language_links(request.get_full_path()),
    }
