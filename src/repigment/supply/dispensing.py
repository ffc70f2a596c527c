"""Dispensing a verified pack to a patient, within the authorisation and the label's limit.

Each refusal has its own message. The authorisation is never passed; the label's weekly limit
is passed only on the prescriber's recorded justification. Two pharmacists dispensing the same
pack at once get exactly one dispense: the pack's row is locked and its state changes only if
it is still available, and a pack has at most one dispense (a unique key).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from repigment.accounts.models import Clinic, User
from repigment.authorisations.models import AuthorisationApplication
from repigment.clinical.dispensing import PaceCheck, check_pace
from repigment.core.templatetags.dates import day_text
from repigment.supply import recalls, stock
from repigment.supply.models import Dispense, Pack, PackState
from repigment.treatment.models import Prescription


class DispenseRefused(Exception):
    """A dispense the rules do not allow; ``code`` names the rule, the message says why."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def packs_dispensed(authorisations: Sequence[AuthorisationApplication]) -> dict[int, int]:
    """The AUTHORISATION_DISPENSED_PROVIDERS entry: packs dispensed against each authorisation
    (one query for the lot)."""
    counted = (
        Dispense.objects.filter(authorisation__in=[a.pk for a in authorisations])
        .values("authorisation")
        .annotate(packs=Count("pk"))
    )
    return {row["authorisation"]: row["packs"] for row in counted}


def dispense(
    *,
    pack: Pack,
    authorisation: AuthorisationApplication,
    pharmacist: User,
    pharmacy: Clinic,
    day: date | None = None,
) -> Dispense:
    """Give ``pack`` to the authorisation's patient, or raise DispenseRefused saying why."""
    today = day or timezone.localdate()
    try:
        with transaction.atomic():
            return _dispense(pack, authorisation, pharmacist, pharmacy, today)
    except (IntegrityError, OperationalError):
        # The other pharmacist's dispense of the same pack won the race (or holds the lock).
        raise DispenseRefused("busy", _(
            "Pack %(serial)s is being dispensed by someone else right now; look at it again."
        ) % {"serial": pack.serial}) from None  # fmt: skip


def _dispense(
    pack: Pack,
    authorisation: AuthorisationApplication,
    pharmacist: User,
    pharmacy: Clinic,
    today: date,
) -> Dispense:
    auth = AuthorisationApplication.objects.select_for_update().get(pk=authorisation.pk)
    locked = Pack.objects.select_for_update().select_related("lot").get(pk=pack.pk)
    _check_pack(locked, pharmacy)
    prescription = _check_authorisation(auth, locked, pharmacy, today)
    override = _check_label(prescription, locked, today)
    try:
        stock.move(locked, PackState.DISPENSED, by=pharmacist, reason=_(
            "Dispensed to patient %(record)s under authorisation %(number)s."
        ) % {"record": auth.patient.record_number,
             "number": auth.authorisation_number})  # fmt: skip
    except stock.MoveRefused as error:
        raise DispenseRefused("not_available", str(error)) from None
    return Dispense.objects.create(
        pack=locked, patient=auth.patient, prescription=prescription, authorisation=auth,
        pharmacy=pharmacy, pharmacist=pharmacist, grams=locked.product_pack.size_grams,
        dispensed_on=today, label_override=override,
    )  # fmt: skip


def _check_pack(pack: Pack, pharmacy: Clinic) -> None:
    earlier = Dispense.objects.filter(pack=pack).first()
    if earlier is not None or pack.state == PackState.DISPENSED:
        when = day_text(earlier.dispensed_on) if earlier else "—"
        raise DispenseRefused("dispensed_before", _(
            "Serial %(serial)s was dispensed before (%(when)s): a pack is dispensed once, ever. "
            "A pack in hand with this serial is a suspected falsified pack."
        ) % {"serial": pack.serial, "when": when})  # fmt: skip
    if pack.pharmacy_id != pharmacy.pk:
        raise DispenseRefused("other_pharmacy", _("This pack is not in this pharmacy's stock."))
    if pack.state != PackState.AVAILABLE:
        raise DispenseRefused("not_verified", _(
            "Pack %(serial)s is %(state)s, not verified and available: only a pack that passed "
            "every check on receipt is dispensed."
        ) % {"serial": pack.serial, "state": pack.get_state_display().lower()})  # fmt: skip
    recall = recalls.recall_of(pack)
    if recall is not None:
        raise DispenseRefused("recalled", _(
            "Pack %(serial)s is recalled (%(reason)s, %(day)s): it is not dispensed. Set it "
            "aside for the recall."
        ) % {"serial": pack.serial, "reason": recall.reason,
             "day": day_text(recall.recalled_on)})  # fmt: skip


def _check_authorisation(
    auth: AuthorisationApplication, pack: Pack, pharmacy: Clinic, today: date
) -> Prescription:
    if not pharmacy.served_clinics.filter(pk=auth.patient.clinic_id).exists():
        raise DispenseRefused(
            "not_served", _("This pharmacy does not supply the patient's clinic.")
        )
    if not auth.usable_on(today):
        raise DispenseRefused("authorisation_not_valid", _(
            "Authorisation %(number)s is not valid on %(today)s (%(state)s, valid %(from)s to "
            "%(until)s); nothing is dispensed against it."
        ) % {"number": auth.authorisation_number or auth.pk, "today": day_text(today),
             "state": auth.get_state_display(), "from": day_text(auth.approved_on) or "—",
             "until": day_text(auth.valid_until) or "—"})  # fmt: skip
    if pack.product_pack.size_grams != auth.pack_grams:
        raise DispenseRefused("wrong_pack_size", _(
            "The authorisation is for %(authorised)s g packs; this pack is %(size)s g."
        ) % {"authorised": auth.pack_grams, "size": pack.product_pack.size_grams})  # fmt: skip
    dispensed = Dispense.objects.filter(authorisation=auth).count()  # now, inside the lock
    if dispensed + 1 > (auth.authorised_packs or 0):
        raise DispenseRefused("quantity_exceeded", _(
            "All %(authorised)s packs authorised have been dispensed (%(dispensed)s): one more "
            "would exceed the authorised quantity. A re-authorisation is needed."
        ) % {"authorised": auth.authorised_packs, "dispensed": dispensed})  # fmt: skip
    return _current_prescription(auth, today)


def _current_prescription(auth: AuthorisationApplication, today: date) -> Prescription:
    prescription = auth.prescription
    current = prescription.start_date <= today and (
        prescription.stop_date is None or prescription.stop_date >= today
    )
    if not current:
        raise DispenseRefused("no_current_prescription", _(
            "The prescription behind this authorisation is not current on %(today)s (from "
            "%(start)s%(stop)s)."
        ) % {"today": day_text(today), "start": day_text(prescription.start_date),
             "stop": _(", stopped %(d)s") % {"d": day_text(prescription.stop_date)}
             if prescription.stop_date else ""})  # fmt: skip
    return prescription


def pace_for(prescription: Prescription, pack: Pack, today: date) -> PaceCheck:
    earlier = Dispense.objects.filter(patient=prescription.patient).values_list(
        "dispensed_on", "grams"
    )
    return check_pace(
        jurisdiction=prescription.jurisdiction or "EMA",
        pack_grams=pack.product_pack.size_grams,
        today=today,
        earlier=list(earlier),
        prescribed_per_week=prescription.grams_per_week,
    )


def _check_label(prescription: Prescription, pack: Pack, today: date) -> str:
    """'' within the label; the justification's text when it carries the pack past it."""
    pace = pace_for(prescription, pack, today)
    if pace.within:
        return ""
    justification = prescription.justification.strip()
    if not justification:
        raise DispenseRefused("label_limit", _(
            "Above the label's weekly limit: %(reason)s Only the prescriber's recorded "
            "justification on the prescription allows this."
        ) % {"reason": pace.reason})  # fmt: skip
    return f"{pace.reason} Justification: {justification}"
