"""Forms for prescribing, co-medications, stopping a course and the patient's diary.

The forms only read and type the values; every rule (dates, areas, the label check) is in
:mod:`repigment.treatment.services`, so the API applies exactly the same ones.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any, ClassVar

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from repigment.core.forms import DecimalCommaField, Form, ModelForm
from repigment.patients.models import Patient, Sex
from repigment.treatment import monitoring, services
from repigment.treatment.models import (
    ApplicationSite,
    BodyRegion,
    CoMedication,
    ExchangeRate,
    Frequency,
    Jurisdiction,
    Product,
    RiskFactor,
    SkinExam,
    SkipReason,
    StopReason,
    TbScreening,
    TubePrice,
    TubeSize,
)

YES_NO = [("no", _("No")), ("yes", _("Yes"))]
REGION_HELP = _("% of body surface; one palm with fingers is about 1 %.")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _yes_no(label: Any, help_text: Any = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        help_text=help_text,
        error_messages={"required": _("Answer yes or no: the label check needs it.")},
    )


def _no_unless_yes(label: Any, help_text: Any = "") -> forms.TypedChoiceField:
    """A yes/no question that starts at "No" and reads a missing answer as no."""
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        help_text=help_text,
        required=False,
        empty_value=False,
        initial="no",
    )


class ServiceErrors:
    """Shows a service's ``Invalid.fields`` on the form; unknown keys go to ``extra``."""

    extra: dict[str, list[str]]

    def show(self, fields: dict[str, list[str]]) -> None:
        form: forms.BaseForm = self  # type: ignore[assignment]
        for name, messages in fields.items():
            for message in messages:
                if name == "__all__" or name in form.fields:
                    form.add_error(None if name == "__all__" else name, message)
                else:
                    self.extra.setdefault(name, []).append(message)


class PrescriptionForm(ServiceErrors, Form):
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=Product.objects.filter(active=True), empty_label=None
    )
    frequency = forms.ChoiceField(
        label=_("Frequency"), choices=Frequency.choices, initial=Frequency.TWICE_DAILY
    )
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    planned_weeks = forms.IntegerField(
        label=_("Planned duration (weeks)"),
        min_value=1,
        max_value=services.MAX_WEEKS,
        initial=services.DEFAULT_WEEKS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("Reassessment is due at week 24."),
    )
    tube_grams = forms.TypedChoiceField(
        label=_("Tube size"),
        choices=TubeSize.choices,
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    jurisdiction = forms.ChoiceField(
        label=_("Label applied"),
        choices=Jurisdiction.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    pregnant = _yes_no(_("Pregnant?"))
    breastfeeding = _yes_no(_("Breastfeeding?"))
    active_serious_infection = _yes_no(
        _("Active serious infection?"), _("Including a localised serious infection.")
    )
    occlusive_dressing = _no_unless_yes(
        _("Under an occlusive dressing?"),
        _("The treated skin is to be left uncovered: no occlusive dressing."),
    )
    hypersensitivity = _no_unless_yes(
        _("Hypersensitivity to ruxolitinib or an excipient of the cream?")
    )
    end_stage_renal_disease = _no_unless_yes(_("End-stage renal disease?"))
    childbearing_potential = _no_unless_yes(
        _("Woman of childbearing potential?"),
        _("The EU label asks for effective contraception during treatment and 4 weeks after."),
    )
    warnings_reviewed = forms.BooleanField(
        label=_("I went through the class warnings with the patient"),
        required=False,
    )
    risk_factors = forms.MultipleChoiceField(
        label=_("The patient's risk factors"),
        choices=RiskFactor.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    justification = forms.CharField(
        label=_("Justification for prescribing outside the label"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "no-recalc"}),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, patient: Patient, **kwargs: Any) -> None:
        male = patient.sex == Sex.MALE
        initial = {
            "start_date": services.today(),
            "jurisdiction": patient.clinic.label_jurisdiction,
            **({"pregnant": "no", "breastfeeding": "no"} if male else {}),
        }
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.patient = patient
        self.extra = {}
        for region, label in BodyRegion.choices:
            self.fields[f"area_{region}"] = DecimalCommaField(
                label=label,
                required=False,
                min_value=Decimal("0.01"),
                max_value=Decimal(100),
                max_digits=5,
                decimal_places=2,
            )
        current = services.current_courses(patient)
        if current:
            self.fields["replaces_current"] = forms.BooleanField(
                label=_("This prescription replaces the current one"),
                required=False,
                help_text=_(
                    "The current prescription of the cream started on %(start)s. Ticked, it "
                    "stops the day before this one starts; never two courses side by side."
                )
                % {"start": date_format(current[0].start_date)},
            )
        data = args[0] if args else kwargs.get("data")
        self.acknowledged = frozenset(data.getlist("acknowledged")) if data else frozenset()

    def area_fields(self) -> list[forms.BoundField]:
        return [self[f"area_{region}"] for region in BodyRegion.values]

    def other_fields(self) -> list[forms.BoundField]:
        hidden = {
            "justification",
            "warnings_reviewed",
            "risk_factors",
            *(f"area_{r}" for r in BodyRegion.values),
        }
        return [self[name] for name in self.fields if name not in hidden]

    def to_input(self) -> services.PrescriptionInput:
        data = self.cleaned_data
        areas = [
            services.AreaInput(region, data[f"area_{region}"])
            for region in BodyRegion.values
            if data.get(f"area_{region}") is not None
        ]
        return services.PrescriptionInput(
            product=data["product"],
            start_date=data["start_date"],
            planned_weeks=data["planned_weeks"],
            areas=areas,
            frequency=data["frequency"],
            tube_grams=data.get("tube_grams"),
            jurisdiction=data.get("jurisdiction") or "",
            pregnant=data["pregnant"],
            breastfeeding=data["breastfeeding"],
            active_serious_infection=data["active_serious_infection"],
            occlusive_dressing=bool(data.get("occlusive_dressing")),
            hypersensitivity=bool(data.get("hypersensitivity")),
            end_stage_renal_disease=bool(data.get("end_stage_renal_disease")),
            childbearing_potential=bool(data.get("childbearing_potential")),
            warnings_reviewed=bool(data.get("warnings_reviewed")),
            risk_factors=frozenset(data.get("risk_factors") or ()),
            acknowledged=self.acknowledged,
            justification=data.get("justification", ""),
            notes=data.get("notes", ""),
            replaces_current=bool(data.get("replaces_current")),
        )


class StopForm(ServiceErrors, Form):
    stop_date = forms.DateField(label=_("Stopped on"), widget=DateInput())
    stop_reason = forms.ChoiceField(label=_("Why"), choices=StopReason.choices)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"stop_date": services.today()})
        super().__init__(*args, **kwargs)
        self.extra = {}


class CoMedicationForm(ServiceErrors, Form):
    name = forms.CharField(
        label=_("Medicine"),
        max_length=120,
        help_text=_("Generic name, and the form when it matters: “tacrolimus (topical)”."),
    )
    start_date = forms.DateField(
        label=_("Started on"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty if not known."),
    )
    stop_date = forms.DateField(
        label=_("Stopped on"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty while the patient still takes it."),
    )
    notes = forms.CharField(label=_("Dose or notes"), required=False, max_length=200)
    applied_to = forms.ChoiceField(
        label=_("Where is it applied?"),
        choices=[("", _("Not a skin medicine, or not said")), *ApplicationSite.choices],
        required=False,
        help_text=_(
            "For creams and ointments: the EU label does not recommend other topical medicines "
            "on the skin treated with the cream."
        ),
    )

    def __init__(self, *args: Any, instance: CoMedication | None = None, **kwargs: Any) -> None:
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": instance.name,
                    "start_date": instance.start_date,
                    "stop_date": instance.stop_date,
                    "notes": instance.notes,
                    "applied_to": instance.applied_to,
                },
            )
        super().__init__(*args, **kwargs)
        self.extra = {}

    def to_input(self) -> services.CoMedicationInput:
        data = self.cleaned_data
        return services.CoMedicationInput(
            data["name"],
            data.get("start_date"),
            data.get("stop_date"),
            data.get("notes", ""),
            data.get("applied_to", ""),
        )


class DiaryForm(ServiceErrors, Form):
    day = forms.DateField(label=_("Day"), widget=DateInput())
    morning = forms.BooleanField(label=_("Morning"), required=False)
    evening = forms.BooleanField(label=_("Evening"), required=False)
    tube_changed = forms.BooleanField(label=_("I started a new tube"), required=False)
    skipped = forms.BooleanField(label=_("I skipped this day"), required=False)
    skip_reason = forms.ChoiceField(
        label=_("Why?"), choices=[("", "—"), *SkipReason.choices], required=False
    )
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.extra = {}
        self.fields["day"].widget.attrs["max"] = services.today().isoformat()

    def to_input(self) -> services.DiaryInput:
        data = self.cleaned_data
        return services.DiaryInput(
            day=data["day"],
            morning=data["morning"],
            evening=data["evening"],
            tube_changed=data["tube_changed"],
            skipped=data["skipped"],
            skip_reason=data.get("skip_reason", ""),
            note=data.get("note", ""),
        )


def quick_days() -> list[tuple[str, date]]:
    """The two buttons above the diary form."""
    now = services.today()
    return [(str(_("Today")), now), (str(_("Yesterday")), now - timedelta(days=1))]


class TbScreeningForm(ServiceErrors, ModelForm):
    class Meta:
        model = TbScreening
        fields = ("test", "tested_on", "result", "latent_treatment", "next_due", "notes")
        widgets: ClassVar = {"tested_on": DateInput(), "next_due": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.extra = {}

    def to_input(self) -> monitoring.TbScreeningInput:
        data = self.cleaned_data
        return monitoring.TbScreeningInput(
            data["test"],
            data["tested_on"],
            data["result"],
            data["latent_treatment"],
            data.get("next_due"),
            data.get("notes", ""),
        )


class SkinExamForm(ServiceErrors, ModelForm):
    class Meta:
        model = SkinExam
        fields = ("examined_on", "finding", "finding_note", "next_due")
        widgets: ClassVar = {"examined_on": DateInput(), "next_due": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.extra = {}

    def to_input(self) -> monitoring.SkinExamInput:
        data = self.cleaned_data
        return monitoring.SkinExamInput(
            data["examined_on"], data["finding"], data["next_due"], data.get("finding_note", "")
        )


def _not_in_future(day: date) -> date:
    if day > services.today():
        raise forms.ValidationError(_("This day is still to come; give the day it was given."))
    return day


def _currency_code(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 3 or not code.isalpha() or not code.isascii():
        raise forms.ValidationError(_("Give the three-letter currency code, such as ZAR or USD."))
    return code


class TubePriceForm(ModelForm):
    """A price per tube, entered with the source that gave it and the day it was given."""

    amount = DecimalCommaField(
        label=_("Price per tube"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2
    )

    source_url = forms.URLField(
        label=_("Address of the source"), required=False, assume_scheme="https"
    )

    class Meta:
        model = TubePrice
        fields = ("tube_grams", "amount", "currency", "source", "source_url", "priced_on")
        widgets: ClassVar = {"priced_on": DateInput()}

    def clean_currency(self) -> str:
        return _currency_code(self.cleaned_data["currency"])

    def clean_priced_on(self) -> date:
        return _not_in_future(self.cleaned_data["priced_on"])


class ExchangeRateForm(ModelForm):
    """One unit of a currency in another, on a day (for the patients' cost estimate)."""

    rate = DecimalCommaField(
        label=_("Rate"),
        min_value=Decimal("0.000001"),
        max_digits=14,
        decimal_places=6,
        help_text=_("How much of the second currency one unit of the first buys, e.g. 18,45."),
    )

    class Meta:
        model = ExchangeRate
        fields = ("from_currency", "to_currency", "rate", "as_of")
        widgets: ClassVar = {"as_of": DateInput()}

    def clean_from_currency(self) -> str:
        return _currency_code(self.cleaned_data["from_currency"])

    def clean_to_currency(self) -> str:
        return _currency_code(self.cleaned_data["to_currency"])

    def clean_as_of(self) -> date:
        return _not_in_future(self.cleaned_data["as_of"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("from_currency") and data.get("from_currency") == data.get("to_currency"):
            self.add_error("to_currency", _("Give a currency other than the first."))
        return data
