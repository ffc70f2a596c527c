"""Pages of the interop app: a clinic administrator imports a REDCap project."""

from __future__ import annotations

import uuid

from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from repigment.accounts.models import Clinic, Role
from repigment.accounts.permissions import clinic_member_required
from repigment.core import jobs
from repigment.core.models import Job
from repigment.interop.forms import RedcapImportForm
from repigment.interop.tasks import redcap_import

KIND = "redcap-import"


@clinic_member_required(Role.CLINIC_ADMIN)
@require_http_methods(["GET", "POST"])
def redcap_start(request: HttpRequest, clinic: Clinic) -> HttpResponse:
    form = RedcapImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        folder = f"imports/redcap/{uuid.uuid4().hex}"
        params: dict[str, object] = {
            "clinic": clinic.pk,
            "user": request.user.pk,
            "dry_run": form.cleaned_data["dry_run"],
        }
        for name in ("dictionary", "records", "mapping"):
            params[name] = default_storage.save(f"{folder}/{name}", form.cleaned_data[name])
        job = jobs.start(
            redcap_import, kind=KIND, key=f"{KIND}:{folder}", params=params, user=request.user
        )
        return redirect("interop:redcap_result", clinic_id=clinic.pk, public_id=job.public_id)
    return render(request, "interop/redcap_start.html", {"clinic": clinic, "form": form})


@clinic_member_required(Role.CLINIC_ADMIN)
def redcap_result(request: HttpRequest, clinic: Clinic, public_id: uuid.UUID) -> HttpResponse:
    job = Job.objects.filter(public_id=public_id, kind=KIND, params__clinic=clinic.pk).first()
    if job is None:
        raise Http404("no such import")
    context = {"clinic": clinic, "job": job, "result": job.result}
    template = "interop/_redcap_state.html" if request.htmx else "interop/redcap_result.html"  # type: ignore[attr-defined]
    return render(request, template, context)
