"""The cohort filter of the analyst's page and API: clinic, treatment-start period, phototype,
age band and sex."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from repigment.accounts.models import Clinic, User
from repigment.core.forms import Form
from repigment.registry.bands import AGE_BANDS
from repigment.registry.services import Filters, viewable_clinics

PHOTOTYPES = [(str(n), name) for n, name in enumerate(("I", "II", "III", "IV", "V", "VI"), 1)]
SEXES = [("", _("All")), ("female", _("Female")), ("male", _("Male")), ("other", _("Other"))]


class CohortForm(Form):
    clinic = forms.ModelChoiceField(
        queryset=Clinic.objects.none(), required=False, empty_label=_("All my clinics")
    )
    started_from = forms.DateField(
        label=_("Treatment started from"), required=False, widget=forms.DateInput({"type": "date"})
    )
    started_to = forms.DateField(
        label=_("Treatment started until"), required=False, widget=forms.DateInput({"type": "date"})
    )
    phototype = forms.MultipleChoiceField(
        label=_("Phototype"),
        choices=PHOTOTYPES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    age_band = forms.ChoiceField(
        label=_("Age at start"),
        choices=[("", _("All")), *[(label, label) for _low, _high, label in AGE_BANDS]],
        required=False,
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=SEXES, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["clinic"].queryset = viewable_clinics(user)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("started_from"), cleaned.get("started_to")
        if first and last and first > last:
            self.add_error("started_to", _("The end of the period is before its start."))
        return cleaned

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            clinic=data.get("clinic"),
            started_from=data.get("started_from"),
            started_to=data.get("started_to"),
            phototypes=tuple(int(value) for value in data.get("phototype") or ()),
            age_band=data.get("age_band") or "",
            sex=data.get("sex") or "",
        )
