"""Site administration: users, clinics and memberships; the audit trail read-only."""

from __future__ import annotations

from typing import Any

from axes.admin import AccessAttemptAdmin as AxesAccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest

from repigment.accounts import audit, services
from repigment.accounts.models import (
    ApiToken,
    AuditAction,
    AuditEntry,
    Clinic,
    Membership,
    Role,
    User,
)


class MembershipFormSet(BaseInlineFormSet):  # type: ignore[type-arg]
    """Refuse to take away, by removal or by a change, a clinic's last active administrator."""

    def clean(self) -> None:
        super().clean()
        leaving: dict[int, list[int]] = {}
        for form in self.forms:
            before = form.instance
            if before.pk is None or (not form.has_changed() and not self._should_delete_form(form)):
                continue
            stored = Membership.objects.filter(pk=before.pk).values("clinic_id", "role").first()
            if stored is None or stored["role"] != Role.CLINIC_ADMIN:
                continue
            kept = form.cleaned_data.get("role") == Role.CLINIC_ADMIN and (
                form.cleaned_data.get("clinic") is None
                or form.cleaned_data["clinic"].pk == stored["clinic_id"]
            )
            if self._should_delete_form(form) or not kept:
                leaving.setdefault(stored["clinic_id"], []).append(before.pk)
        for clinic_id, ids in leaving.items():
            if not services.admins_left(clinic_id, ids):
                raise ValidationError(services.last_admin_message(Clinic.objects.get(pk=clinic_id)))


class MembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Membership
    formset = MembershipFormSet
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):  # type: ignore[type-arg]
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "full_name", "password")}),
        ("Status", {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = ((None, {"fields": ("email", "full_name", "password1", "password2")}),)
    filter_horizontal = ()
    list_filter = ["is_active", "is_staff"]
    inlines = [MembershipInline]


@admin.register(Clinic)
class ClinicAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "code", "kind", "city", "country"]
    filter_horizontal = ["served_clinics"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["user", "name", "hint", "created", "expires", "read_only", "last_used",
                    "revoked_at"]  # fmt: skip
    readonly_fields = ["user", "name", "hint", "created", "expires", "read_only", "last_used"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["time", "actor_email", "role", "clinic", "action", "object_type", "object_id"]
    list_filter = ["action"]
    search_fields = ["actor_email", "object_id", "request_id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# Axes registers its list of counted failures; ours audits a deletion, which lifts a lockout.
admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class AccessAttemptAdmin(AxesAccessAttemptAdmin):
    """Failed log-ins being counted (django-axes): deleting a row lifts its lockout, audited."""

    def delete_model(self, request: HttpRequest, obj: AccessAttempt) -> None:
        _record_lifted(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        _record_lifted(request, list(queryset))
        super().delete_queryset(request, queryset)


def _record_lifted(request: HttpRequest, attempts: list[AccessAttempt]) -> None:
    for attempt in attempts:
        audit.record(
            request,
            AuditAction.LOCKOUT_LIFTED,
            object_type="lockout",
            object_id=" ".join(part for part in (attempt.username, attempt.ip_address) if part),
        )
