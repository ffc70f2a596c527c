from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from repigment.access.models import RouteKind
from repigment.access.services import NO_ROUTE
from repigment.core.forms import Form


class CountryFilterForm(Form):
    """The navigator's filter: a plain GET form that works without JavaScript."""

    q = forms.CharField(
        label=_("Country name"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    route = forms.ChoiceField(
        label=_("Route"),
        required=False,
        choices=[
            ("", _("Any route")),
            *RouteKind.choices,
            (NO_ROUTE, _("No route found or not yet researched")),
        ],
    )

    def filters(self) -> tuple[str, str]:
        """(name query, route kind) from the valid fields; an invalid field filters nothing."""
        if not self.is_bound:
            return "", ""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return data.get("q", ""), data.get("route", "")
