"""After a failed submit every form rendered by accounts/_form.html opens with a summary of what
to correct, each message a link to its field (issue 18)."""

from __future__ import annotations

import re

from django import forms
from django.template.loader import render_to_string

from repigment.core.forms import Form


class Visit(Form):
    day = forms.DateField(label="Visit date", help_text="The day of the visit.")
    site = forms.ChoiceField(
        label="Body site", choices=[("face", "Face"), ("hands", "Hands")], widget=forms.RadioSelect
    )
    count = forms.IntegerField(label="Packs", min_value=1)
    secret = forms.CharField(widget=forms.HiddenInput)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        self.add_error(None, "The visit is after the end of the course.")
        return data


def summary(html: str) -> str:
    found = re.search(r'<div class="error-summary" tabindex="-1" data-error-summary>(.*?)</div>',
                      html, re.S)  # fmt: skip
    assert found, html
    return found.group(1)


def test_a_failed_submit_lists_each_problem_linked_to_its_field() -> None:
    form = Visit(data={"count": "0"})
    html = render_to_string("accounts/_form.html", {"form": form})
    box = summary(html)
    links = dict(re.findall(r'<a href="#([\w-]+)">([^<]*)</a>', box))
    assert links == {
        "id_day": "Give the visit date.",
        "id_site_0": "Choose the body site.",
        "id_count": "Packs: Ensure this value is greater than or equal to 1.",
    }
    for target in links:
        assert f'id="{target}"' in html
    assert "The visit is after the end of the course." in box  # the form's own errors too
    assert "Secret: Give the secret." in box  # a hidden field's error has no field to go to
    assert "Correct these 5 things first" in box
    assert html.index("error-summary") < html.index("<label")


def test_no_summary_before_a_submit_or_when_all_is_well() -> None:
    assert "error-summary" not in render_to_string("accounts/_form.html", {"form": Visit()})
    good = Visit(data={"day": "2026-01-02", "site": "face", "count": "2", "secret": "x"})
    good.clean = lambda: good.cleaned_data  # type: ignore[method-assign]
    assert good.is_valid()
    assert "error-summary" not in render_to_string("accounts/_form.html", {"form": good})
