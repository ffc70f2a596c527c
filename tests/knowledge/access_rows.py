"""Access rules for the public information pages: open to everyone, signed in or not."""

from __future__ import annotations

from tests.access import USER_KINDS, Row

PUBLIC = dict.fromkeys(USER_KINDS, 200)

PAGES = (
    "home",
    "medicine",
    "evidence",
    "expect",
    "safety",
    "access",
    "clinicians",
    "references",
)

ROWS = [Row(f"knowledge:{page}", own=PUBLIC) for page in PAGES]
