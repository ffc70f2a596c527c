"""Site administration for prescriber and importer records; applications are read-only here
(their state changes only through the application's own steps, each one an event)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from repigment.authorisations.models import (
    ApplicationEvent,
    AuthorisationApplication,
    Importer,
    PrescriberRecord,
)


@admin.register(PrescriberRecord)
class PrescriberRecordAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["user", "hpcsa_number", "specialty", "practice_number"]
    search_fields = ["user__full_name", "user__email", "hpcsa_number"]
    autocomplete_fields = ["user"]
    exclude = ["updated_by"]


@admin.register(Importer)
class ImporterAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "name",
        "sahpra_licence_number",
        "site_master_file_number",
        "pharmacy",
        "active",
    ]
    list_filter = ["active", "country"]
    search_fields = ["name", "sahpra_licence_number", "site_master_file_number"]


class EventInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ApplicationEvent
    extra = 0
    can_delete = False
    fields = ["on", "from_state", "to_state", "by", "note", "at"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuthorisationApplication)
class AuthorisationApplicationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["pk", "route", "state", "authorisation_number", "valid_until"]
    list_filter = ["state", "route__country"]
    search_fields = ["authorisation_number", "reference_number"]
    inlines = [EventInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
