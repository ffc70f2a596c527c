from django import forms
from django.utils.translation import gettext_lazy as _

from repigment.knowledge.expectation import MAX_WEEKS, MIN_WEEKS


class ExpectationForm(forms.Form):
    weeks = forms.IntegerField(
        label=_("Weeks of treatment"),
        min_value=MIN_WEEKS,
        max_value=MAX_WEEKS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "size": 4}),
    )
