"""Every server process loads every URL's views; the analysis engine (Polars) and the chart
library (matplotlib) add about 60 MB to each and must load only when a report is made."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys, django
django.setup()
from django.urls import resolve
for path in ("/registry/", "/api/v1/registry/outcomes"):
    resolve(path)
import repigment.urls, repigment.interop.api
print(sorted(m for m in ("polars", "matplotlib") if m in sys.modules))
"""


def test_loading_every_view_leaves_polars_and_matplotlib_unloaded() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        check=True,
        env={"DJANGO_SETTINGS_MODULE": "repigment.settings", "PATH": "/usr/bin:/bin"},
        cwd="src",
    )
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stderr
