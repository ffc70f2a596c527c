"""Access rules for the public information pages: open to everyone, signed in or not."""

from __future__ import annotations

from tests.access_rules import USER_KINDS, Row
from tests.knowledge.helpers import ALL_PAGES

PUBLIC = dict.fromkeys(USER_KINDS, 200)

ROWS = [Row(f"knowledge:{page}", own=PUBLIC) for page in ALL_PAGES]
