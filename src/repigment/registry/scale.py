"""``repigment demo --scale``: the registry's part, run after every other builder of a chunk."""

from __future__ import annotations

from repigment.core.scale import Chunk
from repigment.registry.stale import mark_stale


def build(chunk: Chunk) -> None:
    """The chunk's patients were written in bulk (no signals): their summaries are stale."""
    mark_stale(patient.pk for patient in chunk.patients)
