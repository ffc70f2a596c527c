"""The import pharmacy's pages: orders, receiving, stock, dispensing, registers and incidents."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from repigment.accounts import audit
from repigment.accounts.models import AuditAction, Clinic, Role, User
from repigment.accounts.permissions import role_required, user_clinics
from repigment.authorisations.models import AuthorisationApplication
from repigment.authorisations.quantity import remaining, remember_dispensed
from repigment.core.keyset import count_upto, cursors, keyset_page
from repigment.patients.uploads import stored_file_response
from repigment.supply import batches, demo, dispensing, orders, recalls, reports
from repigment.supply.forms import (
    BatchReceiveForm,
    CertificateForm,
    DispenseForm,
    OrderForm,
    QuarantineForm,
    ReceiveScanForm,
    ReleaseForm,
)
from repigment.supply.gs1 import CodeError, parse_code
from repigment.supply.models import (
    CERTIFIED_STRENGTH,
    ImportOrder,
    Incident,
    Pack,
    PackState,
    ProductPack,
    ReceivingSession,
    Scan,
    UnapprovedBatch,
)

PHARMACIST = Role.PHARMACIST
#: Authorisations on one page of the dispensing list; packs on one page of the stock list.
DISPENSING_PAGE = 25
STOCK_PAGE = 50


def _pharmacies(request: HttpRequest) -> QuerySet[Clinic]:
    return user_clinics(request.user, [PHARMACIST]).filter(kind=Clinic.Kind.PHARMACY)  # type: ignore[arg-type]


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _order(request: HttpRequest, order_id: int) -> ImportOrder:
    found = ImportOrder.objects.select_related("authorisation__patient", "product_pack__product")
    return get_object_or_404(found, pk=order_id, pharmacy__in=_pharmacies(request))


def _authorisation(request: HttpRequest, authorisation_id: int) -> AuthorisationApplication:
    served = Clinic.objects.filter(pharmacies__in=_pharmacies(request))
    found = AuthorisationApplication.objects.select_related("patient__clinic", "prescription")
    return get_object_or_404(found, pk=authorisation_id, patient__clinic__in=served)


@role_required(PHARMACIST)
def order_list(request: HttpRequest) -> HttpResponse:
    found = ImportOrder.objects.filter(pharmacy__in=_pharmacies(request)).select_related(
        "authorisation", "product_pack__product"
    )
    return render(request, "supply/order_list.html", {"orders": found[:200]})


@role_required(PHARMACIST)
@require_http_methods(["GET", "POST"])
def order_create(request: HttpRequest) -> HttpResponse:
    pharmacy = _pharmacies(request).first()
    if pharmacy is None:
        raise Http404("no pharmacy")
    usable = orders.orderable_authorisations(pharmacy, timezone.localdate())
    choices = AuthorisationApplication.objects.filter(pk__in=[a.pk for a in usable]).select_related(
        "route"
    )
    form = OrderForm(request.POST or None, authorisations=choices,
                     packs=ProductPack.objects.select_related("product"))  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            order = orders.create_order(pharmacy=pharmacy, by=_user(request), **form.cleaned_data)
        except orders.OrderRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Order #%(id)s created.") % {"id": order.pk})
            return redirect("supply:order_detail", order_id=order.pk)
    left = orders.remaining_to_order_each(usable)
    status = 422 if form.errors else 200
    return render(request, "supply/order_form.html", {"form": form, "left": left}, status=status)


@role_required(PHARMACIST)
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _order(request, order_id)
    context = {
        "order": order,
        "counted": orders.counted(order),
        "sessions": order.sessions.all(),
        "scans": [s for session in order.sessions.all() for s in session.scans.all()],
        "discrepancies": order.discrepancies.all(),
        "incidents": order.incidents.all(),
        "batches": order.batches.select_related("lot"),
        "batch_form": BatchReceiveForm() if order.product_pack.product.is_unapproved else None,
    }
    return render(request, "supply/order_detail.html", context)


# --- unapproved (compounded or generic) batches -----------------------------------------------


def _batch(request: HttpRequest, batch_id: int) -> UnapprovedBatch:
    found = UnapprovedBatch.objects.select_related(
        "lot__product_pack__product", "order", "pharmacy", "received_by"
    )
    return get_object_or_404(found, pk=batch_id, pharmacy__in=_pharmacies(request))


def _add_errors(form: Any, refused: batches.BatchRefused) -> None:
    for name, problems in refused.errors.items():
        for problem in problems:
            form.add_error(name if name in form.fields else None, problem)


@role_required(PHARMACIST)
@require_POST
def batch_receive(request: HttpRequest, order_id: int) -> HttpResponse:
    """Receive one batch of an unapproved product (no GS1 code) into quarantine."""
    order = _order(request, order_id)
    form = BatchReceiveForm(request.POST)
    if form.is_valid():
        try:
            batch = batches.receive_batch(order, by=_user(request), **form.cleaned_data)
        except batches.BatchRefused as refused:
            _add_errors(form, refused)
        else:
            audit.record(request, AuditAction.CREATE, object_type="unapproved_batch",
                         object_id=batch.pk, clinic=order.pharmacy, role=PHARMACIST)  # fmt: skip
            messages.success(request, _(
                "Batch %(lot)s received: %(packs)s packs in quarantine until the batch is released."
            ) % {"lot": batch.lot.number, "packs": batch.packs})  # fmt: skip
            return redirect("supply:batch_detail", batch_id=batch.pk)
    context = {"order": order, "counted": orders.counted(order), "sessions": [], "scans": [],
               "discrepancies": order.discrepancies.all(), "incidents": order.incidents.all(),
               "batches": order.batches.select_related("lot"), "batch_form": form}  # fmt: skip
    return render(request, "supply/order_detail.html", context, status=422)


def _batch_page(
    request: HttpRequest,
    batch: UnapprovedBatch,
    certificate_form: CertificateForm | None = None,
    release_form: ReleaseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "batch": batch,
        "product": batch.product,
        "packs": batch.stock().order_by("serial"),
        "certificates": batch.certificates.select_related("checked_by"),
        "release": batch.release(),
        "certificate_form": certificate_form or CertificateForm(),
        "release_form": release_form or ReleaseForm(),
        "strength": CERTIFIED_STRENGTH,
    }
    return render(request, "supply/batch_detail.html", context, status=status)


@role_required(PHARMACIST)
def batch_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    return _batch_page(request, _batch(request, batch_id))


@role_required(PHARMACIST)
@require_POST
def batch_certificate(request: HttpRequest, batch_id: int) -> HttpResponse:
    """Record the batch's certificate of analysis with the pharmacist's check of it."""
    batch = _batch(request, batch_id)
    form = CertificateForm(request.POST, request.FILES)
    if form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("file")
        try:
            certificate = batches.record_certificate(
                batch, upload=upload, name=upload.name or "certificate", size=upload.size,
                by=_user(request), **data,
            )  # fmt: skip
        except batches.BatchRefused as refused:
            _add_errors(form, refused)
        else:
            audit.record(request, AuditAction.CREATE, object_type="certificate_of_analysis",
                         object_id=certificate.pk, clinic=batch.pharmacy,
                         role=PHARMACIST)  # fmt: skip
            messages.success(request, _(
                "Certificate of analysis recorded: it matches batch %(lot)s."
            ) % {"lot": batch.lot.number})  # fmt: skip
            return redirect("supply:batch_detail", batch_id=batch.pk)
    return _batch_page(request, batch, certificate_form=form, status=422)


@role_required(PHARMACIST)
def certificate_file(request: HttpRequest, batch_id: int, certificate_id: int) -> HttpResponse:
    batch = _batch(request, batch_id)
    certificate = get_object_or_404(batch.certificates, pk=certificate_id)
    audit.record(request, AuditAction.VIEW, object_type="certificate_of_analysis",
                 object_id=certificate.pk, clinic=batch.pharmacy, role=PHARMACIST)  # fmt: skip
    extension = certificate.file.name.rsplit(".", 1)[-1]
    return stored_file_response(
        certificate.file, certificate.content_type, f"coa-{batch.lot.number}.{extension}"
    )


@role_required(PHARMACIST)
@require_POST
def batch_release(request: HttpRequest, batch_id: int) -> HttpResponse:
    """Release the batch from quarantine through the checklist (refused without a certificate)."""
    batch = _batch(request, batch_id)
    form = ReleaseForm(request.POST)
    if form.is_valid():
        try:
            release = batches.release_batch(
                batch, ticked=form.cleaned_data["ticked"], by=_user(request),
                note=form.cleaned_data["note"],
            )  # fmt: skip
        except batches.BatchRefused as refused:
            _add_errors(form, refused)
        else:
            audit.record(request, AuditAction.UPDATE, object_type="unapproved_batch_release",
                         object_id=release.pk, clinic=batch.pharmacy, role=PHARMACIST)  # fmt: skip
            messages.success(request, _(
                "Batch %(lot)s released: its packs are available to dispense."
            ) % {"lot": batch.lot.number})  # fmt: skip
            return redirect("supply:batch_detail", batch_id=batch.pk)
    return _batch_page(request, batch, release_form=form, status=422)


@role_required(PHARMACIST)
@require_POST
def session_open(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _order(request, order_id)
    try:
        session = orders.open_session(order, _user(request))
    except orders.OrderRefused as error:
        messages.error(request, str(error))
        return redirect("supply:order_detail", order_id=order.pk)
    return redirect("supply:receive", session_id=session.pk)


@role_required(PHARMACIST)
@require_POST
def order_close(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _order(request, order_id)
    try:
        orders.close_order(order, _user(request))
    except orders.OrderRefused as error:
        messages.error(request, str(error))
    return redirect("supply:order_detail", order_id=order.pk)


@role_required(PHARMACIST)
@require_http_methods(["GET", "POST"])
def receive(request: HttpRequest, session_id: int) -> HttpResponse:
    found = ReceivingSession.objects.select_related("order__product_pack", "order__authorisation")
    session = get_object_or_404(found, pk=session_id, order__pharmacy__in=_pharmacies(request))
    form = ReceiveScanForm(request.POST or None, request.FILES or None)
    result, status = None, 200
    if request.method == "POST" and form.is_valid():
        try:
            result = orders.scan(session, by=_user(request), text=form.cleaned_data["code"] or "",
                                 photo=form.cleaned_data["photo"])  # fmt: skip
        except orders.OrderRefused as error:
            form.add_error(None, str(error))
            status = 409
        else:
            form = ReceiveScanForm()
    scans = list(session.scans.order_by("-at", "-id"))
    context = {"session": session, "order": session.order, "form": form, "result": result,
               "scans": scans, "counted": orders.counted(session.order),
               "quarantinable": {s.pk for s in scans if orders.can_quarantine(s)},
               "demo_codes": [] if settings.PRODUCTION
               else demo.walkthrough_codes(session.order.product_pack)}  # fmt: skip
    return render(request, "supply/receive.html", context, status=status)


@role_required(PHARMACIST)
@require_POST
def quarantine_scan(request: HttpRequest, session_id: int, scan_id: int) -> HttpResponse:
    """Take a pack refused for warnings alone into quarantine, on purpose, with a reason."""
    found = Scan.objects.select_related("session__order__pharmacy")
    row = get_object_or_404(
        found, pk=scan_id, session_id=session_id, session__order__pharmacy__in=_pharmacies(request)
    )
    form = QuarantineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for quarantining this pack."))
        return redirect("supply:receive", session_id=row.session_id)
    try:
        done = orders.quarantine_on_purpose(
            row, by=_user(request), reason=form.cleaned_data["reason"]
        )
    except orders.OrderRefused as error:
        messages.error(request, str(error))
    else:
        audit.record(request, AuditAction.CREATE, object_type="pack_quarantined_on_purpose",
                     object_id=done.pack_id, clinic=row.session.order.pharmacy,
                     role=PHARMACIST)  # fmt: skip
        messages.success(request, _(
            "Pack %(serial)s is in quarantine on purpose: never dispensed unless an investigation "
            "releases it."
        ) % {"serial": row.serial})  # fmt: skip
    return redirect("supply:receive", session_id=row.session_id)


@role_required(PHARMACIST)
def stock_list(request: HttpRequest) -> HttpResponse:
    pharmacies = _pharmacies(request)
    # One pharmacy by equality, so that a page walks its index in order (over an IN list the
    # database sorts every pack of every pharmacy named).
    ids = list(pharmacies.values_list("pk", flat=True))
    mine = Q(pharmacy_id=ids[0]) if len(ids) == 1 else Q(pharmacy_id__in=ids)
    packs = Pack.objects.filter(mine).select_related("product_pack__product", "lot", "order")
    state = request.GET.get("state")
    if state in PackState.values:
        packs = packs.filter(state=state)
    else:
        state = None
    # Newest received first, a page at a time on the (pharmacy, [state,] received_at) indexes:
    # it showed the first 500 and said nothing of the rest.
    page = keyset_page(packs, ("-received_at",), **cursors(request.GET), size=STOCK_PAGE)
    batch_ids = {
        (b.order_id, b.lot_id): b.pk
        for b in UnapprovedBatch.objects.filter(
            pharmacy__in=pharmacies, order_id__in={pack.order_id for pack in page}
        )
    }
    for pack in page:
        pack.batch_id = batch_ids.get((pack.order_id, pack.lot_id))  # type: ignore[attr-defined]
    counts = orders.stock_counts(pharmacies)
    states = [(value, label, counts[value]) for value, label in PackState.choices]
    context = {
        "packs": page.rows, "page": page, "states": states, "state": state,
        "query": f"state={state}" if state else "",
    }  # fmt: skip
    return render(request, "supply/stock.html", context)


@role_required(PHARMACIST)
def dispensing_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    served = Clinic.objects.filter(pharmacies__in=_pharmacies(request))
    found = AuthorisationApplication.objects.filter(
        patient__clinic__in=served, state="approved"
    ).select_related("patient")
    # The (state, valid_until) index has the list's order: a page walks it, however many.
    page = keyset_page(found, ("valid_until",), **cursors(request.GET), size=DISPENSING_PAGE)
    remember_dispensed(page.rows)  # one count for the page, not one per authorisation
    rows = [(a, remaining(a, today)) for a in page]
    audit.record(request, AuditAction.VIEW, object_type="dispensing_list", role=PHARMACIST,
                 patient_ids=[a.patient_id for a, _left in rows])  # fmt: skip
    context = {"rows": rows, "page": page, "count": count_upto(found)}
    return render(request, "supply/dispensing_list.html", context)


def _minimum_patient(authorisation: AuthorisationApplication) -> dict[str, Any]:
    """What the pharmacist needs to hand over the right pack: no clinical notes."""
    patient = authorisation.patient
    return {"name": f"{patient.given_names} {patient.family_name}",
            "record_number": patient.record_number, "date_of_birth": patient.date_of_birth,
            "clinic": patient.clinic.name}  # fmt: skip


def _audit_patient(
    request: HttpRequest, authorisation: AuthorisationApplication, what: str
) -> None:
    patient = authorisation.patient
    audit.record(request, AuditAction.VIEW, object_type=what, object_id=authorisation.pk,
                 patient_id=patient.pk, clinic=patient.clinic, role=PHARMACIST)  # fmt: skip


@role_required(PHARMACIST)
@require_http_methods(["GET", "POST"])
def dispense(request: HttpRequest, authorisation_id: int) -> HttpResponse:
    authorisation = _authorisation(request, authorisation_id)
    pharmacies = _pharmacies(request)
    available = Pack.objects.filter(
        pharmacy__in=pharmacies,
        state=PackState.AVAILABLE,
        product_pack__size_grams=authorisation.pack_grams or 0,
    ).exclude(recalls.naming_pack())  # a recall recorded after receipt takes it off the list
    available = available.select_related("lot", "product_pack__product").order_by(
        "expiry", "serial"
    )  # fmt: skip
    form = DispenseForm(request.POST or None, packs=available)
    status = 200
    _audit_patient(request, authorisation, "dispensing")
    if request.method == "POST" and form.is_valid():
        pack = form.cleaned_data["pack"] or _scanned_pack(form, pharmacies)
        if pack is not None:
            try:
                done = dispensing.dispense(
                    pack=pack, authorisation=authorisation, pharmacist=_user(request),
                    pharmacy=pharmacies.get(pk=pack.pharmacy_id),
                )  # fmt: skip
            except dispensing.DispenseRefused as error:
                form.add_error(None, error.message)
            else:
                audit.record(request, AuditAction.CREATE, object_type="dispense", object_id=done.pk,
                             patient_id=done.patient_id, clinic=authorisation.patient.clinic,
                             role=PHARMACIST)  # fmt: skip
                messages.success(request, _("Pack %(serial)s dispensed.") % {"serial": pack.serial})
                return redirect("supply:dispense", authorisation_id=authorisation.pk)
        status = 422
    context = {"authorisation": authorisation, "patient": _minimum_patient(authorisation),
               "left": remaining(authorisation, timezone.localdate()), "form": form,
               "dispenses": reports.register_rows(authorisation)}  # fmt: skip
    return render(request, "supply/dispense.html", context, status=status)


def _scanned_pack(form: DispenseForm, pharmacies: QuerySet[Clinic]) -> Pack | None:
    """The scanned pack, looked up only in the user's own pharmacies' stock."""
    try:
        code = parse_code(form.cleaned_data["code"])
    except CodeError as error:
        form.add_error("code", str(error))
        return None
    pack = Pack.objects.filter(
        pharmacy__in=pharmacies, product_pack__gtin=code.gtin, serial=code.serial
    ).first()
    if pack is None:
        form.add_error("code", _("No pack with serial %(serial)s of GTIN %(gtin)s was received.")
                       % {"serial": code.serial, "gtin": code.gtin})  # fmt: skip
    return pack


@role_required(PHARMACIST)
def register(request: HttpRequest, authorisation_id: int) -> HttpResponse:
    authorisation = _authorisation(request, authorisation_id)
    _audit_patient(request, authorisation, "dispensing_register")
    return render(request, "supply/register.html", reports.register_context(authorisation))


def _download(request: HttpRequest, authorisation: AuthorisationApplication, kind: str) -> None:
    patient = authorisation.patient
    audit.record(request, AuditAction.EXPORT, object_type=f"dispensing_register_{kind}",
                 object_id=authorisation.pk, patient_id=patient.pk, clinic=patient.clinic,
                 role=PHARMACIST)  # fmt: skip


@role_required(PHARMACIST)
def register_csv(request: HttpRequest, authorisation_id: int) -> HttpResponse:
    authorisation = _authorisation(request, authorisation_id)
    _download(request, authorisation, "csv")
    response = HttpResponse(
        reports.register_csv(authorisation), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="register-{authorisation.pk}.csv"'
    return response


@role_required(PHARMACIST)
def register_pdf(request: HttpRequest, authorisation_id: int) -> HttpResponse:
    authorisation = _authorisation(request, authorisation_id)
    _download(request, authorisation, "pdf")
    response = HttpResponse(reports.register_pdf(authorisation), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="register-{authorisation.pk}.pdf"'
    return response


def visible_incidents(user: User) -> QuerySet[Incident]:
    """Incidents at the user's pharmacies, or at pharmacies supplying their clinics."""
    pharmacies = user_clinics(user, [PHARMACIST])
    clinics = user_clinics(user, [Role.PRESCRIBER])
    supplying = Clinic.objects.filter(served_clinics__in=clinics)
    mine = Incident.objects.filter(pharmacy__in=pharmacies)
    return (mine | Incident.objects.filter(pharmacy__in=supplying)).distinct()


@role_required(PHARMACIST)
def incident_list(request: HttpRequest) -> HttpResponse:
    found = Incident.objects.filter(pharmacy__in=_pharmacies(request))
    context = {"incidents": found[:300], "months": reports.incidents_per_month(found),
               "kinds": Incident.Kind.choices}  # fmt: skip
    return render(request, "supply/incident_list.html", context)


@role_required(PHARMACIST, Role.PRESCRIBER)
def incident_report(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = get_object_or_404(visible_incidents(_user(request)), pk=incident_id)
    audit.record(request, AuditAction.EXPORT, object_type="supply_incident", object_id=incident.pk,
                 clinic=incident.pharmacy)  # fmt: skip
    response = HttpResponse(reports.incident_pdf(incident), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="incident-{incident.pk}.pdf"'
    return response
