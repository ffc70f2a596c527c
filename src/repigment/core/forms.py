"""Form fields shared by every app."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

#: Digits with at most one decimal separator, a point or a comma; an optional leading minus.
_DECIMAL = re.compile(r"-?(\d+([.,]\d*)?|[.,]\d+)")


class DecimalCommaField(forms.DecimalField):
    """A decimal typed as text that takes a point or a comma as the decimal separator.

    A browser's number input drops a comma ("2,5" arrives as "25"), a tenfold error for anyone
    who writes decimals with a comma (South Africa, French- and Portuguese-speaking countries).
    This field is a text input with the decimal keypad on phones; it reads "2,5" and "2.5" alike
    and refuses anything with more than one separator, such as "1,000.5", rather than guess.
    """

    widget = forms.TextInput

    default_error_messages = {
        "invalid": _("Write a number such as 2.5 or 2,5, with no other signs."),
    }

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false"})
        return attrs

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip().replace("\u00a0", "").replace(" ", "")
            if text in self.empty_values:
                return None
            if not _DECIMAL.fullmatch(text):
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            value = text.replace(",", ".")
        return super().to_python(value)
