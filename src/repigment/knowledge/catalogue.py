"""Every sourced fact the public pages can show, found by walking the page modules."""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType

from repigment.knowledge.content import Fact, Section
from repigment.knowledge.pages import (
    access,
    clinicians,
    evidence,
    expect,
    home,
    medicine,
    safety,
    unapproved,
)

PAGE_MODULES: tuple[ModuleType, ...] = (
    home,
    medicine,
    evidence,
    expect,
    safety,
    access,
    clinicians,
    unapproved,
)


#: Facts landed since the catalogues were last translated (engineers do not edit the catalogues;
#: their maintainer does): they read in English in every language until translated. The
#: maintainer removes a key from here when its translations are in the catalogues.
AWAITING_TRANSLATION: frozenset[str] = frozenset()


#: Pages whose title and lead await the same pass.
PAGES_AWAITING_TRANSLATION: frozenset[str] = frozenset()


def _facts_in(value: object) -> Iterator[Fact]:
    if isinstance(value, Fact):
        yield value
    elif isinstance(value, Section):
        yield from value.facts
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _facts_in(item)


def all_facts() -> dict[str, Fact]:
    """Each fact once, by key, from every module-level name of every page module."""
    found: dict[str, Fact] = {}
    for module in PAGE_MODULES:
        for name, value in vars(module).items():
            if name.startswith("__"):
                continue
            for item in _facts_in(value):
                found.setdefault(item.key, item)
    return found


def cited_reference_ids() -> set[str]:
    return {ref for item in all_facts().values() for ref in item.refs}
