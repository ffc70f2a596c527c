"""Site administration for countries, routes, checklists, facts and sources.

The data files in the repository (``access/data/``) are the master copy: edits made here last
until a changed file is loaded (``manage.py load_countries``), so carry lasting changes into
the files.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from repigment.access.models import AccessRoute, ChecklistItem, Country, DataLoad, Fact, Source

# Addresses typed without a scheme are taken as https (Django 6's default).
HTTPS_URLS: dict[type[models.Field], dict[str, Any]] = {models.URLField: {"assume_scheme": "https"}}


class FactInline(admin.StackedInline):  # type: ignore[type-arg]
    model = Fact
    extra = 0
    fields = [
        "topic", "text", "confirmed", "read_on", "read_by", "sources", "amount", "unit",
        "pack_grams", "order",
    ]  # fmt: skip
    autocomplete_fields = ["sources"]


class RouteInline(admin.TabularInline):  # type: ignore[type-arg]
    model = AccessRoute
    extra = 0
    fields = ["slug", "name", "kind", "applicant", "order"]
    show_change_link = True


class ChecklistItemInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ChecklistItem
    extra = 0
    fields = [
        "code", "label", "required", "confirmed", "read_on", "read_by", "sources", "order"
    ]  # fmt: skip
    autocomplete_fields = ["sources"]


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    formfield_overrides = HTTPS_URLS
    list_display = ["name", "code", "region", "status", "regulator_name", "registration"]
    list_filter = ["status", "region", "registration"]
    search_fields = ["name", "code", "other_names", "regulator_name"]
    inlines = [RouteInline, FactInline]


@admin.register(AccessRoute)
class AccessRouteAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "country", "kind", "applicant"]
    list_filter = ["kind", "applicant"]
    search_fields = ["name", "country__name"]
    list_select_related = ["country"]
    inlines = [ChecklistItemInline, FactInline]


@admin.register(Fact)
class FactAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["__str__", "country", "route", "topic", "confirmed", "read_on", "read_by"]
    list_filter = ["confirmed", "topic", "sources__quality"]
    search_fields = ["text", "country__name", "route__name"]
    list_select_related = ["country", "route__country"]
    autocomplete_fields = ["sources"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    formfield_overrides = HTTPS_URLS
    list_display = ["title", "quality", "url"]
    list_filter = ["quality"]
    search_fields = ["key", "title", "url"]


@admin.register(DataLoad)
class DataLoadAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["loaded_at", "digest"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
