"""The clinic administrator's missing tube prices: a tube size prescribed on a current course
at one of their clinics with no sourced price, so that course's cost estimate shows no figure.
One grouped query, whatever the number of clinics or prescriptions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from repigment.accounts.models import Clinic, User
from repigment.core.worklist import SHOWN, Group, Item
from repigment.treatment.models import Prescription, TubePrice


def missing_prices(user: User, clinics: Sequence[Clinic], today: date) -> Group:
    priced = TubePrice.objects.filter(
        clinic=OuterRef("patient__clinic"), tube_grams=OuterRef("tube_grams")
    )
    rows = list(
        Prescription.objects.active_on(today)
        .filter(patient__clinic__in=clinics, tube_grams__isnull=False)
        .exclude(Exists(priced))
        .values("patient__clinic", "patient__clinic__name", "tube_grams")
        .annotate(n=Count("pk"))
        .order_by("-n", "patient__clinic__name", "tube_grams")
    )  # at most two tube sizes per clinic
    items = tuple(
        Item(
            ngettext(
                "No price for the %(grams)s g tube at %(clinic)s: %(n)s current course shows no "
                "cost",
                "No price for the %(grams)s g tube at %(clinic)s: %(n)s current courses show no "
                "cost",
                row["n"],
            )
            % {"grams": row["tube_grams"], "clinic": row["patient__clinic__name"], "n": row["n"]},
            reverse("treatment:prices", args=[row["patient__clinic"]]),
        )
        for row in rows[:SHOWN]
    )
    return Group("prices", _("Tube prices missing"), len(rows), items)
