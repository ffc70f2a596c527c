"""Supply API for pharmacists: read a scanned code, check it, the catalogue, stock and recalls."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from repigment.accounts.models import Role, User
from repigment.accounts.permissions import deny, has_role, user_clinics
from repigment.core.errors import ApiError
from repigment.core.pagination import PageQuery, page_of, paginate
from repigment.core.schemas import Strict
from repigment.supply import gs1, recalls, services
from repigment.supply.models import ImportOrder, Pack, PackState, Product, Recall, Scan

router = Router(tags=["supply"])


def _pharmacist(request: HttpRequest) -> User:
    if not has_role(request.user, [Role.PHARMACIST]):
        raise deny(request, "supply-api")
    return request.user  # type: ignore[return-value]


class ScanIn(Strict):
    source_model = Scan

    text: str = Field(..., min_length=1, description="What the scanner typed.")


class VerifyIn(ScanIn):
    treatment_weeks: int | None = Field(None, ge=1, le=104)
    declared_lots: list[str] | None = Field(
        None, description="Lots the pack must belong to (e.g. those declared on an order)."
    )


class OtherElementOut(Schema):
    ai: str
    title: str
    value: str


class CodeOut(Schema):
    gtin: str
    expiry: date
    expiry_is_month_end: bool
    lot: str
    serial: str
    spelling: str
    symbology: str
    hri: str
    element_string: str
    digital_link: str
    others: list[OtherElementOut]


class CodeCheckOut(Schema):
    key: str
    title: str
    verdict: str
    reason: str


class VerificationOut(Schema):
    code: CodeOut
    decision: str
    checks: list[CodeCheckOut]


def _parse(text: str) -> gs1.PackCode:
    try:
        return gs1.parse_code(text)
    except gs1.CodeError as error:
        raise ApiError(422, "invalid_code", str(error), error.by_field()) from None


@router.post("/scan/parse", response=CodeOut)
def parse_scan(request: HttpRequest, payload: ScanIn) -> gs1.PackCode:
    """The GTIN, expiry, lot and serial in scanner text, printed text or a Digital Link."""
    _pharmacist(request)
    return _parse(payload.text)


@router.post("/scan/verify", response=VerificationOut)
def verify_scan(request: HttpRequest, payload: VerifyIn) -> object:
    """Every check on the code against the catalogue, recalls and packs received so far."""
    user = _pharmacist(request)
    code = _parse(payload.text)
    pharmacies = user_clinics(user, [Role.PHARMACIST]).values_list("pk", flat=True)
    return services.verify_code(
        code,
        pharmacy_ids=list(pharmacies),
        treatment_days=payload.treatment_weeks * 7 if payload.treatment_weeks else None,
        declared_lots=payload.declared_lots,
    )


class LotOut(Schema):
    number: str
    expiry: date


class ProductPackOut(Schema):
    id: int
    gtin: str
    size_grams: int
    market: str = Field(alias="market_of_origin")
    demonstration_gtin: bool = Field(alias="is_demonstration_gtin")
    source: str
    lots: list[LotOut]

    @staticmethod
    def resolve_lots(obj: object) -> list[object]:
        return list(obj.lots.all())  # type: ignore[attr-defined]


class SupplyProductOut(Schema):
    id: int
    name: str
    active_ingredient: str
    strength: str
    form: str
    maker: str
    market: str
    source: str
    #: "approved", or "compounded" / "generic": not the approved medicine, no GS1 code.
    approval: str
    packs: list[ProductPackOut]

    @staticmethod
    def resolve_packs(obj: object) -> list[object]:
        return list(obj.packs.all())  # type: ignore[attr-defined]


@router.get("/products", response=list[SupplyProductOut])
def products(request: HttpRequest) -> list[Product]:
    _pharmacist(request)
    return list(Product.objects.prefetch_related("packs__lots", "packs__product"))


class MovementOut(Schema):
    from_state: str
    to_state: str
    at: datetime
    by: str = Field(alias="by.email")
    reason: str
    investigation: str


class PackOut(Schema):
    id: int
    pharmacy_id: int
    gtin: str = Field(alias="product_pack.gtin")
    approval: str = Field(alias="product_pack.product.approval")
    lot: str = Field(alias="lot.number")
    serial: str
    expiry: date
    state: str
    received_at: datetime
    movements: list[MovementOut]

    @staticmethod
    def resolve_movements(obj: object) -> list[object]:
        return list(obj.movements.all())  # type: ignore[attr-defined]


class PackFilter(Schema):
    state: PackState | None = None
    gtin: str | None = Field(None, max_length=14)
    serial: str | None = Field(None, max_length=20)


PackPage = page_of(PackOut, "PackPage")


@router.get("/packs", response=PackPage)
def packs(request: HttpRequest, filters: Query[PackFilter], pages: Query[PageQuery]) -> object:
    """Packs received by the caller's own pharmacies, with every move."""
    user = _pharmacist(request)
    found = Pack.objects.filter(pharmacy__in=user_clinics(user, [Role.PHARMACIST]))
    if filters.state:
        found = found.filter(state=filters.state)
    if filters.gtin:
        found = found.filter(product_pack__gtin=filters.gtin)
    if filters.serial:
        found = found.filter(serial=filters.serial)
    related = found.select_related("product_pack__product", "lot").prefetch_related("movements__by")
    return paginate(request, related, pages).answer(lambda pack: pack)


class RecallOut(Schema):
    id: int
    gtin: str = Field(alias="product_pack.gtin")
    scope: str
    lot: str = Field(alias="lot_number")
    serial: str
    reason: str
    recalled_on: date
    source_url: str
    source_document: str
    entered_at: datetime


RecallPage = page_of(RecallOut, "RecallPage")


@router.get("/recalls", response=RecallPage)
def recall_list(request: HttpRequest, pages: Query[PageQuery]) -> object:
    """Newest first, a page at a time."""
    _pharmacist(request)
    recalled = Recall.objects.select_related("product_pack")
    return paginate(request, recalled, pages).answer(lambda recall: recall)


class ImportOut(Schema):
    rows: int
    created: int
    already_recorded_lines: list[int]


@router.post("/recalls/import", response={201: ImportOut})
def recall_import(request: HttpRequest, file: File[UploadedFile]) -> Status:
    """A CSV file of recalls; 422 lists every bad row by line and nothing is written."""
    user = _pharmacist(request)
    data = file.read(recalls.MAX_BYTES + 1)
    report = recalls.import_recalls(
        data, entered_by=user, file_name=file.name or "", request=request
    )
    if not report.ok:
        fields: dict[str, list[str]] = {}
        for error in report.errors:
            key = f"line {error.line}" if error.line else "file"
            fields.setdefault(key, []).append(
                f"{error.column}: {error.message}" if error.column else error.message
            )
        message = f"The file has {len(report.errors)} problems; nothing was saved."
        raise ApiError(422, "invalid_file", message, fields)
    created = {"rows": report.rows, "created": len(report.created),
               "already_recorded_lines": report.already_recorded}  # fmt: skip
    return Status(201, created)


# --- orders, receiving, stock and dispensing --------------------------------------------------


def _own_pharmacy(user: User) -> object:
    from repigment.accounts.models import Clinic

    pharmacy = user_clinics(user, [Role.PHARMACIST]).filter(kind=Clinic.Kind.PHARMACY).first()
    if pharmacy is None:
        raise ApiError(403, "no_pharmacy", "You are not a pharmacist of an import pharmacy.")
    return pharmacy


class OrderIn(Strict):
    source_model = ImportOrder

    authorisation_id: int
    gtin: str = Field(..., min_length=14, max_length=14)
    quantity: int = Field(..., ge=1, le=1000)
    expected_lots: list[str] = Field(..., min_length=1)
    supplier_reference: str = ""


class OrderOut(Schema):
    id: int
    authorisation_id: int
    gtin: str = Field(alias="product_pack.gtin")
    quantity: int
    expected_lots: list[str]
    is_open: bool


OrderPage = page_of(OrderOut, "OrderPage")


@router.get("/orders", response=OrderPage)
def order_list(request: HttpRequest, pages: Query[PageQuery]) -> object:
    user = _pharmacist(request)
    found = ImportOrder.objects.filter(pharmacy__in=user_clinics(user, [Role.PHARMACIST]))
    return paginate(request, found.select_related("product_pack"), pages).answer(lambda o: o)


@router.post("/orders", response={201: OrderOut})
def order_create(request: HttpRequest, payload: OrderIn) -> Status:
    from repigment.authorisations.models import AuthorisationApplication
    from repigment.supply import orders
    from repigment.supply.models import ProductPack

    user = _pharmacist(request)
    pharmacy = _own_pharmacy(user)
    auth = AuthorisationApplication.objects.filter(
        pk=payload.authorisation_id,
        patient__clinic__in=pharmacy.served_clinics.all(),  # type: ignore[attr-defined]
    ).first()
    pack = ProductPack.objects.filter(gtin=payload.gtin).first()
    if auth is None:
        raise ApiError(404, "not_found", "No such authorisation for the clinics you supply.")
    if pack is None:
        raise ApiError(422, "unknown_gtin", f"GTIN {payload.gtin} is not in the catalogue.")
    try:
        order = orders.create_order(
            pharmacy=pharmacy, authorisation=auth, product_pack=pack,  # type: ignore[arg-type]
            quantity=payload.quantity, expected_lots=payload.expected_lots, by=user,
            supplier_reference=payload.supplier_reference,
        )  # fmt: skip
    except orders.OrderRefused as error:
        raise ApiError(409, "order_refused", str(error)) from None
    return Status(201, order)


class SessionOut(Schema):
    id: int
    order_id: int


@router.post("/orders/{order_id}/sessions", response={201: SessionOut})
def session_open(request: HttpRequest, order_id: int) -> Status:
    from repigment.supply import orders

    user = _pharmacist(request)
    order = ImportOrder.objects.filter(
        pk=order_id, pharmacy__in=user_clinics(user, [Role.PHARMACIST])
    ).first()
    if order is None:
        raise ApiError(404, "not_found", "No such order.")
    try:
        return Status(201, orders.open_session(order, user))
    except orders.OrderRefused as error:
        raise ApiError(409, "order_closed", str(error)) from None


class ScanOut(Schema):
    outcome: str
    decision: str
    checks: list[CodeCheckOut]
    problems: dict[str, list[str]]
    pack_id: int | None
    incident_id: int | None
    incident_kind: str | None


@router.post("/sessions/{session_id}/scans", response=ScanOut)
def session_scan(request: HttpRequest, session_id: int, payload: ScanIn) -> dict[str, object]:
    from repigment.supply import orders
    from repigment.supply.models import ReceivingSession

    user = _pharmacist(request)
    session = ReceivingSession.objects.filter(
        pk=session_id, order__pharmacy__in=user_clinics(user, [Role.PHARMACIST])
    ).first()
    if session is None:
        raise ApiError(404, "not_found", "No such receiving session.")
    try:
        result = orders.scan(session, by=user, text=payload.text)
    except orders.OrderRefused as error:
        raise ApiError(409, "scan_refused", str(error)) from None
    problems: dict[str, list[str]] = {}
    for problem in result.problems:
        problems.setdefault(problem.field, []).append(problem.message)
    return {
        "outcome": result.scan.outcome, "decision": result.scan.decision,
        "checks": result.scan.checks, "problems": problems, "pack_id": result.scan.pack_id,
        "incident_id": result.incident.pk if result.incident else None,
        "incident_kind": result.incident.kind if result.incident else None,
    }  # fmt: skip


@router.get("/stock", response=dict[str, int])
def stock_counts(request: HttpRequest) -> dict[str, int]:
    from repigment.supply import orders

    user = _pharmacist(request)
    return orders.stock_counts(user_clinics(user, [Role.PHARMACIST]))


class DispenseIn(Strict):
    authorisation_id: int
    pack_id: int


class DispenseOut(Schema):
    id: int
    pack_id: int
    authorisation_id: int
    dispensed_on: date
    lot: str = Field(alias="pack.lot.number")
    serial: str = Field(alias="pack.serial")


@router.post("/dispenses", response={201: DispenseOut})
def dispense(request: HttpRequest, payload: DispenseIn) -> Status:
    from repigment.authorisations.models import AuthorisationApplication
    from repigment.supply import dispensing

    user = _pharmacist(request)
    pharmacies = user_clinics(user, [Role.PHARMACIST])
    pack = Pack.objects.filter(pk=payload.pack_id, pharmacy__in=pharmacies).first()
    auth = AuthorisationApplication.objects.filter(
        pk=payload.authorisation_id, patient__clinic__pharmacies__in=pharmacies
    ).first()
    if pack is None or auth is None:
        raise ApiError(404, "not_found", "No such pack in your stock or authorisation.")
    try:
        done = dispensing.dispense(pack=pack, authorisation=auth, pharmacist=user,
                                   pharmacy=pack.pharmacy)  # fmt: skip
    except dispensing.DispenseRefused as error:
        raise ApiError(409, error.code, error.message) from None
    return Status(201, done)
