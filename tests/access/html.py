"""A small reader for the navigator's HTML: the facts a page shows, with their citations."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class ShownFact:
    confirmed: str  # the li's data-confirmed: "yes" or "no"
    text: str = ""
    source_links: list[str] = field(default_factory=list)
    qualities: list[str] = field(default_factory=list)
    read_on: list[str] = field(default_factory=list)  # the datetime of each <time>
    due: bool = False  # marked "due for re-checking" (or its reading is not recorded)


@dataclass
class ListedSource:
    """One entry of a country page's numbered list of sources."""

    url: str = ""
    quality: str = ""
    read_on: str = ""


class FactReader(HTMLParser):
    """Collects every ``li.acc-fact``, the links and dates inside it, and page-wide details."""

    def __init__(self) -> None:
        super().__init__()
        self.facts: list[ShownFact] = []
        self.assets: list[str] = []  # addresses of stylesheets, scripts, images and icons
        self.scripts_inline = 0
        self.hx_attributes = 0
        self.listed: dict[str, ListedSource] = {}  # "#source-N" -> its entry in the list
        self._open: ShownFact | None = None
        self._depth = 0  # li nesting inside the open fact
        self._source: ListedSource | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        self.hx_attributes += sum(1 for name, _ in attrs if name.startswith(("hx-", "on")))
        if tag in ("link", "script", "img", "source", "iframe") and (a.get("href") or a.get("src")):
            self.assets.append(str(a.get("href") or a.get("src")))
        if tag == "script" and not a.get("src"):
            self.scripts_inline += 1
        if tag == "li" and str(a.get("id", "")).startswith("source-"):
            self._source = self.listed.setdefault(f"#{a['id']}", ListedSource())
        elif self._source is not None:
            if tag == "a" and not self._source.url:
                self._source.url = str(a.get("href"))
            if tag == "span" and "acc-q" in classes:
                self._source.quality = " ".join(classes)
            if tag == "time":
                self._source.read_on = str(a.get("datetime"))
        if tag == "li" and "acc-fact" in classes:
            self._open = ShownFact(confirmed=str(a.get("data-confirmed")))
            self.facts.append(self._open)
            self._depth = 1
        elif self._open is not None:
            if tag == "li":
                self._depth += 1
            if tag == "a" and "acc-src" in classes:
                self._open.source_links.append(str(a.get("href")))
            if tag == "span" and "acc-q" in classes:
                self._open.qualities.append(" ".join(classes))
            if tag == "time":
                self._open.read_on.append(str(a.get("datetime")))
            if tag == "span" and "acc-due" in classes:
                self._open.due = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "li":
            self._source = None
        if self._open is not None and tag == "li":
            self._depth -= 1
            if self._depth == 0:
                self._open.text = " ".join(self._open.text.split())
                self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open.text += data


def read(html: str) -> FactReader:
    reader = FactReader()
    reader.feed(html)
    reader.close()
    return reader
