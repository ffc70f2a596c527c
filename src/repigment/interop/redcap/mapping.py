"""The mapping file (TOML): which REDCap field fills which Repigment field.

A target is given as a field name (``given_names = "first_name"``), as a field with coded
answers translated (``sex = { field = "sex", values = { "1" = "female", "2" = "male" } }``),
or as a constant (``product = { value = "Ruxolitinib 1.5 % cream" }``). Scores and treated
areas name a pair of fields per region. ``docs/examples/redcap-vitiligo/mapping.toml`` is a
complete, commented example.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass
from typing import Any

from repigment.clinical.scoring import FVASI_REGIONS, TVASI_REGIONS


class MappingProblem(ValueError):
    """The mapping cannot be used; ``problems`` says every reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Source:
    """Where one Repigment field's value comes from."""

    field: str = ""  # the REDCap field ("" for a constant)
    values: dict[str, str] = dataclasses.field(
        default_factory=dict
    )  # REDCap code -> Repigment value
    constant: str | None = None

    def raw(self, values: dict[str, str]) -> str:
        return self.constant if self.constant is not None else values.get(self.field, "")


#: Per section: target -> (kind, required). Kinds: str, date, int, decimal, or a choice set
#: name resolved by the importer.
SECTIONS: dict[str, dict[str, tuple[str, bool]]] = {
    "patient": {
        "record_number": ("str", False),
        "given_names": ("str", True),
        "family_name": ("str", True),
        "date_of_birth": ("date", True),
        "sex": ("sex", True),
        "phototype": ("phototype", True),
        "phone": ("str", False),
        "email": ("str", False),
        "preferred_language": ("language", False),
    },
    "diagnosis": {
        "recorded_on": ("date", True),
        "vitiligo_type": ("vitiligo_type", True),
        "onset_year": ("int", True),
        "activity": ("activity", True),
    },
    "visit": {"visit_date": ("date", True), "vns": ("vns", False)},
    "prescription": {
        "start_date": ("date", True),
        "product": ("product", True),
        "planned_weeks": ("int", True),
        "frequency": ("frequency", False),
    },
    "adverse_event": {
        "onset_date": ("date", True),
        "term": ("term", True),
        "severity": ("severity", True),
        "outcome": ("outcome", False),
        "action_taken": ("action_taken", False),
        "end_date": ("date", False),
        "description": ("str", False),
    },
}
#: The field whose value marks a row as holding the section (a visit row has a visit date).
ROW_KEYS = {"visit": "visit_date", "prescription": "start_date", "adverse_event": "onset_date"}
REGION_TABLES = {
    ("visit", "fvasi"): FVASI_REGIONS,
    ("visit", "tvasi"): TVASI_REGIONS,
    ("prescription", "treated_areas"): (*FVASI_REGIONS, *TVASI_REGIONS),
}


@dataclass(frozen=True)
class Mapping:
    record_id: str
    clinic: str
    prescriber: str
    record_number_prefix: str
    sections: dict[str, dict[str, Source]]
    #: (section, table) -> region -> the REDCap fields (hand units and grade, or one BSA %)
    regions: dict[tuple[str, str], dict[str, list[str]]]

    def fields(self) -> set[str]:
        """Every REDCap field the mapping reads."""
        names = {self.record_id}
        for sources in self.sections.values():
            names |= {s.field for s in sources.values() if s.field}
        for table in self.regions.values():
            names |= {name for pair in table.values() for name in pair}
        return names


def _source(where: str, spec: Any, problems: list[str]) -> Source | None:
    if isinstance(spec, str):
        return Source(field=spec)
    if isinstance(spec, dict) and "value" in spec and set(spec) == {"value"}:
        return Source(constant=str(spec["value"]))
    if (
        isinstance(spec, dict)
        and isinstance(spec.get("field"), str)
        and set(spec) <= {"field", "values"}
    ):
        values = spec.get("values", {})
        if not isinstance(values, dict):
            problems.append(f"{where}: 'values' must be a table of code = value")
            return None
        return Source(field=spec["field"], values={str(k): str(v) for k, v in values.items()})
    problems.append(
        f"{where}: give a field name, {{ field = ..., values = {{...}} }} or {{ value = ... }}"
    )
    return None


def parse_mapping(text: str) -> Mapping:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise MappingProblem([f"The mapping is not valid TOML: {error}"]) from None
    problems: list[str] = []
    project = data.get("project", {})
    for key in ("record_id", "clinic", "prescriber"):
        if not isinstance(project.get(key), str) or not project[key]:
            problems.append(f'[project] needs {key} = "..."')
    unknown = set(data) - {"project", *SECTIONS}
    if unknown:
        problems.append(
            f"Unknown sections: {', '.join(sorted(unknown))} (known: project, "
            f"{', '.join(SECTIONS)})"
        )
    sections: dict[str, dict[str, Source]] = {}
    regions: dict[tuple[str, str], dict[str, list[str]]] = {}
    if "patient" not in data:
        problems.append("The mapping needs a [patient] section")
    for name, targets in SECTIONS.items():
        given = data.get(name)
        if given is None:
            continue
        tables = {table for (section, table) in REGION_TABLES if section == name}
        sources = {}
        for target, spec in given.items():
            if target in tables:
                regions[(name, target)] = _regions(name, target, spec, problems)
            elif target not in targets:
                problems.append(
                    f"[{name}] {target}: not a field Repigment takes (it takes "
                    f"{', '.join([*targets, *sorted(tables)])})"
                )
            elif (source := _source(f"[{name}] {target}", spec, problems)) is not None:
                sources[target] = source
        for target, (_, required) in targets.items():
            if required and target not in sources:
                problems.append(f"[{name}] needs {target}")
        sections[name] = sources
    if problems:
        raise MappingProblem(problems)
    return Mapping(
        project["record_id"],
        project["clinic"],
        project["prescriber"],
        str(project.get("record_number_prefix", "")),
        sections,
        regions,
    )


def _regions(section: str, table: str, spec: Any, problems: list[str]) -> dict[str, list[str]]:
    allowed = REGION_TABLES[(section, table)]
    size = 1 if table == "treated_areas" else 2
    found = {}
    if not isinstance(spec, dict):
        problems.append(f"[{section}] {table}: a table of region = fields")
        return {}
    for region, fields in spec.items():
        fields = [fields] if isinstance(fields, str) else fields
        if region not in allowed:
            problems.append(
                f"[{section}] {table}: {region!r} is not a region here (regions: "
                f"{', '.join(allowed)})"
            )
        elif not (
            isinstance(fields, list)
            and len(fields) == size
            and all(isinstance(f, str) for f in fields)
        ):
            what = "the BSA % field" if size == 1 else "[hand units field, depigmentation field]"
            problems.append(f"[{section}] {table}.{region}: give {what}")
        else:
            found[region] = fields
    return found
