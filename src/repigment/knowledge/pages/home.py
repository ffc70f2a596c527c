"""The start page: a few key facts, then the way to every other page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from repigment.knowledge.content import Section
from repigment.knowledge.pages import evidence, expect, medicine, safety

SECTIONS = (
    Section(
        "in-short",
        _("In short"),
        (
            medicine.WHAT,
            medicine.US_APPROVAL,
            evidence.RESULT_24,
            expect.SLOW,
            safety.BOXED_CREAM,
        ),
        listed=True,
    ),
)
