"""The medicine vocabulary of the label check: generic and brand names, ATC codes and classes.

The vocabulary is the data file ``data/medicines.json`` (one entry per medicine, with its
brands and other spellings). A co-medication is recognised by any of its names, compared
after :func:`normalise_medicine_name`. The classes are the three the US limitation of use
names (therapeutic biologics, other JAK inhibitors, potent immunosuppressants) and the topical
skin medicines the EU label asks about (not on the same skin as the cream). A name that is not
in the vocabulary is not assessed, and the label check says so.

Sources: the class lists rest on the US limitation of use; ATC codes on the WHO ATC index
(their reading is recorded as not yet done at the index, so they are due for re-checking);
the topical rule on the EU SmPC. The file names them under ``sources``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib.resources import files
from types import MappingProxyType
from typing import Any


class MedicineClass(StrEnum):
    JAK_INHIBITOR = "jak_inhibitor"
    THERAPEUTIC_BIOLOGIC = "therapeutic_biologic"
    POTENT_IMMUNOSUPPRESSANT = "potent_immunosuppressant"
    OTHER_TOPICAL = "other_topical"

    @property
    def label(self) -> str:
        return _CLASS_LABELS[self.value]


_CLASS_LABELS = {
    "jak_inhibitor": "JAK inhibitor",
    "therapeutic_biologic": "therapeutic biologic",
    "potent_immunosuppressant": "potent immunosuppressant",
    "other_topical": "topical skin medicine",
}
#: The classes the US limitation of use does not recommend combining with the cream.
LIMITED_CLASSES = frozenset(
    {
        MedicineClass.JAK_INHIBITOR,
        MedicineClass.THERAPEUTIC_BIOLOGIC,
        MedicineClass.POTENT_IMMUNOSUPPRESSANT,
    }
)
ROUTES = ("systemic", "topical")
ATC_PATTERN = re.compile(r"[A-Z]\d\d[A-Z][A-Z]\d\d")
SOURCES: Mapping[str, tuple[str, ...]] = {
    "LIMITED_CLASSES": ("opzelurahcp-vitiligo-facts",),
    "ROUTES": ("rxreasoner-eu-indication",),
    "ATC_PATTERN": ("whocc-atc-ddd-index",),
}


@dataclass(frozen=True)
class Medicine:
    generic: str
    atc: str | None  # None where the code is not confirmed
    medicine_class: MedicineClass
    route: str
    brands: tuple[str, ...]
    other_names: tuple[str, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return (self.generic, *self.other_names, *self.brands)

    @property
    def limited(self) -> bool:
        return self.medicine_class in LIMITED_CLASSES

    @property
    def topical(self) -> bool:
        return self.route == "topical"


@dataclass(frozen=True)
class Vocabulary:
    medicines: tuple[Medicine, ...]
    by_name: Mapping[str, Medicine]
    class_words: Mapping[str, MedicineClass]
    ambiguous: Mapping[str, str]
    sources: Mapping[str, tuple[str, ...]]

    def lookup(self, name: str) -> Medicine | None:
        return self.by_name.get(normalise_medicine_name(name))

    def class_of(self, name: str) -> MedicineClass | None:
        """The class of a listed medicine or a class word ("biologic"), else None."""
        key = normalise_medicine_name(name)
        medicine = self.by_name.get(key)
        return medicine.medicine_class if medicine else self.class_words.get(key)


def normalise_medicine_name(name: str) -> str:
    """Lower case, brackets and commas dropped, single spaces: "Tacrolimus (systemic)" matches."""
    cleaned = name.casefold().replace("(", " ").replace(")", " ").replace(",", " ")
    return " ".join(cleaned.split())


class VocabularyError(ValueError):
    """The data file breaks a rule; the message names the entry and the field."""


@cache
def vocabulary() -> Vocabulary:
    raw = json.loads(files("repigment.clinical").joinpath("data/medicines.json").read_text())
    return parse_vocabulary(raw)


def parse_vocabulary(raw: Mapping[str, Any]) -> Vocabulary:
    """Check every entry and build the name index; two medicines may not share a name."""
    medicines = tuple(_medicine(entry, index) for index, entry in enumerate(raw["medicines"]))
    by_name: dict[str, Medicine] = {}
    for medicine in medicines:
        for name in medicine.names:
            key = normalise_medicine_name(name)
            if key in by_name and by_name[key] is not medicine:
                other = by_name[key].generic
                raise VocabularyError(f"{name!r} names both {other} and {medicine.generic}")
            by_name[key] = medicine
    words = {normalise_medicine_name(k): MedicineClass(v) for k, v in raw["class_words"].items()}
    ambiguous = {normalise_medicine_name(k): str(v) for k, v in raw["ambiguous"].items()}
    for key in (*words, *ambiguous):
        if key in by_name:
            raise VocabularyError(f"{key!r} is both a medicine and a class word or ambiguity")
    sources = {key: tuple(value) for key, value in raw["sources"].items()}
    return Vocabulary(
        medicines,
        MappingProxyType(by_name),
        MappingProxyType(words),
        MappingProxyType(ambiguous),
        MappingProxyType(sources),
    )


def _medicine(entry: Mapping[str, Any], index: int) -> Medicine:
    where = f"medicines[{index}] ({entry.get('generic', '?')})"
    atc = entry.get("atc")
    if atc is not None and not ATC_PATTERN.fullmatch(str(atc)):
        raise VocabularyError(f"{where}: atc {atc!r} is not an ATC code like L04AF01")
    if entry.get("route") not in ROUTES:
        raise VocabularyError(f"{where}: route must be one of {', '.join(ROUTES)}")
    try:
        medicine_class = MedicineClass(entry["class"])
    except (KeyError, ValueError):
        raise VocabularyError(f"{where}: unknown class {entry.get('class')!r}") from None
    if medicine_class is MedicineClass.OTHER_TOPICAL and entry["route"] != "topical":
        raise VocabularyError(f"{where}: a topical skin medicine must have route topical")
    generic = str(entry["generic"]).strip()
    if not generic:
        raise VocabularyError(f"{where}: generic name is empty")
    return Medicine(
        generic=generic,
        atc=atc,
        medicine_class=medicine_class,
        route=entry["route"],
        brands=tuple(entry.get("brands", ())),
        other_names=tuple(entry.get("other_names", ())),
    )
