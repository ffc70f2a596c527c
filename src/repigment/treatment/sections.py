"""The treatment section of a patient's page (registered with the patients app)."""

from __future__ import annotations


def register_sections() -> None:
    pass
