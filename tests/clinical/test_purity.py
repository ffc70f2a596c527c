"""The clinical core stays pure: no Django, no other Repigment app."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import repigment.clinical

PACKAGE_DIR = Path(repigment.clinical.__file__).parent
ALLOWED_THIRD_PARTY = {"typer"}  # only the command line uses it


def imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
    return modules


def test_no_clinical_module_imports_django_or_another_app() -> None:
    for path in sorted(PACKAGE_DIR.glob("*.py")):
        for module in imported_modules(path):
            top = module.split(".")[0]
            assert top != "django", f"{path.name} imports {module}"
            if top == "repigment":
                assert module.startswith("repigment.clinical"), f"{path.name} imports {module}"
            elif top not in sys.stdlib_module_names:
                assert top in ALLOWED_THIRD_PARTY, f"{path.name} imports {module}"


def test_importing_every_clinical_module_loads_no_django() -> None:
    names = [f"repigment.clinical.{p.stem}" for p in sorted(PACKAGE_DIR.glob("*.py"))]
    script = (
        "import importlib, json, sys\n"
        f"for name in {names!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('django', 'repigment'))))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(PACKAGE_DIR.parents[1])}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    )
    loaded = json.loads(completed.stdout)
    assert not [m for m in loaded if m.split(".")[0] == "django"]
    assert all(
        m in ("repigment", "repigment.clinical") or m.startswith("repigment.clinical.")
        for m in loaded
    ), loaded
