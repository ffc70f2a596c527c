"""The pharmacist's work queue: safety first (recalled packs still on the shelf, suspected
falsified packs, packs in quarantine), then orders to receive, unapproved batches awaiting
release, and authorisations with packs left to dispense.

Each group is one count and one read of its first few rows across all the person's
pharmacies (``core.worklist``), so the home costs the same for one pharmacy or many.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from repigment.accounts.models import Clinic
from repigment.authorisations.models import AuthorisationApplication
from repigment.core.worklist import Group, Item, first_few
from repigment.supply import recalls
from repigment.supply.models import (
    Approval,
    BatchRelease,
    Dispense,
    ImportOrder,
    Incident,
    Pack,
    PackState,
    UnapprovedBatch,
)

#: Packs that could still leave the shelf for a patient.
ON_SHELF = (PackState.RECEIVED, PackState.AVAILABLE)


def pharmacist_groups(pharmacies: Sequence[Clinic], today: date) -> tuple[list[Group], list[int]]:
    """Every group, in the order of the queue (empty ones included), and the patients the
    queue names (their reading is audited)."""
    ready, named = ready_to_dispense(pharmacies, today)
    groups = [
        recalled_on_shelf(pharmacies),
        suspected_falsified(pharmacies),
        quarantined(pharmacies),
        orders_to_receive(pharmacies),
        awaiting_release(pharmacies),
        ready,
    ]
    return groups, named


def recalled_packs(pharmacies: Sequence[Clinic]) -> QuerySet[Pack]:
    """Packs still on the shelf whose lot or serial a recall names (recorded after receipt:
    a pack recalled at receipt went straight into quarantine)."""
    return Pack.objects.filter(pharmacy__in=pharmacies, state__in=ON_SHELF).filter(
        recalls.naming_pack()
    )


def recalled_on_shelf(pharmacies: Sequence[Clinic]) -> Group:
    rows = recalled_packs(pharmacies).select_related("lot").order_by("expiry", "pk")
    shown, count = first_few(rows)
    stock = reverse("supply:stock")
    items = tuple(
        Item(
            _("Lot %(lot)s, serial %(serial)s is recalled: not dispensed, take it off the shelf")
            % {"lot": pack.lot.number, "serial": pack.serial},
            f"{stock}?state={pack.state}",
            pack.expiry,
            _("expires"),
        )
        for pack in shown
    )
    return Group("recalled", _("Recalled packs still in stock"), count, items,
                 reverse("supply:recall_list"), safety=True)  # fmt: skip


def suspected_falsified(pharmacies: Sequence[Clinic]) -> Group:
    rows = Incident.objects.filter(
        pharmacy__in=pharmacies, kind=Incident.Kind.SUSPECTED_FALSIFIED
    ).order_by("-found_at", "-pk")
    shown, count = first_few(rows)
    items = tuple(
        Item(
            _("Suspected falsified pack: lot %(lot)s, serial %(serial)s — report for the "
              "regulator (PDF)") % {"lot": row.lot_number, "serial": row.serial},
            reverse("supply:incident_report", args=[row.pk]),
            row.found_at,
            _("found"),
        )
        for row in shown
    )  # fmt: skip
    return Group("falsified", _("Suspected falsified packs"), count, items,
                 reverse("supply:incident_list"), safety=True)  # fmt: skip


def quarantined(pharmacies: Sequence[Clinic]) -> Group:
    """Approved products' packs in quarantine (an unapproved batch waits for its release,
    the next group but one)."""
    rows = (
        Pack.objects.filter(pharmacy__in=pharmacies, state=PackState.QUARANTINED)
        .filter(product_pack__product__approval=Approval.APPROVED)
        .select_related("lot")
        .order_by("received_at", "pk")
    )
    shown, count = first_few(rows)
    more = reverse("supply:stock") + "?state=quarantined"
    items = tuple(
        Item(
            _("Lot %(lot)s, serial %(serial)s in quarantine")
            % {"lot": pack.lot.number, "serial": pack.serial},
            reverse("supply:order_detail", args=[pack.order_id]) if pack.order_id else more,
            pack.received_at,
            _("received"),
        )
        for pack in shown
    )
    return Group("quarantined", _("Packs in quarantine"), count, items, more, safety=True)


def orders_to_receive(pharmacies: Sequence[Clinic]) -> Group:
    rows = (
        ImportOrder.objects.filter(pharmacy__in=pharmacies, closed_at__isnull=True)
        .select_related("authorisation")
        .order_by("created_at", "pk")
    )
    shown, count = first_few(rows)
    items = tuple(
        Item(
            _("Order #%(order)s: %(quantity)s packs under authorisation %(number)s")
            % {"order": order.pk, "quantity": order.quantity,
               "number": order.authorisation.authorisation_number or order.authorisation_id},
            reverse("supply:order_detail", args=[order.pk]),
            order.created_at,
            _("ordered"),
        )
        for order in shown
    )  # fmt: skip
    return Group("receive", _("Orders to receive"), count, items, reverse("supply:order_list"))


def awaiting_release(pharmacies: Sequence[Clinic]) -> Group:
    rows = (
        UnapprovedBatch.objects.filter(pharmacy__in=pharmacies)
        .exclude(pk__in=BatchRelease.objects.values("batch_id"))
        .select_related("lot")
        .order_by("received_at", "pk")
    )
    shown, count = first_few(rows)
    items = tuple(
        Item(
            _("Unapproved batch %(lot)s in quarantine: check its certificate and release it")
            % {"lot": batch.lot.number},
            reverse("supply:batch_detail", args=[batch.pk]),
            batch.received_at,
            _("received"),
        )
        for batch in shown
    )
    more = reverse("supply:stock") + "?state=quarantined"
    return Group("release", _("Batches awaiting release"), count, items, more)


def _dispensed() -> Subquery:
    per = (
        Dispense.objects.filter(authorisation=OuterRef("pk"))
        .values("authorisation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(per, output_field=IntegerField()), Value(0))


def ready_to_dispense(pharmacies: Sequence[Clinic], today: date) -> tuple[Group, list[int]]:
    """Authorisations valid today for patients of the clinics these pharmacies supply, with
    packs left to dispense, the soonest to expire first; and the patients the group names."""
    served = Clinic.objects.filter(pharmacies__in=pharmacies)
    rows = (
        AuthorisationApplication.objects.usable_on(today)
        .filter(patient__clinic__in=served)
        .annotate(dispensed=_dispensed())
        .filter(authorised_packs__gt=F("dispensed"))
        .select_related("patient")
        .order_by("valid_until", "pk")
    )
    shown, count = first_few(rows)
    items = tuple(
        Item(
            _("%(record)s: %(left)s of %(authorised)s packs left under %(number)s")
            % {"record": row.patient.record_number, "left": row.authorised_packs - row.dispensed,
               "authorised": row.authorised_packs,
               "number": row.authorisation_number or row.pk},
            reverse("supply:dispense", args=[row.pk]),
            row.valid_until,
            _("valid until"),
        )
        for row in shown
    )  # fmt: skip
    group = Group("dispense", _("Authorisations ready to dispense"), count, items,
                  reverse("supply:dispensing_list"))  # fmt: skip
    return group, [row.patient_id for row in shown]
