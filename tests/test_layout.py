"""The layout rules of DESIGN.md, read from the source: apps import one way, no import circles,
and the pure modules import neither Django nor the apps.

Every import counts, wherever it is written: at the top of a module, inside a function, or under
``if TYPE_CHECKING``. Migrations are left out (they are history and name code where it lives
now). A lower app that must hear of a higher one takes a signal or a function passed in (a dotted
path in settings, like ``DEMO_BUILDERS`` or ``REMINDER_SOURCES``), never an import.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps

import repigment

SRC = Path(repigment.__file__).parent

#: The apps from the lowest up. An app may import the apps of lower layers only; apps in one
#: layer are siblings and import neither each other nor anything above. Every package under
#: src/repigment must be placed here; the modules directly in it (settings, urls, cli, …) wire
#: the project together, may import every app, and no app imports them.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("clinical",),  # pure rules (no Django), below everything
    ("core",),  # the API's error shape, the strict schema, shared bases
    ("accounts",),
    ("patients",),
    ("assessments", "treatment"),
    ("reminders",),  # what falls due: reads visits and prescriptions
    ("safety",),  # lists its own reminders through reminders' registry
    ("access",),  # the country navigator: countries, routes, checklists
    ("authorisations",),  # applications on access's routes
    ("supply",),  # orders and dispenses against authorisations
    ("worklist",),  # each role's home: the work of the apps below, ranked
    ("registry",),  # the de-identified dataset over all of the above
    ("knowledge",),  # the public pages: cite clinical facts and safety's reporting route
    ("interop",),  # the REST root (every app's router), FHIR, imports
)
RANK = {app: rank for rank, layer in enumerate(LAYERS) for app in layer}

#: Modules that import nothing from Django or the apps (only each other and the standard
#: library or plain libraries): the clinical core, the public pages' expectation tool and the
#: registry's analysis (which a site runs on another site's export, without a database).
PURE = (
    "repigment.clinical",
    "repigment.knowledge.expectation",
    "repigment.registry.analysis",
    "repigment.registry.bands",
)


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str  # the imported module (or package, or outside name)
    line: int

    def __str__(self) -> str:
        return f"{self.source} imports {self.target} (line {self.line})"


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {
    module_name(path): path
    for path in sorted(SRC.rglob("*.py"))
    if "migrations" not in path.relative_to(SRC).parts
}


#: The apps: every package directly under src/repigment.
APPS = {path.parent.name for path in SRC.glob("*/__init__.py")}


def app_of(module: str) -> str | None:
    """The app of a ``repigment.…`` module; None for the project's own modules (settings, …)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in APPS else None


def _resolve(source: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = source.split(".")
    if MODULES[source].name != "__init__.py":
        package = package[:-1]
    base = package[: len(package) - node.level + 1]
    return ".".join([*base, node.module] if node.module else base)


def imports_of(source: str) -> Iterator[Import]:
    """Every import in ``source``; ``from a import b`` names module ``a.b`` when it is one."""
    tree = ast.parse(MODULES[source].read_text(encoding="utf-8"), filename=str(MODULES[source]))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(source, alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(source, node)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                yield Import(source, submodule if submodule in MODULES else base, node.lineno)


IMPORTS = list(dict.fromkeys(found for module in MODULES for found in imports_of(module)))


def test_every_app_has_its_place_in_the_layers() -> None:
    unplaced = sorted(APPS - set(RANK))
    assert not unplaced, f"place these apps in LAYERS (tests/test_layout.py): {unplaced}"


def test_apps_import_only_lower_apps() -> None:
    wrong = []
    for found in IMPORTS:
        if not found.target.startswith("repigment.") or found.target == "repigment":
            continue
        source, target = app_of(found.source), app_of(found.target)
        if source is None or source == target or source not in RANK:
            continue  # the project's wiring imports anything; unplaced apps fail above
        if target is None:
            wrong.append(f"{found}: an app imports the project's wiring")
        elif target in RANK and RANK[target] >= RANK[source]:
            wrong.append(f"{found}: {source} is not above {target} in LAYERS")
    assert not wrong, "imports against the layers:\n" + "\n".join(wrong)


def _circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def test_no_import_circles_between_modules() -> None:
    edges: dict[str, set[str]] = {module: set() for module in MODULES}
    for found in IMPORTS:
        if found.target in MODULES and found.target != found.source:
            edges[found.source].add(found.target)
    circles = _circles(edges)
    assert not circles, "import circles:\n" + "\n".join(" ↔ ".join(c) for c in circles)


def test_the_circle_finder_finds_a_circle() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _circles(edges) == [["a", "b", "c"]]
    assert _circles({"a": {"b"}, "b": set()}) == []


@pytest.mark.parametrize("pure", PURE)
def test_pure_modules_import_neither_django_nor_the_apps(pure: str) -> None:
    wrong = [
        str(found)
        for found in IMPORTS
        if (found.source == pure or found.source.startswith(f"{pure}."))
        and (
            found.target.split(".")[0] == "django"
            or (found.target.startswith("repigment") and not found.target.startswith(PURE))
        )
    ]
    assert [m for m in MODULES if m == pure or m.startswith(f"{pure}.")], f"no module {pure}"
    assert not wrong, "\n".join(wrong)


def test_model_relations_point_to_lower_apps_too() -> None:
    """A foreign key given as a string ("app.Model") is a dependency the imports do not show."""
    wrong = []
    for model in apps.get_models():
        source = model._meta.app_label
        for field in model._meta.get_fields():
            if not field.is_relation or field.auto_created or field.related_model is None:
                continue
            target = field.related_model._meta.app_label  # type: ignore[union-attr]
            placed = source in RANK and target in RANK
            if placed and source != target and RANK[target] >= RANK[source]:
                wrong.append(f"{model.__name__}.{field.name}: {source} → {target}")
    assert not wrong, "relations against the layers:\n" + "\n".join(wrong)
