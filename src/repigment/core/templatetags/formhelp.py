"""``{% error_summary form %}``: the list of what to correct, at the top of a form.

After a failed submit a person (or a screen reader, which ``site.js`` moves to the summary)
learns at once how many things are wrong and reaches each field from its link, instead of
scrolling for red text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms, template

register = template.Library()


@dataclass(frozen=True)
class Problem:
    message: str
    target: str = ""  # the id of the element to go to; empty when no field is concerned


def field_target(bound: forms.BoundField) -> str:
    """The id of the element that takes the focus for this field (the first radio of a group)."""
    if bound.id_for_label:
        return str(bound.id_for_label)
    for sub in bound.subwidgets:
        if sub.id_for_label:
            return str(sub.id_for_label)
    return str(bound.auto_id or "")


def _form_problems(form: forms.BaseForm) -> list[Problem]:
    if not form.is_bound or not form.errors:
        return []
    problems = [Problem(str(m)) for m in form.non_field_errors()]
    for bound in form:
        errors = form.errors.as_data().get(bound.name, [])
        for error in errors:
            for message in error.messages:
                if bound.is_hidden:
                    problems.append(Problem(f"{bound.label}: {message}"))
                elif error.code == "required":
                    problems.append(Problem(message, field_target(bound)))
                else:
                    problems.append(Problem(f"{bound.label}: {message}", field_target(bound)))
    return problems


def problems_of(*sources: Any) -> list[Problem]:
    """What to correct, from forms, formsets and lists of loose messages, in order."""
    problems: list[Problem] = []
    for source in sources:
        if isinstance(source, forms.BaseForm):
            problems += _form_problems(source)
        elif isinstance(source, forms.BaseFormSet):
            if source.is_bound:
                problems += [Problem(str(m)) for m in source.non_form_errors()]
                for form in source.forms:
                    problems += _form_problems(form)
        elif isinstance(source, list | tuple):
            for item in source:
                if isinstance(item, Problem):
                    problems.append(item)
                elif isinstance(item, forms.BaseForm | forms.BaseFormSet):
                    problems += problems_of(item)
                else:
                    problems.append(Problem(str(item)))
    return problems


@register.inclusion_tag("core/_error_summary.html")
def error_summary(*sources: Any) -> dict[str, Any]:
    return {"problems": problems_of(*sources)}
