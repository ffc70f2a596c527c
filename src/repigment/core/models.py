"""Background jobs as the people running Repigment see them: what, for whom, in which state.

The queue itself (the database backend or Redis) only knows task calls. A ``Job`` is the
record around them: one row per piece of work, with an idempotency key, its attempts, its
progress and its outcome, so an administrator sees every job in the Django admin whichever
backend runs it, and a page can show the state of the job it started.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    RETRYING = "retrying", _("Waiting to retry")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


#: States in which a job still has work ahead of it (one job per key at a time).
UNFINISHED = (JobState.QUEUED, JobState.RUNNING, JobState.RETRYING)


def _job_file_path(instance: Job, filename: str) -> str:
    return f"jobs/{instance.public_id}/{filename}"


class Job(models.Model):
    """One piece of background work; the task the queue runs reads and updates this row."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=60, db_index=True)
    key = models.CharField(
        _("idempotency key"),
        max_length=200,
        help_text=_("Starting a job whose key matches an unfinished one returns that one."),
    )
    task_path = models.CharField(max_length=200, editable=False)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=JobState.choices, default=JobState.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("most attempts"), default=3)
    done = models.PositiveBigIntegerField(_("done"), default=0)
    total = models.PositiveBigIntegerField(_("total"), null=True, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    error = models.TextField(_("last error"), blank=True)
    file = models.FileField(_("file"), upload_to=_job_file_path, max_length=200, blank=True)
    # The user's id, not a foreign key: core sits below the accounts app (DESIGN.md layers).
    requester_id = models.BigIntegerField(_("requested by (user id)"), null=True, blank=True)
    backend = models.CharField(_("backend"), max_length=40, blank=True)
    task_result_id = models.CharField(_("queue id"), max_length=64, blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    started = models.DateTimeField(_("started"), null=True, blank=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering: ClassVar = ["-created", "-pk"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(state__in=["queued", "running", "retrying"]),
                name="one_unfinished_job_per_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.public_id} ({self.state})"

    @property
    def is_finished(self) -> bool:
        return self.state not in UNFINISHED

    @property
    def percent(self) -> int | None:
        """Progress in whole percent, when the job knows its total."""
        if not self.total:
            return None
        return min(100, int(self.done * 100 / self.total))

    def summary(self) -> dict[str, Any]:
        """The job's state as plain data for pages and the API (no parameters, no file path)."""
        return {
            "id": str(self.public_id),
            "kind": self.kind,
            "state": self.state,
            "attempts": self.attempts,
            "done": self.done,
            "total": self.total,
            "percent": self.percent,
            "created": self.created.isoformat(),
            "finished": self.finished.isoformat() if self.finished else None,
            "has_file": bool(self.file),
        }
