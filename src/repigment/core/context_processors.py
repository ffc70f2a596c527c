"""Template context every page needs from core: the language's coverage and review status."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import get_language

from repigment.core.languages import review_note, scope_note


def language_status(request: HttpRequest) -> dict[str, str]:
    code = get_language() or ""
    return {"language_review": review_note(code), "language_scope": scope_note(code)}
