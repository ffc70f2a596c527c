"""No figure without a reference: on every page, in every language, and in every fact.

A page fails if a digit appears anywhere in its body outside an element that names its
references (``data-ref``) or echoes the visitor's own input (``data-input``); if a paragraph,
list item or cell carries no marking at all; or if it cites a reference the registry does not
know or does not list in the page's sources.
"""

from __future__ import annotations

import ast
import inspect
import re
from datetime import date
from decimal import Decimal
from types import ModuleType

import pytest
from django.test import Client
from django.utils import translation

from repigment.clinical.references import REFERENCES
from repigment.knowledge.catalogue import PAGE_MODULES, all_facts, cited_reference_ids
from tests.knowledge.helpers import (
    ALL_PAGES,
    LANGUAGES,
    digits_outside_names,
    get_page,
    read_marked,
)

# The expectation tool adds lines of its own: before the first result, at it, and after the last.
PAGE_VARIANTS = [(page, "") for page in ALL_PAGES] + [
    ("expect", "?weeks=10"),
    ("expect", "?weeks=24"),
    ("expect", "?weeks=60"),
    ("expect", "?weeks=abc"),
]
CASES = [
    pytest.param(page, query, lang, id=f"{page}{query}-{lang}")
    for page, query in PAGE_VARIANTS
    for lang in LANGUAGES
]


@pytest.mark.parametrize(("page", "query", "lang"), CASES)
def test_every_figure_on_the_page_sits_inside_a_sourced_element(
    client: Client, page: str, query: str, lang: str
) -> None:
    marked = read_marked(get_page(client, page, lang, query))
    loose = [text for text in marked.unmarked + marked.plain if digits_outside_names(text)]
    assert not loose, f"figures with no reference behind them: {loose}"
    assert not marked.unmarked_blocks, f"blocks with no marking: {marked.unmarked_blocks}"


@pytest.mark.parametrize(("page", "query", "lang"), CASES)
def test_every_cited_reference_is_known_and_listed_on_the_page(
    client: Client, page: str, query: str, lang: str
) -> None:
    html = get_page(client, page, lang, query)
    marked = read_marked(html)
    assert marked.ref_ids <= set(REFERENCES), marked.ref_ids - set(REFERENCES)
    for ref_id in marked.ref_ids:
        assert f'id="src-{ref_id}"' in html or f'id="r-{ref_id}"' in html, ref_id
    assert all(refs.strip() for refs, _text in marked.sourced)


def test_the_checker_catches_a_figure_typed_into_a_template() -> None:
    html = "<body><main><p data-plain>About 30% respond.</p><p>Plain words</p></main></body>"
    marked = read_marked(html)
    assert [t for t in marked.plain if digits_outside_names(t)] == ["About 30% respond."]
    assert marked.unmarked_blocks == ["p"]
    sourced = read_marked('<body><p data-ref="x">F-VASI75 in 30%</p><p data-plain>F-VASI75</p>')
    assert sourced.sourced == [("x", "F-VASI75 in 30%")]
    assert not [t for t in sourced.plain if digits_outside_names(t)]


FACTS = sorted(all_facts().values(), key=lambda f: f.key)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_translation_adds_a_number_that_is_not_a_figure(lang: str) -> None:
    """A fact's digits must all come from its figures, whatever the language."""
    with translation.override(lang):
        for item in FACTS:
            text = item.text()
            for figure in sorted((f.text() for f in item.figures.values()), key=len, reverse=True):
                text = text.replace(figure, " ")
            assert not digits_outside_names(text), f"{lang} {item.key}: {item.text()!r}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_fact_renders_with_all_its_figures(lang: str) -> None:
    with translation.override(lang):
        for item in FACTS:
            text = item.text()
            assert "%(" not in text, f"{lang} {item.key} left a placeholder: {text!r}"
            for figure in item.figures.values():
                assert figure.text() in text, f"{lang} {item.key} lost {figure.text()!r}"


def test_every_fact_cites_known_references() -> None:
    for item in FACTS:
        assert item.refs and set(item.refs) <= set(REFERENCES), item.key


def test_fact_keys_are_unique() -> None:
    keys = [item.key for item in FACTS]
    assert len(keys) == len(set(keys))


def figure_constants(module: ModuleType) -> list[str]:
    """UPPER_CASE names assigned a number, date, text or tuple of numbers in the module."""
    names = []
    for node in ast.parse(inspect.getsource(module)).body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Name) and re.fullmatch(r"[A-Z][A-Z0-9_]*", target.id):
                value = getattr(module, target.id)
                if _is_figure(value):
                    names.append(target.id)
    return names


def _is_figure(value: object) -> bool:
    if isinstance(value, tuple):
        return bool(value) and all(_is_figure(v) for v in value)
    return isinstance(value, int | Decimal | date | str) and not isinstance(value, bool)


@pytest.mark.parametrize("module", PAGE_MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[1])
def test_every_figure_constant_of_a_page_module_names_its_source(module: ModuleType) -> None:
    sources = getattr(module, "SOURCES", {})
    for name in figure_constants(module):
        assert sources.get(name), f"{module.__name__}.{name} has no entry in SOURCES"
    for name, refs in sources.items():
        assert hasattr(module, name), f"SOURCES names missing constant {name}"
        assert set(refs) <= set(REFERENCES), f"{name} cites an unknown reference"


def test_the_pages_cite_every_reference_the_registry_adds_for_them() -> None:
    cited = cited_reference_ids()
    for ref_id in ("sahpra-s21-faq", "who-gsms-2017", "openfda-ruxolitinib-label"):
        assert ref_id in cited
