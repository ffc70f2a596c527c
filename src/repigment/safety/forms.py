"""Forms for adverse events: the prescriber's full form, the patient's few taps, the review
and the record of a report sent. The rules are in :mod:`repigment.safety.services`; a form
only maps their problems onto its fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from repigment.core.forms import Form
from repigment.patients.forms import DateInput
from repigment.patients.models import Patient
from repigment.safety import services
from repigment.safety.models import (
    ActionTaken,
    AdverseEvent,
    Causality,
    Outcome,
    SafetyReport,
    Seriousness,
    Severity,
)
from repigment.safety.terms import PATIENT_TERM_CHOICES, TERM_CHOICES

TERM_HELP = _(
    "The first seven are the common reactions of the US label (section 6); serious infection, "
    "malignancy, major adverse cardiovascular event and thrombosis are the categories of its "
    "boxed warning. Anything else: choose “Other” and describe it."
)


class _EventChecked(Form):
    """Runs the service's checks on the cleaned data and puts each problem on its field."""

    by_prescriber = True

    def __init__(self, *args: Any, patient: Patient, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.patient = patient

    def assessment(self, data: dict[str, Any]) -> dict[str, Any]:
        """Seriousness, outcome, action and causality as this form collects them."""
        return {}

    def event_input(self) -> services.EventInput:
        data = self.cleaned_data
        return services.EventInput(
            term=data["term"],
            term_other=data["term_other"],
            description=data["description"],
            onset_date=data["onset_date"],
            end_date=data["end_date"],
            severity=data["severity"],
            **self.assessment(data),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        try:
            services.check_event(self.patient, self.event_input(), by_prescriber=self.by_prescriber)
        except services.EventInvalid as invalid:
            for name, messages in invalid.fields.items():
                for message in messages:
                    self.add_error(name if name in self.fields else None, message)
        return data


class EventForm(_EventChecked):
    """The prescriber's form: every field of the event, their causality assessment included."""

    term = forms.ChoiceField(label=_("Event"), choices=TERM_CHOICES, help_text=TERM_HELP)
    term_other = forms.CharField(label=_("Event, in words"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description and course"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    onset_date = forms.DateField(label=_("Started on"), widget=DateInput())
    end_date = forms.DateField(
        label=_("Ended on"), widget=DateInput(), required=False, help_text=_("Empty if ongoing.")
    )
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    seriousness = forms.MultipleChoiceField(
        label=_("Seriousness criteria"),
        choices=Seriousness.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Tick every criterion the event meets; none ticked means not serious."),
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    action_taken = forms.ChoiceField(
        label=_("Action taken with the cream"), choices=ActionTaken.choices
    )
    causality = forms.ChoiceField(
        label=_("Causality (WHO-UMC category)"),
        choices=[("", "—"), *Causality.choices],
        required=False,
    )
    review_note = forms.CharField(
        label=_("Review note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    @classmethod
    def initial_from(cls, event: AdverseEvent) -> dict[str, Any]:
        names = [name for name in cls.base_fields if hasattr(event, name)]
        return {name: getattr(event, name) for name in names}

    def assessment(self, data: dict[str, Any]) -> dict[str, Any]:
        return {
            "seriousness": list(data["seriousness"]),
            "outcome": data["outcome"],
            "action_taken": data["action_taken"],
            "causality": data["causality"],
        }


PATIENT_ACTIONS = (
    (ActionTaken.NOT_CHANGED, _("I kept using it as before")),
    (ActionTaken.REDUCED, _("I used less of it")),
    (ActionTaken.INTERRUPTED, _("I stopped for a while")),
    (ActionTaken.WITHDRAWN, _("I stopped using it")),
)


class PatientReportForm(_EventChecked):
    """The portal's form: what happened, since when, how bad, and what the patient did."""

    by_prescriber = False
    SEVERITY = (
        (Severity.MILD, _("Mild: I notice it, but it does not get in my way")),
        (Severity.MODERATE, _("Moderate: it gets in the way of what I do every day")),
        (Severity.SEVERE, _("Severe: I cannot do what I do every day")),
    )

    term = forms.ChoiceField(
        label=_("What happened?"), choices=PATIENT_TERM_CHOICES, widget=forms.RadioSelect
    )
    term_other = forms.CharField(
        label=_("If something else, what?"), max_length=200, required=False
    )
    description = forms.CharField(
        label=_("Anything else your doctor should know (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    onset_date = forms.DateField(label=_("When did it start?"), widget=DateInput())
    end_date = forms.DateField(
        label=_("When did it stop?"),
        widget=DateInput(),
        required=False,
        help_text=_("Leave empty if it has not stopped."),
    )
    severity = forms.ChoiceField(
        label=_("How bad is it?"), choices=SEVERITY, widget=forms.RadioSelect
    )
    action_taken = forms.ChoiceField(
        label=_("What did you do with the cream?"),
        choices=PATIENT_ACTIONS,
        widget=forms.RadioSelect,
    )
    hospitalised = forms.BooleanField(
        label=_("I had to stay in hospital because of this"), required=False
    )

    def assessment(self, data: dict[str, Any]) -> dict[str, Any]:
        """A patient's "in hospital" is a seriousness criterion the prescriber will review."""
        return {
            "seriousness": [Seriousness.HOSPITALISATION] if data["hospitalised"] else [],
            "outcome": Outcome.RECOVERED if data["end_date"] else Outcome.NOT_RECOVERED,
            "action_taken": data["action_taken"],
        }


class DismissForm(Form):
    review_note = forms.CharField(
        label=_("Why is this not an adverse event?"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ReportSentForm(Form):
    sent_on = forms.DateField(label=_("Sent on"), widget=DateInput(), initial=timezone.localdate)
    route = forms.ChoiceField(label=_("Sent through"), choices=SafetyReport.Route.choices)
    reference = forms.CharField(
        label=_("Regulator's reference"),
        max_length=100,
        required=False,
        help_text=_("The acknowledgement or case number, if the regulator gave one."),
    )
