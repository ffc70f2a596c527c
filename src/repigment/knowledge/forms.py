from django import forms
from django.utils.translation import gettext_lazy as _

from repigment.core.forms import Form
from repigment.knowledge.expectation import MAX_WEEKS, MIN_WEEKS
from repigment.knowledge.models import CheckedKind


class ExpectationForm(Form):
    weeks = forms.IntegerField(
        label=_("Weeks of treatment"),
        min_value=MIN_WEEKS,
        max_value=MAX_WEEKS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "size": 4}),
    )


class RecheckForm(Form):
    """A maintainer says: I read the source(s) behind this statement again today."""

    kind = forms.ChoiceField(choices=CheckedKind.choices, widget=forms.HiddenInput)
    key = forms.CharField(max_length=80, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=300,
        help_text=_("For example: the page moved to a new address, or it now says more."),
    )
