"""Background jobs: run by the real database worker, once per key, retried, then failed."""

from __future__ import annotations

from typing import Any

import pytest
from django_tasks_db.models import DBTaskResult

from repigment.core import jobs
from repigment.core.jobs import Work, job_task
from repigment.core.models import Job, JobState
from tests.core.workers import run_database_worker

pytestmark = pytest.mark.django_db(transaction=True)


@job_task(max_attempts=3)
def flaky(work: Work) -> dict[str, Any]:
    """Fails until it has failed ``fail_times`` times, then counts to ``count``."""
    if work.job.attempts <= work.params["fail_times"]:
        raise ConnectionError("the far end hung up")
    for done in range(work.params["count"]):
        work.progress(done + 1, work.params["count"])
    return {"counted": work.params["count"]}


def _start(key: str = "count:1", fail_times: int = 0, count: int = 5) -> Job:
    return jobs.start(
        flaky, kind="count", key=key, params={"fail_times": fail_times, "count": count}
    )


def test_the_database_worker_runs_a_queued_job_to_success() -> None:
    job = _start()
    assert job.state == JobState.QUEUED
    run_database_worker()
    job.refresh_from_db()
    assert (job.state, job.attempts, job.result, job.done, job.total) == (
        JobState.SUCCEEDED, 1, {"counted": 5}, 5, 5,
    )  # fmt: skip
    assert job.backend == "default" and job.task_result_id
    assert DBTaskResult.objects.get(id=job.task_result_id).status == "SUCCESSFUL"


def test_starting_the_same_work_twice_queues_it_once() -> None:
    first = _start("count:same")
    second = _start("count:same")
    assert first.pk == second.pk
    assert DBTaskResult.objects.count() == 1
    run_database_worker()
    third = _start("count:same")  # finished: the same key may run again
    assert third.pk != first.pk


def test_a_task_delivered_again_for_a_finished_job_does_nothing() -> None:
    job = _start()
    run_database_worker()
    flaky.call(job.pk)  # as if the queue delivered the task a second time
    job.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.SUCCEEDED, 1)


def test_a_failing_job_is_retried_and_then_succeeds() -> None:
    job = _start(fail_times=2)
    run_database_worker()
    job.refresh_from_db()
    assert (job.state, job.attempts, job.result) == (JobState.SUCCEEDED, 3, {"counted": 5})
    assert DBTaskResult.objects.filter(task_path=flaky.module_path).count() == 3


def test_a_job_that_keeps_failing_fails_after_its_last_attempt_naming_the_error_type() -> None:
    job = _start(fail_times=5)
    run_database_worker()
    job.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.FAILED, 3)
    assert job.error == "ConnectionError (attempt 3 of 3)"
    assert "far end" not in job.error  # the message may carry data; only the type is kept


def test_a_cancelled_job_is_not_run() -> None:
    job = _start()
    assert jobs.cancel(job)
    run_database_worker()
    job.refresh_from_db()
    assert (job.state, job.attempts, job.result) == (JobState.CANCELLED, 0, {})
    assert not jobs.cancel(job)  # already finished


def test_an_administrator_can_queue_a_failed_job_again() -> None:
    job = _start(fail_times=3)
    run_database_worker()
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert jobs.retry(job)
    run_database_worker()
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED
