"""The public access navigator: the list of countries with its map, and a page per country."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from repigment.access import map as tile_map
from repigment.access import services, trials
from repigment.access.forms import CountryFilterForm
from repigment.access.models import Topic


@require_safe
def country_list(request: HttpRequest) -> HttpResponse:
    form = CountryFilterForm(request.GET or None)
    query, kind = form.filters()
    countries = list(services.countries_with_routes())
    shown = [c for c in countries if services.matches(c, query, kind)]
    context = {
        "form": form,
        "countries": shown,
        "total": len(countries),
        "filtered": bool(query or kind),
        "tiles": tile_map.tiles(countries, {c.code for c in shown}),
        "map_width": tile_map.WIDTH,
        "map_height": tile_map.HEIGHT,
        "tile": tile_map.TILE,
        "general": services.general_facts([Topic.REGISTRATION, Topic.NOTE]),
        "counts": services.status_counts(countries),
    }
    return render(request, "access/country_list.html", context)


@require_safe
def country_detail(request: HttpRequest, code: str) -> HttpResponse:
    if code != code.lower():
        return redirect("access:country_detail", code=code.lower(), permanent=True)
    country = services.find_country(code)
    if country is None:
        raise Http404("no such country")
    page = services.country_page(country)
    context = {
        "page": page,
        "country": country,
        "trials_here": trials.read_trials().in_country(country.code),
    }
    return render(request, "access/country_detail.html", context)


@require_safe
def trial_list(request: HttpRequest) -> HttpResponse:
    """Public list of ruxolitinib-cream trials; ?country=XX marks those with a site there."""
    data = trials.read_trials()
    code = request.GET.get("country", "").strip().upper()
    if len(code) != 2 or not code.isascii() or not code.isalpha():
        code = ""
    country = services.find_country(code) if code else None
    context = {
        "trials": data.trials,
        "not_verified": data.not_verified,
        "code": code,
        "country": country,
        "place": country.name if country else code,
        "here": {t.identifier for t in data.in_country(code)} if code else set(),
    }
    return render(request, "access/trial_list.html", context)
