"""Report files made in the background: the hook for pages whose output takes a while.

An app offers a plain function ``f(params: dict) -> (file name, bytes)`` and names it in
``settings.JOB_FILE_MAKERS`` (``{"registry-report": "repigment.registry.pdf.report_job"}``).
Its page calls :func:`start_file_job` and sends the person to the job's page
(``accounts:job``), which shows the state and, once done, offers the file to the person who
asked for it. The maker runs on the worker, retried like every job.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from repigment.core.jobs import Work, job_task, start
from repigment.core.models import Job

FileMaker = Callable[[dict[str, Any]], tuple[str, bytes]]


class UnknownFileMaker(LookupError):
    """The name is not in ``settings.JOB_FILE_MAKERS``."""


def file_maker(name: str) -> FileMaker:
    try:
        path = settings.JOB_FILE_MAKERS[name]
    except KeyError:
        raise UnknownFileMaker(name) from None
    maker: FileMaker = import_string(path)
    return maker


@job_task(max_attempts=3)
def make_file(work: Work) -> dict[str, Any]:
    """Run the named maker and keep its file with the job."""
    params = work.params
    filename, content = file_maker(params["maker"])(params.get("args", {}))
    work.save_file(filename, content)
    work.progress(1, 1, force=True)
    return {"filename": filename, "bytes": len(content)}


def start_file_job(maker: str, args: dict[str, Any], *, user: Any, key: str) -> Job:
    """Queue the named maker once per ``key`` (same key while unfinished: the same job)."""
    file_maker(maker)  # refuse an unknown name now, not on the worker
    return start(
        make_file, kind=f"file:{maker}", key=key, params={"maker": maker, "args": args}, user=user
    )
