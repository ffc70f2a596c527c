"""The same jobs on RQ and Redis (database 3 of the local server): run, once per key, retried."""

from __future__ import annotations

import pytest

from repigment.core import jobs
from repigment.core.models import Job, JobState
from tests.core.test_jobs import flaky
from tests.core.workers import on_redis, run_redis_worker

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_rq_worker_runs_a_job_queued_on_redis() -> None:
    with on_redis() as redis:
        job = jobs.start(flaky, kind="count", key="rq:1", params={"fail_times": 0, "count": 3})
        job.refresh_from_db()
        assert job.backend == "default" and redis.exists(f"rq:job:{job.task_result_id}")
        run_redis_worker()
    job.refresh_from_db()
    assert (job.state, job.attempts, job.result) == (JobState.SUCCEEDED, 1, {"counted": 3})


def test_on_redis_the_same_work_is_queued_once() -> None:
    with on_redis() as redis:
        first = jobs.start(flaky, kind="count", key="rq:same", params={"fail_times": 0, "count": 1})
        second = jobs.start(
            flaky, kind="count", key="rq:same", params={"fail_times": 0, "count": 1}
        )
        assert first.pk == second.pk
        assert redis.llen("rq:queue:default") == 1
        run_redis_worker()
    assert Job.objects.get().state == JobState.SUCCEEDED


def test_on_redis_a_failed_attempt_is_scheduled_again_and_then_succeeds() -> None:
    with on_redis():
        job = jobs.start(flaky, kind="count", key="rq:retry", params={"fail_times": 1, "count": 2})
        run_redis_worker()  # the first attempt fails and is scheduled again (a pause of 0 s)
        job.refresh_from_db()
        if job.state == JobState.RETRYING:
            run_redis_worker()  # the scheduler moves it back to the queue and it runs
    job.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.SUCCEEDED, 2)
