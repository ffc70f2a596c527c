"""Tests of the access app: country data, the public navigator and the countries API.

This package has the same name as the access-table machinery in ``tests/access.py``, which
a package hides. So that ``from tests.access import Row, everyone, ...`` keeps working in
every app's ``access_rows.py``, that module is loaded here under its own name and its names
are re-exported. (Renaming ``tests/access.py`` to ``tests/access_table.py`` would remove the
need for this.)
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_NAME = "tests._access_table"
_FILE = Path(__file__).resolve().parent.parent / "access.py"
if _NAME not in sys.modules:
    _spec = importlib.util.spec_from_file_location(_NAME, _FILE)
    assert _spec is not None and _spec.loader is not None
    _module = importlib.util.module_from_spec(_spec)
    sys.modules[_NAME] = _module
    _spec.loader.exec_module(_module)

# Every public name of tests/access.py, present and future (Row, everyone, only, ...).
_PUBLIC = {name: value for name, value in vars(sys.modules[_NAME]).items() if name[0] != "_"}
globals().update(_PUBLIC)
__all__ = sorted(_PUBLIC)
