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


#: Django's own words for an empty required field, which name neither the field nor what to do.
_GENERIC_REQUIRED = forms.Field.default_error_messages["required"]


#: Names that keep their capital inside a sentence.
_PROPER = ("Fitzpatrick", "REDCap")
#: A label that is a question ("How bad is it?") is answered, not given.
_QUESTION = {"what", "why", "how", "when", "where", "who", "which", "is", "are", "did", "do"}
#: A label such as "Started on" or "Valid until (last day)" names no thing to give.
_PREPOSITION = {"on", "until", "at", "by", "from", "to", "for"}


def _lower_first(label: str) -> str:
    """The label as it reads inside a sentence: "Start date" → "start date", "TB test" kept."""
    if label.startswith(_PROPER):
        return label
    if len(label) > 1 and label[0].isupper() and not label[1].isupper():
        return label[0].lower() + label[1:]
    return label


def required_message(field: forms.Field, label: Any) -> str:
    """The words for an empty required field: what to do, naming the field."""
    text = str(label).strip().rstrip(":").strip()
    words = [w.strip("()").lower() for w in text.split()]
    name = _lower_first(text)
    if isinstance(field, forms.BooleanField):
        return _("Tick “%(label)s” to go on.") % {"label": text}
    if text.endswith("?") or (words and words[0] in _QUESTION):
        return _("Answer: %(label)s") % {"label": text}
    if len(words) > 1 and (words[-1] in _PREPOSITION or words[1] == "until"):
        return _("Fill in “%(label)s”.") % {"label": text}
    if isinstance(field, forms.FileField):
        if "file" in words:
            return _("Choose the %(label)s.") % {"label": name}
        return _("Choose a file for the %(label)s.") % {"label": name}
    if isinstance(field, forms.ChoiceField):
        return _("Choose the %(label)s.") % {"label": name}
    return _("Give the %(label)s.") % {"label": name}


def is_generic_required(message: Any) -> bool:
    """True for Django's "This field is required." in any language."""
    return message is _GENERIC_REQUIRED or str(message) == str(_GENERIC_REQUIRED)


class SpecificRequired:
    """Names the field in its "required" error: "Give the start date.", not Django's generic
    "This field is required."

    Every form of the project takes this mixin (through :class:`Form` and :class:`ModelForm`, or
    directly beside a form Django ships); ``tests/core/test_required_words.py`` walks them all. A
    field with its own "required" words keeps them. The words are set just before cleaning, so
    fields a form adds in its ``__init__`` are covered too.
    """

    def name_required_fields(self) -> None:
        """Give each required field still holding Django's words the specific ones."""
        form: forms.BaseForm = self  # type: ignore[assignment]
        for name, field in form.fields.items():
            if field.required and is_generic_required(field.error_messages.get("required")):
                field.error_messages["required"] = required_message(field, form[name].label)

    def full_clean(self) -> None:
        self.name_required_fields()
        super().full_clean()  # type: ignore[misc]


class Form(SpecificRequired, forms.Form):
    """The project's plain form: errors that name their field."""


class ModelForm(SpecificRequired, forms.ModelForm):  # type: ignore[type-arg]
    """The project's model form: errors that name their field."""
