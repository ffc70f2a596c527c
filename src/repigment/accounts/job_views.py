"""A background job's page: its state while it runs, then its file, for whoever started it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from repigment.core.models import Job


def _own_job(request: HttpRequest, public_id: str) -> Job:
    """Only the person who started a job sees it; to anyone else it does not exist."""
    return get_object_or_404(Job, public_id=public_id, requester_id=request.user.pk)


@login_required
def job(request: HttpRequest, public_id: str) -> HttpResponse:
    found = _own_job(request, public_id)
    template = "accounts/_job_state.html" if request.htmx else "accounts/job.html"  # type: ignore[attr-defined]
    return render(request, template, {"job": found})


@login_required
def job_file(request: HttpRequest, public_id: str) -> FileResponse:
    found = _own_job(request, public_id)
    if not found.file or found.state != "succeeded":
        raise Http404("The job has no file (yet).")
    name = found.file.name.rsplit("/", 1)[-1]
    return FileResponse(found.file.open("rb"), as_attachment=True, filename=name)
