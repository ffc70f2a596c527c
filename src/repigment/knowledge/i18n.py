"""The language switcher: Django's ``set_language``, translating from the page's own language.

Django rewrites ``next`` into the chosen language only when it can resolve it in the language
active for the switcher's own request (cookie or browser). A visitor reading ``/fr/…`` with an
English browser would stay in French; reading the language from ``next`` fixes that.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import get_language_from_path
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    page_language = get_language_from_path(urlsplit(request.POST.get("next", "")).path)
    if page_language:
        translation.activate(page_language)
    return django_set_language(request)
