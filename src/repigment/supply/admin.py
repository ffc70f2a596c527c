"""Site administration: the catalogue and recalls kept by hand; stock and its moves read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

from repigment.supply.forms import RecallImportForm
from repigment.supply.models import Lot, Pack, PackMovement, Product, ProductPack, Recall
from repigment.supply.recalls import import_recalls


class ProductPackInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ProductPack
    extra = 0


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "strength", "form", "maker", "market", "approval"]
    list_filter = ["approval"]
    inlines = [ProductPackInline]


class LotInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Lot
    extra = 0


@admin.register(ProductPack)
class ProductPackAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["gtin", "product", "size_grams", "market"]
    search_fields = ["gtin", "product__name"]
    inlines = [LotInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        received = obj is not None and Pack.objects.filter(product_pack=obj).exists()
        return ["gtin"] if received else []


@admin.register(Lot)
class LotAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["number", "product_pack", "expiry"]
    search_fields = ["number", "product_pack__gtin"]
    list_filter = ["product_pack"]


@admin.register(Recall)
class RecallAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["recalled_on", "scope", "product_pack", "lot_number", "serial", "entered_by"]
    list_filter = ["scope"]
    search_fields = ["lot_number", "serial", "reason"]
    exclude = ["entered_by", "imported_from"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # Django 6's default
    change_list_template = "admin/supply/recall/change_list.html"

    def save_model(self, request: HttpRequest, obj: Recall, form: Any, change: bool) -> None:
        if not change:
            obj.entered_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(self.import_csv)
        return [path("import/", view, name="supply_recall_import"), *super().get_urls()]

    def import_csv(self, request: HttpRequest) -> HttpResponse:
        """The same import as the pharmacist's page, for site administrators."""
        if not self.has_add_permission(request):
            return redirect("admin:supply_recall_changelist")
        form = RecallImportForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            report = import_recalls(
                form.cleaned_data["data"], entered_by=request.user,  # type: ignore[arg-type]
                file_name=upload.name, request=request,
            )  # fmt: skip
            if report.ok:
                messages.success(request, _("%(n)d recalls added.") % {"n": len(report.created)})
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "report": report,
            "opts": self.model._meta,
            "title": _("Import recalls from a CSV file"),
        }
        return TemplateResponse(request, "admin/supply/recall/import.html", context)


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PackMovementInline(admin.TabularInline):  # type: ignore[type-arg]
    model = PackMovement
    extra = 0
    can_delete = False
    readonly_fields = ["from_state", "to_state", "by", "at", "reason", "investigation"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Pack)
class PackAdmin(ReadOnlyAdmin):
    list_display = ["product_pack", "serial", "lot", "expiry", "state", "pharmacy", "received_at"]
    list_filter = ["state", "pharmacy"]
    search_fields = ["serial", "lot__number", "product_pack__gtin"]
    inlines = [PackMovementInline]


@admin.register(PackMovement)
class PackMovementAdmin(ReadOnlyAdmin):
    list_display = ["at", "pack", "from_state", "to_state", "by", "reason"]
    list_filter = ["to_state"]
