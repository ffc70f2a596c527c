"""Media files that no row names: left by a request that failed after writing its upload.

An upload is written while its transaction is open (the services remove what they wrote when
they fail), but a transaction that fails later (the request's own, or a process killed mid-way)
leaves files that no row names. ``repigment media sweep`` finds them by comparing the media
folder with every file field of every model, and removes those older than a grace period, so
an upload whose transaction is still open is never touched. Run it from a daily timer.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models

#: An upload's transaction is never open this long; younger files are left alone.
DEFAULT_GRACE_SECONDS = 3600


@dataclass
class Sweep:
    """What a sweep found: files no row names (removed unless a dry run) and files kept."""

    orphans: list[str] = field(default_factory=list)
    orphan_bytes: int = 0
    kept: int = 0
    too_young: int = 0


def referenced_names() -> set[str]:
    """Every file name stored in a file field of any model, in any row."""
    names: set[str] = set()
    for model in apps.get_models():
        for found in model._meta.concrete_fields:
            if isinstance(found, models.FileField):
                rows = model._base_manager.exclude(**{found.name: ""}).exclude(
                    **{f"{found.name}__isnull": True}
                )
                names.update(rows.values_list(found.name, flat=True))
    return names


def _files(root: Path) -> Iterator[Path]:
    if root.is_dir():
        yield from (p for p in sorted(root.rglob("*")) if p.is_file() and not p.is_symlink())


def sweep(grace_seconds: int = DEFAULT_GRACE_SECONDS, dry_run: bool = False) -> Sweep:
    """Remove the media files no row names that are older than ``grace_seconds``."""
    root = Path(settings.MEDIA_ROOT)
    cutoff = time.time() - grace_seconds
    # The names are read after the listing's cut-off: a file younger than the grace period is
    # skipped, and an older one whose row commits meanwhile is in the names read here.
    names = referenced_names()
    report = Sweep()
    for path in _files(root):
        name = path.relative_to(root).as_posix()
        if name in names:
            report.kept += 1
        elif path.stat().st_mtime > cutoff:
            report.too_young += 1
        else:
            report.orphans.append(name)
            report.orphan_bytes += path.stat().st_size
            if not dry_run:
                path.unlink()
    return report
