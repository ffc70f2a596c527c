"""A test world grown with the scale generator's builders, as ``repigment demo --scale`` does."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from repigment.core.scale import Chunk
from tests.conftest import World


def grow(world: World, first: int, count: int, seed: int, leave_out: Collection[str] = ()) -> None:
    """``count`` more synthetic patients of the world's clinic, with all their records
    (every builder of ``settings.SCALE_BUILDERS`` but those in ``leave_out``)."""
    shared: dict[str, Any] = {
        "clinics": [world.clinic],
        "prescribers": {world.clinic.pk: world.prescriber},
        "pharmacy": world.pharmacy,
        "pharmacist": world.pharmacist,
    }
    chunk = Chunk(seed, first + count, first, count, timezone.localdate(), shared)
    for path in settings.SCALE_BUILDERS:
        if path not in leave_out:
            import_string(path)(chunk)
