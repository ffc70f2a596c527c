"""Run the real workers in the test process: the database worker, and an RQ worker on Redis."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.management import call_command
from django.test import override_settings

from tests.conftest import skip_or_fail

#: Redis database 3 is this suite's (127.0.0.1:6379 runs on the CI machine).
TEST_REDIS_URL = os.environ.get("REPIGMENT_TEST_REDIS_URL", "redis://127.0.0.1:6379/3")


def run_database_worker() -> None:
    """What `repigment worker --batch` does: run everything queued (retries included), stop."""
    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--interval", "0", "--no-reload",
        "--queue-name", "default", verbosity=0,
    )  # fmt: skip


def _redis() -> Any:
    import redis

    connection = redis.Redis.from_url(TEST_REDIS_URL)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        skip_or_fail(f"Redis is not reachable at {TEST_REDIS_URL}")
    return connection


@contextmanager
def on_redis() -> Iterator[Any]:
    """Jobs go to RQ on the test Redis database, emptied before and after."""
    import django_rq.queues

    connection = _redis()
    connection.flushdb()
    queues = {"default": {"URL": TEST_REDIS_URL, "DEFAULT_TIMEOUT": 600}}
    tasks = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    try:
        with override_settings(TASKS=tasks, RQ_QUEUES=queues, TASKS_BACKEND="redis"):
            django_rq.queues.get_redis_connection.cache_clear() if hasattr(
                django_rq.queues.get_redis_connection, "cache_clear"
            ) else None
            yield connection
    finally:
        connection.flushdb()


def run_redis_worker() -> None:
    """An RQ worker in burst mode, in this process (SimpleWorker does not fork)."""
    call_command(
        "rqworker", "default", "--burst", "--job-class", "django_tasks_rq.Job",
        "--worker-class", "rq.worker.SimpleWorker", "--with-scheduler", verbosity=0,
    )  # fmt: skip
