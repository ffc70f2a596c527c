"""The analyst's pages: the outcomes report, its two figures, the CSV and the PDF."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from repigment.accounts.permissions import role_required
from repigment.core.filejobs import start_file_job
from repigment.patients.access import acting_user
from repigment.registry.forms import CohortForm
from repigment.registry.pdf import filters_as_params, with_sources
from repigment.registry.services import VIEWER_ROLES, Filters, outcomes


def _report(request: HttpRequest) -> tuple[CohortForm, dict[str, Any] | None]:
    user = acting_user(request)
    form = CohortForm(request.GET or None, user=user)
    if request.GET and not form.is_valid():
        return form, None
    filters = form.filters() if request.GET else Filters()
    return form, outcomes(request, user, filters)


@role_required(*VIEWER_ROLES)
def outcomes_page(request: HttpRequest) -> HttpResponse:
    form, body = _report(request)
    context = {"form": form, "body": body and with_sources(body), "query": request.GET.urlencode()}
    if body is not None:
        from repigment.registry.charts import data_uris  # matplotlib loads only when drawn

        # in the page: as images of their own URLs each would compute the whole report again
        context.update(data_uris(body))
    return render(request, "registry/outcomes.html", context, status=200 if body else 400)


def _svg(request: HttpRequest, draw: Any, title: str) -> HttpResponse:
    _form, body = _report(request)
    if body is None:
        return HttpResponse("bad filter", status=400, content_type="text/plain")
    response = HttpResponse(draw(body, title), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(*VIEWER_ROLES)
def km_chart(request: HttpRequest) -> HttpResponse:
    from repigment.registry.charts import KM_TITLE, km_svg  # matplotlib loads only when drawn

    return _svg(request, km_svg, KM_TITLE)


@role_required(*VIEWER_ROLES)
def forest_chart(request: HttpRequest) -> HttpResponse:
    from repigment.registry.charts import FOREST_TITLE, forest_svg  # matplotlib, when drawn

    return _svg(request, forest_svg, FOREST_TITLE)


def _csv_rows(body: dict[str, Any]) -> list[list[Any]]:
    rows: list[list[Any]] = [
        ["section", "item", "level", "n", "count", "value", "ci_low", "ci_high"]
    ]
    for r in body["responses"]:
        rows.append(
            ["response", f"{r['instrument']}{r['threshold']}", f"week {r['week']}", r["evaluable"],
             r["responders"], r["proportion"], r["ci_low"], r["ci_high"]]
        )  # fmt: skip
    time = body["time_to_response"]
    for day, value in time["cumulative"].items():
        rows.append(
            [
                "time to F-VASI75",
                "cumulative",
                f"day {day}",
                time["patients"],
                time["events"],
                value,
                "",
                "",
            ]
        )
    rows.append(
        [
            "time to F-VASI75",
            "median days",
            "",
            time["patients"],
            time["events"],
            time["median_days"],
            *(time["median_ci"] or ["", ""]),
        ]
    )
    for r in body["subgroups"]:
        rows.append(
            [
                "subgroup F-VASI75 week 24",
                r["group"],
                r["level"],
                r["evaluable"],
                r["responders"],
                r["proportion"],
                r["ci_low"],
                r["ci_high"],
            ]
        )
    for r in body["table_one"]:
        rows.append(
            [
                "table 1",
                r["characteristic"],
                r["level"],
                r["n"],
                "",
                r["percent"] if r["median"] is None else r["median"],
                r["q1"],
                r["q3"],
            ]
        )
    if body["safety"]:
        for r in body["safety"]["terms"]:
            rows.append(
                [
                    "adverse events per 100 patient-years",
                    r["term"],
                    "",
                    r["patients"],
                    r["events"],
                    r["rate_per_100_patient_years"],
                    r["ci_low"],
                    r["ci_high"],
                ]
            )
    return [["" if cell is None else cell for cell in row] for row in rows]


@role_required(*VIEWER_ROLES)
def outcomes_csv(request: HttpRequest) -> HttpResponse:
    _form, body = _report(request)
    if body is None:
        return HttpResponse("bad filter", status=400, content_type="text/plain")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows(_csv_rows(body))
    writer.writerow([f"empty cells: {body['suppression']['note']}"])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="registry-outcomes.csv"'
    return response


@role_required(*VIEWER_ROLES)
def outcomes_pdf(request: HttpRequest) -> HttpResponse:
    """Start the PDF on the worker and send the person to the job's page."""
    user = acting_user(request)
    form = CohortForm(request.GET or None, user=user)
    if request.GET and not form.is_valid():
        return HttpResponse("bad filter", status=400, content_type="text/plain")
    filters = form.filters() if request.GET else Filters()
    job = start_file_job(
        "registry-report",
        {"user": user.pk, "filters": filters_as_params(filters)},
        user=user,
        key=f"registry-report:{user.pk}:{request.GET.urlencode()}",
    )
    return redirect("accounts:job", job.public_id)
