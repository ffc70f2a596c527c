"""Every clinical constant, rule and trial row is tied to a stored reference."""

from __future__ import annotations

import ast
import inspect
import re
from datetime import date
from types import ModuleType

import pytest

from repigment.clinical import (
    body_surface,
    identifiers,
    label,
    medicines,
    monitoring,
    quantity,
    references,
    response,
    scoring,
)
from repigment.clinical.references import REFERENCES, UNSOURCED, Quality, get_reference
from repigment.clinical.trials import TRIAL_RESULTS
from repigment.knowledge.catalogue import cited_reference_ids

RULE_MODULES = [
    scoring, response, label, quantity, identifiers, medicines, monitoring, body_surface,
]  # fmt: skip
# Names that are registries of other things, checked on their own below.
NOT_CONSTANTS = {"SOURCES", "RULES"}


def public_constants(module: ModuleType) -> list[str]:
    """UPPER_CASE names assigned at the top level of the module's own source."""
    tree = ast.parse(inspect.getsource(module))
    names = []
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Name) and re.fullmatch(r"[A-Z][A-Z0-9_]*", target.id):
                names.append(target.id)
    return [name for name in names if name not in NOT_CONSTANTS]


def test_the_constant_finder_sees_the_constants() -> None:
    assert "DEPIGMENTATION_LADDER" in public_constants(scoring)
    assert "MAX_TREATED_BSA_PERCENT" in public_constants(label)
    assert "TUBE_SIZES_GRAMS" not in public_constants(quantity)  # imported, not defined


@pytest.mark.parametrize("module", RULE_MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[1])
def test_every_constant_has_a_reference_or_is_listed_as_unsourced(module: ModuleType) -> None:
    short = module.__name__.rsplit(".", 1)[1]
    sources = getattr(module, "SOURCES", {})
    for name in public_constants(module):
        if f"{short}.{name}" in UNSOURCED:
            continue
        assert name in sources, f"{short}.{name} has no reference (add it to {short}.SOURCES)"
        assert sources[name], f"{short}.{name} lists no reference"
        for ref_id in sources[name]:
            assert ref_id in REFERENCES, f"{short}.{name} cites unknown reference {ref_id!r}"


@pytest.mark.parametrize("module", RULE_MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[1])
def test_sources_name_only_constants_that_exist(module: ModuleType) -> None:
    for name in getattr(module, "SOURCES", {}):
        assert hasattr(module, name), f"{module.__name__}.SOURCES names missing {name}"


def test_the_unsourced_list_names_real_constants_and_stays_short() -> None:
    modules = {m.__name__.rsplit(".", 1)[1]: m for m in RULE_MODULES}
    for key in UNSOURCED:
        short, name = key.split(".")
        assert hasattr(modules[short], name), f"UNSOURCED names missing constant {key}"
    assert set(UNSOURCED) == {"quantity.GRAMS_PER_FINGERTIP_UNIT", "identifiers.ZA_ID_LENGTH"}


def test_every_label_rule_cites_a_known_reference() -> None:
    for rule in label.RULES.values():
        assert rule.reference in REFERENCES, f"rule {rule.id} cites unknown {rule.reference!r}"
        assert rule.id.split(".")[0] == rule.jurisdiction.lower()


def test_every_trial_row_cites_a_known_reference() -> None:
    for row in TRIAL_RESULTS:
        assert row.reference in REFERENCES, f"{row} cites unknown reference"


#: The day the first data was built. The research notes did not record when their sources were
#: read, so no reading may claim this day: a reference is either re-read (and dated then) or
#: left "not recorded" and due for re-checking.
BUILD_DAY = date(2026, 11, 26)


def test_references_are_complete_and_say_when_and_by_whom_they_were_read() -> None:
    for ref_id, ref in REFERENCES.items():
        assert ref.id == ref_id
        assert ref.title.strip() and ref.citation.strip()
        assert ref.url.startswith(("https://", "http://"))
        assert isinstance(ref.quality, Quality)
        assert ref.read.by.strip(), ref_id
        assert ref.read.on is None or ref.read.on <= date.today(), ref_id
        assert ref.read.on != BUILD_DAY, f"{ref_id}: a build day is not a reading"


def test_every_reference_is_used_by_a_rule_a_constant_or_a_trial_row() -> None:
    used = {rule.reference for rule in label.RULES.values()}
    used |= {row.reference for row in TRIAL_RESULTS}
    for module in RULE_MODULES:
        for ref_ids in getattr(module, "SOURCES", {}).values():
            used |= set(ref_ids)
    used |= cited_reference_ids()  # the public pages (repigment.knowledge)
    used |= {ref for refs in medicines.vocabulary().sources.values() for ref in refs}
    used |= {warning.reference for warning in monitoring.CLASS_WARNINGS}
    unused = set(REFERENCES) - used
    # Kept for pages and the comparison panel: alternative sources for the same facts.
    assert unused <= {
        "tipranks-mhra-2023",  # the UK authorisation news; the trial figures cite the NEJM now
        "springer-2023-ruxolitinib",
        "dermavidya-eadv-2023-acne",
        "euctr-2019-000846-37",
        "businesswire-phase2-week52-2019",
        "physiciansweekly-withdrawal-2023",
        "oddb-ch-usage",
        "oddb-ch-effects",
        "emc-uk-pil",
    }


def test_get_reference_returns_a_reference_by_id() -> None:
    assert get_reference("rxreasoner-eu-smpc").quality is Quality.PRIMARY


def test_get_reference_names_an_unknown_id() -> None:
    with pytest.raises(KeyError, match="no-such-source"):
        get_reference("no-such-source")


def test_the_registry_cannot_be_changed_at_run_time() -> None:
    with pytest.raises(TypeError):
        references.REFERENCES["x"] = get_reference("usdermed-vasi")  # type: ignore[index]
