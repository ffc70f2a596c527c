"""Site administration of the product list; each fact about a product names its source.

Prescriptions, co-medications and diaries are patient data: they are not in the admin, whose
changes would bypass the audit trail and the label check.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from repigment.clinical.references import REFERENCES
from repigment.core.forms import ModelForm
from repigment.treatment.models import Product, ProductFact


def _reference_choices() -> list[tuple[str, str]]:
    return sorted((ref.id, f"{ref.citation} ({ref.id})") for ref in REFERENCES.values())


class ProductFactForm(ModelForm):
    reference_id = forms.ChoiceField(label=_("Source"), choices=_reference_choices)

    class Meta:
        model = ProductFact
        fields = ["text", "reference_id", "position"]


class ProductFactInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ProductFact
    form = ProductFactForm
    extra = 0


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "strength", "form", "subject_to_ruxolitinib_label", "active"]
    list_filter = ["subject_to_ruxolitinib_label", "active", "form"]
    inlines = [ProductFactInline]

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        """A product that was prescribed stays (mark it as no longer prescribable instead)."""
        if obj is not None and obj.prescriptions.exists():
            return False
        return super().has_delete_permission(request, obj)
