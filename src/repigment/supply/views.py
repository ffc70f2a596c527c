"""The pharmacist's supply pages: catalogue, recalls (list and CSV import), checking a code."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from repigment.accounts.models import Role, User
from repigment.accounts.permissions import role_required, user_clinics
from repigment.supply import recalls, services
from repigment.supply.forms import CheckCodeForm, RecallImportForm
from repigment.supply.models import (
    PACK_SIZES_SOURCE,
    Lot,
    Product,
    ProductPack,
    Recall,
    source_link,
)

PHARMACIST = Role.PHARMACIST


def _pharmacy_ids(user: User) -> list[int]:
    return list(user_clinics(user, [PHARMACIST]).values_list("pk", flat=True))


@role_required(PHARMACIST)
def catalogue(request: HttpRequest) -> HttpResponse:
    packs = ProductPack.objects.prefetch_related(
        Prefetch("lots", queryset=Lot.objects.order_by("expiry", "number")), "recalls"
    )
    products = Product.objects.prefetch_related(Prefetch("packs", queryset=packs))
    context = {"products": products, "sizes_source": source_link(PACK_SIZES_SOURCE)}
    return render(request, "supply/catalogue.html", context)


@role_required(PHARMACIST)
@require_http_methods(["GET", "POST"])
def check_code(request: HttpRequest) -> HttpResponse:
    form = CheckCodeForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        weeks = form.cleaned_data["treatment_weeks"]
        result = services.check_code(
            text=form.cleaned_data["code"] or "",
            photo=form.cleaned_data["photo"],
            pharmacy_ids=_pharmacy_ids(request.user),  # type: ignore[arg-type]
            treatment_weeks=weeks,
        )
        form = CheckCodeForm(initial={"treatment_weeks": weeks})  # empty, ready for the next scan
    return render(request, "supply/check_code.html", {"form": form, "result": result})


@role_required(PHARMACIST)
def recall_list(request: HttpRequest) -> HttpResponse:
    entries = Recall.objects.select_related("product_pack__product", "entered_by")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "supply/recall_list.html", {"page": page})


@role_required(PHARMACIST)
@require_http_methods(["GET", "POST"])
def recall_import(request: HttpRequest) -> HttpResponse:
    form = RecallImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        report = recalls.import_recalls(
            form.cleaned_data["data"],
            entered_by=request.user,  # type: ignore[arg-type]
            file_name=form.cleaned_data["file"].name,
            request=request,
        )
    status = 422 if report is not None and not report.ok else 200
    context = {"form": form, "report": report, "columns": recalls.COLUMNS}
    return render(request, "supply/recall_import.html", context, status=status)


@role_required(PHARMACIST)
def recall_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(recalls.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="recalls-template.csv"'
    return response
