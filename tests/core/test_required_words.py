"""An empty required field says what to give, naming the field ("Give the start date."), in
every form of the project: none keeps Django's "This field is required." (issue 18)."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator

import pytest
from django import forms
from django.utils import translation

import repigment
from repigment.core.forms import Form, SpecificRequired, is_generic_required

GENERIC = "This field is required."


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def project_forms() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(repigment.__path__, "repigment."):
        if ".migrations" not in module.name and not module.name.endswith(".wsgi"):
            importlib.import_module(module.name)
    found = {
        cls
        for cls in _subclasses(forms.BaseForm)
        if cls.__module__.startswith("repigment.") and not cls.__name__.startswith("_")
    }
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


FORMS = project_forms()


def test_the_walk_finds_the_forms_of_every_app() -> None:
    modules = {cls.__module__.split(".")[1] for cls in FORMS}
    assert {"accounts", "patients", "treatment", "assessments", "safety", "supply"} <= modules
    assert len(FORMS) > 40


@pytest.mark.parametrize("cls", FORMS, ids=lambda cls: f"{cls.__module__}.{cls.__qualname__}")
def test_no_required_field_keeps_the_generic_message(cls: type[forms.BaseForm]) -> None:
    assert issubclass(cls, SpecificRequired), f"{cls.__qualname__} misses core.forms.Form"
    if getattr(getattr(cls, "_meta", None), "model", "none") is None:
        return  # the abstract core ModelForm itself
    # The declared fields, as the form holds them when it cleans (its own __init__ is skipped:
    # many need a clinic or a patient; the fields they add there are covered below).
    bare = cls.__new__(cls)
    forms.BaseForm.__init__(bare, data={})
    bare.name_required_fields()  # type: ignore[attr-defined]
    for name, field in bare.fields.items():
        if field.required:
            message = field.error_messages["required"]
            assert not is_generic_required(message), f"{cls.__qualname__}.{name}"
            assert str(message) != GENERIC


class Dated(Form):
    start_date = forms.DateField(label="Start date")
    confirmed = forms.BooleanField(label="I have checked the dose")
    route = forms.ChoiceField(label="Route", choices=[("a", "A")])
    note = forms.CharField(label="Note", required=False)
    own = forms.CharField(label="Own", error_messages={"required": "Keep these words."})

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["TB_result"] = forms.CharField(label="TB result")


def test_the_words_name_the_field_and_what_to_do() -> None:
    form = Dated(data={})
    assert not form.is_valid()
    assert form.errors["start_date"] == ["Give the start date."]
    assert form.errors["confirmed"] == ["Tick “I have checked the dose” to go on."]
    assert form.errors["route"] == ["Choose the route."]
    assert form.errors["own"] == ["Keep these words."]
    assert "note" not in form.errors
    # A field added in __init__ is named too, and an abbreviation keeps its capitals.
    assert form.errors["TB_result"] == ["Give the TB result."]


def test_the_words_are_translated() -> None:
    with translation.override("fr"):
        form = Dated(data={})
        form.is_valid()
        assert GENERIC not in str(form.errors)
        assert not any(
            is_generic_required(m) for messages in form.errors.values() for m in messages
        )


@pytest.mark.django_db
@pytest.mark.parametrize("cls", FORMS, ids=lambda cls: f"{cls.__module__}.{cls.__qualname__}")
def test_an_empty_submit_never_says_this_field_is_required(cls: type[forms.BaseForm]) -> None:
    try:
        form = cls(data={})
    except (TypeError, ValueError):
        return  # needs a clinic, a patient or a model: its declared fields are checked above
    form.is_valid()
    assert GENERIC not in str(form.errors)


class Odd(Form):
    started_on = forms.DateField(label="Started on")
    how_bad = forms.CharField(label="How bad is it?")
    photos = forms.FileField(label="Photos")
    phototype = forms.CharField(label="Fitzpatrick phototype")


def test_labels_that_are_no_noun_read_well() -> None:
    form = Odd(data={})
    form.is_valid()
    assert form.errors["started_on"] == ["Fill in “Started on”."]
    assert form.errors["how_bad"] == ["Answer: How bad is it?"]
    assert form.errors["photos"] == ["Choose a file for the photos."]
    assert form.errors["phototype"] == ["Give the Fitzpatrick phototype."]
