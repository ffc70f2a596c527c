"""Background jobs on one task layer: Django's Tasks API (the ``django-tasks`` backport).

The backend is chosen in settings (``TASKS``): the database backend by default (``repigment
worker`` runs it, and ``make run`` starts one beside the server), or RQ on Redis for larger
installations. Whatever runs them, jobs behave the same way:

- **one record each**: :class:`~repigment.core.models.Job` holds the state, the attempts, the
  progress and the outcome, shown to administrators in the Django admin;
- **idempotent**: :func:`start` with the key of an unfinished job returns that job instead of
  queueing another, and a task delivered twice (or for a finished job) does nothing;
- **retried**: a job whose function raises is queued again after a growing pause
  (``JOB_RETRY_SECONDS`` × 2ⁿ) until it has had ``max_attempts`` attempts, then it fails;
- **cancellable**: :func:`cancel` marks it; a long job notices at its next ``progress`` call.

An app declares the work with :func:`job_task` and starts it with :func:`start`::

    @job_task(max_attempts=3)
    def send_reminders(work: Work) -> dict[str, Any]:
        ...
        return {"created": 3}

    job = start(send_reminders, kind="remind", key=f"remind:{today}", params={...})
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task
from django_tasks.base import Task

from repigment.core.models import UNFINISHED, Job, JobState

logger = logging.getLogger(__name__)

JobFunction = Callable[["Work"], dict[str, Any] | None]
JobTask = Task[[int], None]

#: How often (seconds) a running job writes its progress and looks for a cancellation.
PROGRESS_EVERY = 0.5


class JobCancelled(Exception):
    """Raised inside a job when someone cancelled it; the job stops and stays cancelled."""


@dataclass
class Work:
    """What a job function gets: its job, and ways to report progress and keep a file."""

    job: Job
    _last_write: float = field(default=0.0)

    @property
    def params(self) -> dict[str, Any]:
        return dict(self.job.params)

    def progress(self, done: int, total: int | None = None, *, force: bool = False) -> None:
        """Note how far the job is; every so often write it and stop if it was cancelled."""
        self.job.done = done
        if total is not None:
            self.job.total = total
        now = time.monotonic()
        if not force and now - self._last_write < PROGRESS_EVERY:
            return
        self._last_write = now
        Job.objects.filter(pk=self.job.pk).update(done=done, total=self.job.total)
        if Job.objects.filter(pk=self.job.pk, state=JobState.CANCELLED).exists():
            raise JobCancelled

    def save_file(self, name: str, content: bytes) -> None:
        """Keep the job's one output file (a report); the job's page offers it for download."""
        self.job.file.save(name, ContentFile(content), save=False)
        Job.objects.filter(pk=self.job.pk).update(file=self.job.file.name)


_MAX_ATTEMPTS: dict[str, int] = {}


def job_task(
    *, max_attempts: int = 3, queue_name: str = "default"
) -> Callable[[JobFunction], JobTask]:
    """Turn ``function(work) -> result`` into a task the queue runs with a job's id."""

    def decorate(function: JobFunction) -> JobTask:
        def runner(job_id: int) -> None:
            execute(job_id, function)

        runner.__module__ = function.__module__
        runner.__name__ = function.__name__
        runner.__qualname__ = function.__qualname__
        runner.__doc__ = function.__doc__
        made: JobTask = task(queue_name=queue_name)(runner)
        _MAX_ATTEMPTS[made.module_path] = max_attempts
        return made

    return decorate


def start(
    job_task: JobTask,
    *,
    kind: str,
    key: str,
    params: dict[str, Any] | None = None,
    user: Any = None,
) -> Job:
    """Queue the work once: an unfinished job with the same key is returned as it is."""
    existing = Job.objects.filter(key=key, state__in=UNFINISHED).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            job = Job.objects.create(
                kind=kind,
                key=key,
                task_path=job_task.module_path,
                params=params or {},
                requester_id=getattr(user, "pk", None),
                max_attempts=_MAX_ATTEMPTS.get(job_task.module_path, 3),
            )
    except IntegrityError:  # another request queued the same work a moment ago
        return Job.objects.get(key=key, state__in=UNFINISHED)
    transaction.on_commit(lambda: _enqueue(job_task, job))
    return job


def _enqueue(job_task: JobTask, job: Job, delay: timedelta | None = None) -> None:
    chosen = job_task
    if delay and job_task.get_backend().supports_defer:
        chosen = job_task.using(run_after=timezone.now() + delay)
    result = chosen.enqueue(job.pk)
    Job.objects.filter(pk=job.pk).update(task_result_id=str(result.id), backend=result.backend)


def execute(job_id: int, function: JobFunction) -> None:
    """Run one attempt of a job (the queue calls this through the task)."""
    claimed = Job.objects.filter(pk=job_id, state__in=[JobState.QUEUED, JobState.RETRYING]).update(
        state=JobState.RUNNING, attempts=F("attempts") + 1, started=timezone.now()
    )
    if not claimed:  # finished, cancelled, running elsewhere, or gone: nothing to do
        return
    job = Job.objects.get(pk=job_id)
    work = Work(job)
    try:
        result = function(work)
    except JobCancelled:
        _finish(job, JobState.CANCELLED, done=work.job.done)
    except Exception as error:
        _failed_attempt(job, error)
    else:
        _finish(job, JobState.SUCCEEDED, done=work.job.done, result=result or {})


def _finish(job: Job, state: str, **fields: Any) -> None:
    # A cancellation that arrived while the job ran wins over its success.
    Job.objects.filter(pk=job.pk).exclude(state=JobState.CANCELLED).update(
        state=state, finished=timezone.now(), **fields
    )


def _failed_attempt(job: Job, error: Exception) -> None:
    """Retry after a pause, or fail for good; the error kept names its type, not its data."""
    reason = f"{type(error).__name__} (attempt {job.attempts} of {job.max_attempts})"
    # Only the type: an exception's message may quote patient data, which never goes to logs.
    logger.warning("Job %s (%s) failed: %s", job.pk, job.kind, reason)
    if job.attempts >= job.max_attempts:
        _finish(job, JobState.FAILED, error=reason)
        return
    Job.objects.filter(pk=job.pk, state=JobState.RUNNING).update(
        state=JobState.RETRYING, error=reason
    )
    pause = timedelta(seconds=settings.JOB_RETRY_SECONDS * 2 ** (job.attempts - 1))
    _enqueue(import_string(job.task_path), job, pause)


def cancel(job: Job) -> bool:
    """Cancel a job that has not finished; a running one stops at its next progress call."""
    changed = Job.objects.filter(pk=job.pk, state__in=UNFINISHED).update(
        state=JobState.CANCELLED, finished=timezone.now()
    )
    job.refresh_from_db()
    return bool(changed)


def retry(job: Job) -> bool:
    """Give a failed or cancelled job one more attempt now (the administrator's "retry")."""
    try:
        with transaction.atomic():
            changed = Job.objects.filter(
                pk=job.pk, state__in=[JobState.FAILED, JobState.CANCELLED]
            ).update(
                state=JobState.RETRYING, max_attempts=F("attempts") + 1, finished=None, error=""
            )
    except IntegrityError:  # the same work was started again meanwhile
        return False
    if changed:
        job.refresh_from_db()
        _enqueue(import_string(job.task_path), job)
    return bool(changed)
