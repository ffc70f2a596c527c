"""The checks a pharmacist runs on a scanned pack, each with its own verdict and plain reason.

Every check is a pure function of the code and the facts it needs, which the caller gathers
(``repigment.supply.services.verify`` reads them from the database): the catalogue pack for the
GTIN, the lot's recorded expiry, the recalls for the GTIN, the packs already received with the
same serial, the lots declared (later: on the import order) and the codes already scanned in
this receiving session. The decision follows from the verdicts: accept only if every check
passes; a suspected clone or a recalled pack is quarantined and never dispensable.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from django.utils.translation import gettext as _

from repigment.supply.gs1 import PackCode


class Verdict(StrEnum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"


class Decision(StrEnum):
    ACCEPT = "accept"  # every check passed: the pack may go into available stock
    REVIEW = "review"  # warnings only: the pharmacist looks and decides
    REFUSE = "refuse"  # a check failed: not stocked as available (quarantine it explicitly)
    QUARANTINE = "quarantine"  # suspected falsified or recalled: set aside, never dispensable
    DOUBLE_SCAN = "double_scan"  # already scanned in this session: counted once


@dataclass(frozen=True)
class Check:
    key: str
    title: str
    verdict: Verdict
    reason: str
    quarantine: bool = False  # a failure of this check means the pack must be quarantined


# --- the facts a caller gathers -------------------------------------------------------------


@dataclass(frozen=True)
class KnownPack:
    """The catalogue entry for a GTIN."""

    description: str  # e.g. "Opzelura 1.5 % cream, 60 g (United States)"


@dataclass(frozen=True)
class RecallFact:
    scope: str  # "lot" or "serial"
    lot: str
    serial: str
    recalled_on: date
    reason: str
    source: str


@dataclass(frozen=True)
class EarlierPack:
    """A pack already received with the same GTIN and serial."""

    received_on: date
    state_label: str
    here: bool  # received by the pharmacy that is checking, not elsewhere in Repigment
    pack_id: int | None = None


@dataclass(frozen=True)
class Facts:
    known_pack: KnownPack | None
    lot_expiry: date | None = None  # the catalogue's expiry for this lot, when the lot is known
    recalls: Sequence[RecallFact] = ()
    earlier_packs: Sequence[EarlierPack] = ()


@dataclass(frozen=True)
class Verification:
    code: PackCode
    checks: tuple[Check, ...]
    decision: Decision
    clone_of: tuple[int, ...] = field(default=())  # packs received before with this serial

    @property
    def accepted(self) -> bool:
        return self.decision == Decision.ACCEPT

    @property
    def suspected_clone(self) -> bool:
        return any(c.key == "serial_new" and c.verdict == Verdict.FAIL for c in self.checks)


# --- the checks -----------------------------------------------------------------------------


def gtin_known(code: PackCode, known: KnownPack | None) -> Check:
    title = _("Known product")
    if known is None:
        return Check("gtin_known", title, Verdict.FAIL, _(
            "GTIN %(gtin)s is not a product pack in the catalogue."
        ) % {"gtin": code.gtin})  # fmt: skip
    return Check("gtin_known", title, Verdict.PASS, _("GTIN %(gtin)s is %(pack)s.") % {
        "gtin": code.gtin, "pack": known.description})  # fmt: skip


def shelf_life(code: PackCode, today: date, treatment_days: int | None = None) -> Check:
    """Fail when expired; warn when it expires before the end of the treatment period."""
    title = _("Expiry and shelf life")
    expiry = _expiry_text(code)
    if code.expiry < today:
        return Check("shelf_life", title, Verdict.FAIL, _("Expired: %(expiry)s.") % {
            "expiry": expiry})  # fmt: skip
    if treatment_days is None:
        return Check("shelf_life", title, Verdict.PASS, _(
            "Not expired: %(expiry)s. No treatment period given, so shelf life was not judged."
        ) % {"expiry": expiry})  # fmt: skip
    end = today + timedelta(days=treatment_days)
    values = {"expiry": expiry, "days": treatment_days, "end": end.isoformat()}
    if code.expiry < end:
        return Check("shelf_life", title, Verdict.WARN, _(
            "%(expiry)s: before the end of a %(days)d-day treatment period (%(end)s)."
        ) % values)  # fmt: skip
    return Check("shelf_life", title, Verdict.PASS, _(
        "%(expiry)s: in date for a %(days)d-day treatment period (to %(end)s)."
    ) % values)  # fmt: skip


def _expiry_text(code: PackCode) -> str:
    if code.expiry_is_month_end:
        return _("expires at the end of %(month)s (%(date)s)") % {
            "month": code.expiry.strftime("%m/%Y"), "date": code.expiry.isoformat()}  # fmt: skip
    return _("expires on %(date)s") % {"date": code.expiry.isoformat()}


def lot_expiry_matches(code: PackCode, lot_expiry: date | None) -> Check:
    """The expiry in the code against the one recorded for the lot (a mismatch is suspicious)."""
    title = _("Lot expiry")
    values = {"lot": code.lot, "code": code.expiry.isoformat(), "lot_expiry": ""}
    if lot_expiry is None:
        return Check("lot_expiry", title, Verdict.PASS, _(
            "Lot %(lot)s is new to the catalogue; there is no recorded expiry to compare."
        ) % values)  # fmt: skip
    values["lot_expiry"] = lot_expiry.isoformat()
    if lot_expiry != code.expiry:
        return Check("lot_expiry", title, Verdict.WARN, _(
            "The code says %(code)s but lot %(lot)s is recorded with expiry %(lot_expiry)s."
        ) % values)  # fmt: skip
    return Check("lot_expiry", title, Verdict.PASS, _(
        "Matches the recorded expiry of lot %(lot)s (%(lot_expiry)s)."
    ) % values)  # fmt: skip


def lot_declared(code: PackCode, declared: Collection[str]) -> Check:
    title = _("Declared lot")
    values = {"lot": code.lot, "declared": ", ".join(sorted(declared)) or _("none")}
    if code.lot in declared:
        return Check("lot_declared", title, Verdict.PASS, _(
            "Lot %(lot)s is one of the lots declared (%(declared)s)."
        ) % values)  # fmt: skip
    return Check("lot_declared", title, Verdict.FAIL, _(
        "Lot %(lot)s is not among the lots declared (%(declared)s)."
    ) % values)  # fmt: skip


def not_recalled(code: PackCode, recalls: Sequence[RecallFact]) -> Check:
    title = _("Recalls")
    hits = [r for r in recalls if _recall_hits(r, code)]
    if not hits:
        return Check("not_recalled", title, Verdict.PASS, _(
            "Neither lot %(lot)s nor serial %(serial)s is recalled."
        ) % {"lot": code.lot, "serial": code.serial})  # fmt: skip
    reasons = " ".join(_recall_sentence(r) for r in hits)
    return Check("not_recalled", title, Verdict.FAIL, reasons, quarantine=True)


def _recall_hits(recall: RecallFact, code: PackCode) -> bool:
    if recall.scope == "lot":
        return recall.lot == code.lot
    return recall.serial == code.serial


def _recall_sentence(recall: RecallFact) -> str:
    values = {"lot": recall.lot, "serial": recall.serial, "date": recall.recalled_on.isoformat(),
              "reason": recall.reason, "source": recall.source}  # fmt: skip
    if recall.scope == "lot":
        return _("Lot %(lot)s was recalled on %(date)s: %(reason)s (source: %(source)s).") % values
    return _(
        "Serial %(serial)s was recalled on %(date)s: %(reason)s (source: %(source)s)."
    ) % values  # fmt: skip


def serial_new(
    code: PackCode,
    earlier: Sequence[EarlierPack],
    session_codes: Collection[tuple[str, str]] = (),
) -> Check:
    """A serial seen before is a suspected clone, unless it is this session's double scan."""
    title = _("Serial never seen before")
    if code.identity in session_codes:
        return Check("serial_new", title, Verdict.WARN, _(
            "Serial %(serial)s was already scanned in this receiving session: a double scan, "
            "counted once, not a second pack."
        ) % {"serial": code.serial})  # fmt: skip
    if not earlier:
        return Check("serial_new", title, Verdict.PASS, _(
            "Serial %(serial)s has never been received before."
        ) % {"serial": code.serial})  # fmt: skip
    first = min(earlier, key=lambda p: p.received_on)
    where = _("by this pharmacy") if first.here else _("elsewhere in Repigment")
    return Check("serial_new", title, Verdict.FAIL, _(
        "Serial %(serial)s of this GTIN was already received %(where)s on %(date)s (now "
        "%(state)s): suspected falsified (cloned) pack. Quarantine it and report it."
    ) % {"serial": code.serial, "where": where, "date": first.received_on.isoformat(),
         "state": first.state_label}, quarantine=True)  # fmt: skip


# --- all together ---------------------------------------------------------------------------


def verify(
    code: PackCode,
    facts: Facts,
    *,
    today: date,
    treatment_days: int | None = None,
    declared_lots: Collection[str] | None = None,
    session_codes: Collection[tuple[str, str]] = (),
) -> Verification:
    """Run every check that can be judged; the lot check only when lots are declared."""
    checks = [
        gtin_known(code, facts.known_pack),
        shelf_life(code, today, treatment_days),
        lot_expiry_matches(code, facts.lot_expiry),
        *([lot_declared(code, declared_lots)] if declared_lots is not None else []),
        not_recalled(code, facts.recalls),
        serial_new(code, facts.earlier_packs, session_codes),
    ]
    double_scan = code.identity in session_codes
    clone_of = () if double_scan else tuple(p.pack_id for p in facts.earlier_packs if p.pack_id)
    return Verification(code, tuple(checks), decide(checks, double_scan=double_scan), clone_of)


def decide(checks: Sequence[Check], *, double_scan: bool = False) -> Decision:
    if double_scan:
        return Decision.DOUBLE_SCAN
    failed = [c for c in checks if c.verdict == Verdict.FAIL]
    if any(c.quarantine for c in failed):
        return Decision.QUARANTINE
    if failed:
        return Decision.REFUSE
    if any(c.verdict == Verdict.WARN for c in checks):
        return Decision.REVIEW
    return Decision.ACCEPT
