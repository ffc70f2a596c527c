"""Background jobs in the Django admin: every job with its state, read-only, with actions."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from repigment.core import jobs
from repigment.core.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("created", "kind", "state", "attempts", "progress", "backend")
    list_filter = ("state", "kind", "backend")
    search_fields = ("public_id", "key", "kind")
    date_hierarchy = "created"
    actions = ("cancel_jobs", "retry_jobs")

    def get_readonly_fields(self, request: HttpRequest, obj: Job | None = None) -> Any:
        return [*(field.name for field in Job._meta.fields), "requester"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Job | None = None) -> bool:
        return False

    @admin.display(description=_("requested by"))
    def requester(self, job: Job) -> str:
        if job.requester_id is None:
            return "-"
        user = get_user_model().objects.filter(pk=job.requester_id).first()
        return str(user) if user else f"#{job.requester_id}"

    @admin.display(description=_("progress"))
    def progress(self, job: Job) -> str:
        return f"{job.done} / {job.total}" if job.total else str(job.done)

    @admin.action(description=_("Cancel the selected unfinished jobs"))
    def cancel_jobs(self, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        count = sum(jobs.cancel(job) for job in queryset)
        self.message_user(request, _("%(n)d job(s) cancelled.") % {"n": count}, messages.INFO)

    @admin.action(description=_("Retry the selected failed or cancelled jobs"))
    def retry_jobs(self, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        count = sum(jobs.retry(job) for job in queryset)
        self.message_user(request, _("%(n)d job(s) queued again.") % {"n": count}, messages.INFO)
