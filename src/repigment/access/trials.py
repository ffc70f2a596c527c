"""Clinical trials of ruxolitinib cream, read from data/trials.json (sourced like a fact).

The file is small and changes only with research, so it is read (and checked) on each use
rather than loaded into the database; a broken entry raises ValueError naming it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

DATA = Path(__file__).parent / "data"
_ID = {"ClinicalTrials.gov": re.compile(r"NCT\d{8}"), "EudraCT": re.compile(r"\d{4}-\d{6}-\d{2}")}
_STATUSES = {"recruiting", "enrolling_by_invitation", "active", "completed", "ended", "withdrawn"}


@dataclass(frozen=True)
class Source:
    title: str
    url: str
    quality: str


@dataclass(frozen=True)
class Trial:
    registry: str
    identifier: str
    name: str
    url: str
    status: str
    status_text: str
    countries: tuple[str, ...]
    ages: str
    note: str
    confirmed: bool
    sources: tuple[Source, ...]
    read_on: date
    read_by: str


@dataclass(frozen=True)
class Trials:
    trials: tuple[Trial, ...]
    not_verified: str

    def in_country(self, code: str) -> list[Trial]:
        return [t for t in self.trials if code.upper() in t.countries]


def read_trials(data: Path = DATA) -> Trials:
    sources = {
        s["key"]: Source(s["title"], s["url"], s["quality"])
        for s in json.loads((data / "sources.json").read_text("utf-8"))["sources"]
    }
    raw = json.loads((data / "trials.json").read_text("utf-8"))
    trials = []
    for n, entry in enumerate(raw["trials"]):
        where = f"trials.json: trials[{n}] ({entry.get('identifier')})"
        pattern = _ID.get(entry["registry"])
        if pattern is None or not pattern.fullmatch(entry["identifier"]):
            raise ValueError(f"{where}: identifier does not fit its registry")
        if entry["status"] not in _STATUSES:
            raise ValueError(f"{where}: unknown status {entry['status']!r}")
        if not entry["sources"] or any(k not in sources for k in entry["sources"]):
            raise ValueError(f"{where}: cites no source or an unknown one")
        cited = tuple(sources[k] for k in entry["sources"])
        if entry["confirmed"] and all(s.quality == "weak" for s in cited):
            raise ValueError(f"{where}: weak sources only, cannot be confirmed")
        read_on = date.fromisoformat(entry["read_on"])
        if read_on > date.today() or not entry["read_by"].strip():
            raise ValueError(f"{where}: read_on in the future or read_by empty")
        if any(not re.fullmatch(r"[A-Z]{2}", c) for c in entry["countries"]):
            raise ValueError(f"{where}: countries are ISO alpha-2 codes")
        trials.append(
            Trial(
                registry=entry["registry"],
                identifier=entry["identifier"],
                name=entry["name"],
                url=entry["url"],
                status=entry["status"],
                status_text=entry["status_text"],
                countries=tuple(entry["countries"]),
                ages=entry["ages"],
                note=entry["note"],
                confirmed=entry["confirmed"],
                sources=cited,
                read_on=read_on,
                read_by=entry["read_by"],
            )
        )
    return Trials(tuple(trials), raw["not_verified"])
