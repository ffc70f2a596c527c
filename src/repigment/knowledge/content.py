"""Sourced statements for the public pages: a fact is words plus figures plus references.

The words are a translatable sentence with ``%(name)s`` placeholders; the figures are values
taken from the reference data (``repigment.clinical`` or the page modules here, each next to
its reference) and formatted for the active language when the page is rendered. So a number
is never typed into a template or a translation, and every fact names the references it
rests on; the tests hold both rules for every page in every language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Protocol

from django.utils.formats import date_format, number_format
from django.utils.functional import Promise
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from repigment.clinical.references import REFERENCES, Reference


class Figure(Protocol):
    def text(self) -> str:
        """The value as it should read in the active language."""
        ...


def plain_number(value: Decimal | int) -> str:
    """A number in the active language's notation (29,8 in French), without grouping."""
    return number_format(value.normalize() if isinstance(value, Decimal) else value)


@dataclass(frozen=True)
class Percent:
    value: Decimal

    def text(self) -> str:
        return _("%(number)s%%") % {"number": plain_number(self.value)}


@dataclass(frozen=True)
class PercentList:
    values: tuple[Decimal, ...]

    def text(self) -> str:
        return _(", ").join(Percent(value).text() for value in self.values)


@dataclass(frozen=True)
class Words:
    """Translatable words in the place of a figure, such as a list of body regions."""

    values: tuple[Promise, ...]

    def text(self) -> str:
        return _(", ").join(str(value) for value in self.values)


@dataclass(frozen=True)
class Number:
    value: Decimal | int

    def text(self) -> str:
        return plain_number(self.value)


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str  # ISO 4217

    def text(self) -> str:
        places = 0 if self.amount == self.amount.to_integral_value() else 2
        number = number_format(self.amount, places, force_grouping=True)
        if self.currency == "ZAR":
            return _("R%(amount)s") % {"amount": number}
        if self.currency == "EUR":
            return _("€%(amount)s") % {"amount": number}
        return f"{number} {self.currency}"


@dataclass(frozen=True)
class MonthYear:
    value: date

    def text(self) -> str:
        return date_format(self.value, "YEAR_MONTH_FORMAT")


@dataclass(frozen=True)
class Day:
    value: date

    def text(self) -> str:
        return date_format(self.value, "DATE_FORMAT")


@dataclass(frozen=True)
class Literal:
    """Text shown exactly as it is in every language: a telephone number, an address, an id."""

    value: str

    def text(self) -> str:
        return self.value


@dataclass(frozen=True)
class Fact:
    key: str
    words: Promise | str
    refs: tuple[str, ...]
    figures: Mapping[str, Figure] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        unknown = [ref for ref in self.refs if ref not in REFERENCES]
        if not self.refs or unknown:
            raise ValueError(f"fact {self.key} needs known references, got {self.refs}")

    def text(self) -> str:
        """The sentence in the active language with its figures filled in (not escaped)."""
        return str(self.words) % {name: fig.text() for name, fig in self.figures.items()}

    def html(self) -> SafeString:
        values = {name: conditional_escape(fig.text()) for name, fig in self.figures.items()}
        return mark_safe(conditional_escape(str(self.words)) % values)


def fact(key: str, words: Promise, refs: Iterable[str], **figures: Figure) -> Fact:
    return Fact(key, words, tuple(refs), MappingProxyType(figures))


@dataclass(frozen=True)
class Section:
    """A titled part of a page: its facts as paragraphs, or as a list when ``listed``."""

    anchor: str
    heading: Promise
    facts: tuple[Fact, ...]
    listed: bool = False


class Citations:
    """Numbers the references of one page in order of first citation: [1], [2], ..."""

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}

    def number(self, ref_id: str) -> int:
        return self._numbers.setdefault(ref_id, len(self._numbers) + 1)

    def marks(self, refs: Iterable[str]) -> SafeString:
        """Superscript links to this page's source list, e.g. [1][3]."""
        pairs = sorted((self.number(ref), ref) for ref in refs)
        return format_html(
            '<sup class="cite">{}</sup>',
            format_html_join("", '<a href="#src-{}">[{}]</a>', ((r, n) for n, r in pairs)),
        )

    def used(self) -> list[tuple[int, Reference]]:
        return [(n, REFERENCES[ref]) for ref, n in self._numbers.items()]


@dataclass(frozen=True)
class RenderedFact:
    key: str
    html: SafeString
    refs: str  # space-separated reference ids, for the data-ref attribute


def render_fact(item: Fact, citations: Citations) -> RenderedFact:
    html = format_html("{}{}", item.html(), citations.marks(item.refs))
    return RenderedFact(item.key, html, " ".join(item.refs))


@dataclass(frozen=True)
class RenderedSection:
    anchor: str
    heading: str
    facts: list[RenderedFact]
    listed: bool


def render_sections(sections: Iterable[Section], citations: Citations) -> list[RenderedSection]:
    return [
        RenderedSection(
            s.anchor, str(s.heading), [render_fact(f, citations) for f in s.facts], s.listed
        )
        for s in sections
    ]
