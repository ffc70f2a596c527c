"""Reading the public pages the way the tests need: text by marking, figures, languages."""

from __future__ import annotations

import html as html_module
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

LANGUAGES = [code for code, _name in settings.LANGUAGES]
ALL_PAGES = (
    "home",
    "medicine",
    "evidence",
    "expect",
    "safety",
    "access",
    "unapproved",
    "clinicians",
    "references",
)
# Names that contain digits but are not figures: response levels, trial names, the GS1 standard.
NAMES = re.compile(r"[FT]-VASI\s?(?:50|75|90)|TRuE-V[12]?|\bV[12]\b|\bGS1\b")
DIGIT = re.compile(r"\d")
MARKS = ("data-ref", "data-input", "data-plain")
BLOCKS = {"p", "li", "td", "caption", "h3", "figcaption", "dd"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


def page_url(page: str, language: str, query: str = "") -> str:
    with translation.override(language):
        return reverse(f"knowledge:{page}") + query


def get_page(client: Client, page: str, language: str, query: str = "") -> str:
    response = client.get(page_url(page, language, query))
    assert response.status_code == 200, (page, language, response.status_code)
    return response.content.decode()


@dataclass
class Marked:
    """Text of the page body, split by the nearest marking around it."""

    unmarked: list[str] = field(default_factory=list)  # text under no marking at all
    plain: list[str] = field(default_factory=list)
    sourced: list[tuple[str, str]] = field(default_factory=list)  # (refs, text)
    unmarked_blocks: list[str] = field(default_factory=list)  # inside <main> only
    ref_ids: set[str] = field(default_factory=set)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.out = Marked()
        self.in_body = False
        self.skip = 0

    def _marking(self) -> tuple[str, str] | None:
        for _tag, attrs in reversed(self.stack):
            for mark in MARKS:
                if mark in attrs:
                    return mark, attrs[mark] or ""
        return None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "body":
            self.in_body = True
        if "data-ref" in values:
            self.out.ref_ids.update(values["data-ref"].split())
        if tag in VOID:
            return
        self.stack.append((tag, values))
        if tag in ("script", "style"):
            self.skip += 1
        in_main = any(open_tag == "main" for open_tag, _attrs in self.stack)
        if in_main and tag in BLOCKS and self._marking() is None:
            self.out.unmarked_blocks.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if tag in ("script", "style"):
            self.skip -= 1
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.in_body or self.skip or not data.strip():
            return
        marking = self._marking()
        if marking is None:
            self.out.unmarked.append(data.strip())
        elif marking[0] == "data-ref":
            self.out.sourced.append((marking[1], data.strip()))
        elif marking[0] == "data-plain":
            self.out.plain.append(data.strip())


def read_marked(html: str) -> Marked:
    reader = _Reader()
    reader.feed(html)
    return reader.out


def digits_outside_names(text: str) -> list[str]:
    return DIGIT.findall(NAMES.sub("", text))


def main_text(html: str) -> str:
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"[ \t\n]+", " ", html_module.unescape(re.sub(r"<[^>]+>", " ", main)))
