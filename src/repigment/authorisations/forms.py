"""Forms for applications, their steps and documents, and the prescriber and importer records.

Forms only read what was typed; the rules are in ``services`` (a re-authorisation shows its
locked fields disabled, and the service refuses any change to them anyway).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from repigment.access.models import AccessRoute
from repigment.authorisations import states
from repigment.authorisations.models import (
    AuthorisationApplication,
    Importer,
    PrescriberRecord,
)
from repigment.authorisations.services import (
    MAX_PERIOD_WEEKS,
    RENEWAL_EDITABLE,
    applicants_for,
    importers_for,
)
from repigment.core.forms import Form, ModelForm
from repigment.treatment.models import Prescription, TubeSize

DATE = forms.DateInput(attrs={"type": "date"})


class NewApplicationForm(Form):
    route = forms.ModelChoiceField(
        label=_("Access route"), queryset=AccessRoute.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, routes: list[AccessRoute], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["route"]
        field.queryset = AccessRoute.objects.filter(pk__in=[r.pk for r in routes])  # type: ignore[attr-defined]
        field.label_from_instance = lambda route: f"{route.name} ({route.get_kind_display()})"  # type: ignore[attr-defined]


class ApplicationForm(Form):
    prescription = forms.ModelChoiceField(
        label=_("Prescription"), queryset=Prescription.objects.none(), empty_label=None
    )
    dosage = forms.CharField(
        label=_("Dosage"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )
    period_weeks = forms.IntegerField(
        label=_("Supply period (weeks)"),
        min_value=1,
        max_value=MAX_PERIOD_WEEKS,
        help_text=_("Up to six months (26 weeks)."),
    )
    requested_pack_grams = forms.TypedChoiceField(
        label=_("Pack size"), choices=TubeSize.choices, coerce=int
    )
    prescriber = forms.ModelChoiceField(
        label=_("Applicant"), queryset=PrescriberRecord.objects.none(), required=False
    )
    importer = forms.ModelChoiceField(
        label=_("Licensed importer"), queryset=Importer.objects.none(), required=False
    )
    finished_product_manufacturer = forms.CharField(
        label=_("Finished-product manufacturer"), max_length=200, required=False
    )
    api_manufacturer = forms.CharField(label=_("API manufacturer"), max_length=200, required=False)
    consent_signed_on = forms.DateField(
        label=_("Informed consent signed on"), required=False, widget=DATE
    )
    consent_witness = forms.CharField(
        label=_("Consent witnessed by"), max_length=150, required=False
    )

    def __init__(self, *args: Any, application: AuthorisationApplication, **kwargs: Any) -> None:
        kwargs.setdefault("initial", initial_for(application))
        super().__init__(*args, **kwargs)
        patient = application.patient
        self.fields["prescription"].queryset = Prescription.objects.filter(  # type: ignore[attr-defined]
            patient=patient, product=application.product
        )
        self.fields["prescriber"].queryset = applicants_for(patient)  # type: ignore[attr-defined]
        self.fields["importer"].queryset = importers_for(application)  # type: ignore[attr-defined]
        if application.renews_id is not None:
            for name, field in self.fields.items():
                if name not in RENEWAL_EDITABLE:
                    field.disabled = True
                    field.help_text = _("Kept from the authorisation renewed.")

    def changes(self) -> dict[str, Any]:
        return {
            name: value for name, value in self.cleaned_data.items() if name in self.changed_data
        }


def initial_for(application: AuthorisationApplication) -> dict[str, Any]:
    return {
        "prescription": application.prescription_id,
        "dosage": application.dosage,
        "period_weeks": application.period_weeks,
        "requested_pack_grams": application.requested_pack_grams,
        "prescriber": application.prescriber_id,
        "importer": application.importer_id,
        "finished_product_manufacturer": application.medicine.get(
            "finished_product_manufacturer", ""
        ),
        "api_manufacturer": application.medicine.get("api_manufacturer", ""),
        "consent_signed_on": application.consent_signed_on,
        "consent_witness": application.consent_witness,
    }


class MotivationForm(Form):
    motivation = forms.CharField(
        label=_("Motivation"),
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_(
            "Drafted from the record. Say in your own words why no medicine registered in the "
            "country can be used for this patient, and replace the text in square brackets."
        ),
    )


class StepForm(Form):
    """The fields of one transition: its day, its note, and what the action records."""

    on = forms.DateField(label=_("Day"), widget=DATE)
    reference_number = forms.CharField(label=_("Regulator's reference number"), max_length=60)
    authorisation_number = forms.CharField(label=_("Authorisation number"), max_length=60)
    valid_until = forms.DateField(label=_("Valid until (last day)"), widget=DATE)
    authorised_packs = forms.IntegerField(label=_("Packs authorised"), min_value=1)
    pack_grams = forms.TypedChoiceField(
        label=_("Pack size authorised"), choices=TubeSize.choices, coerce=int
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, action: states.Action, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in (
            "reference_number",
            "authorisation_number",
            "valid_until",
            "authorised_packs",
            "pack_grams",
        ):
            if name not in action.fields:
                del self.fields[name]
        note = self.fields["note"]
        note.required = action.note_required
        if action.note_label:
            note.label = action.note_label


class UploadForm(Form):
    file = forms.FileField(
        label=_("File"), help_text=_("A PDF, or a photo or scan (JPEG, PNG, HEIC or WEBP).")
    )


class PrescriberRecordForm(ModelForm):
    certificate = forms.FileField(
        label=_("HPCSA registration certificate"),
        required=False,
        help_text=_("A PDF, or a photo or scan; it is reused on every application."),
    )

    class Meta:
        model = PrescriberRecord
        fields = [
            "title",
            "initials",
            "hpcsa_number",
            "qualifications",
            "specialty",
            "practice_number",
        ]


class ImporterForm(ModelForm):
    class Meta:
        model = Importer
        fields = [
            "name",
            "sahpra_licence_number",
            "site_master_file_number",
            "address",
            "country",
            "pharmacy",
            "email",
            "phone",
            "active",
        ]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}
