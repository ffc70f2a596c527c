"""The analyst's view of consent: how many patients of their clinics the registry may read,
and how many withdrew lately (their data leaves the next report). Two counts, no names."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from repigment.accounts.models import Clinic, User
from repigment.core.worklist import Group, Item
from repigment.patients.models import Consent, ConsentPurpose, Patient
from repigment.patients.services import registry_patients

#: Withdrawals counted over this many days.
WITHDRAWN_DAYS = 30


def consent(user: User, clinics: Sequence[Clinic], today: date) -> Group:
    consenting = registry_patients(Patient.objects.filter(clinic__in=clinics)).count()
    withdrawn = Consent.objects.filter(
        patient__clinic__in=clinics, purpose=ConsentPurpose.REGISTRY,
        withdrawn_on__gte=today - timedelta(days=WITHDRAWN_DAYS),
    ).count()  # fmt: skip
    outcomes = reverse("registry:outcomes")
    items = [
        Item(ngettext("%(n)s patient consents to registry use: see the outcomes",
                      "%(n)s patients consent to registry use: see the outcomes", consenting)
             % {"n": consenting}, outcomes)
    ]  # fmt: skip
    if withdrawn:
        items.append(
            Item(ngettext("%(n)s withdrew consent in the last %(days)s days",
                          "%(n)s withdrew consent in the last %(days)s days", withdrawn)
                 % {"n": withdrawn, "days": WITHDRAWN_DAYS}, outcomes)
        )  # fmt: skip
    return Group("consent", _("The registry's patients"), consenting, tuple(items))
