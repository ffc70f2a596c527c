"""Access rules for the public information pages: open to everyone, signed in or not."""

from __future__ import annotations

from tests.access_rules import USER_KINDS, Row, only
from tests.knowledge.helpers import ALL_PAGES

PUBLIC = dict.fromkeys(USER_KINDS, 200)

ROWS = [Row(f"knowledge:{page}", own=PUBLIC) for page in ALL_PAGES]

# The maintainer's pages: site administrators only (no clinic role grants them); a signed-in
# user without ``is_staff`` is refused, an anonymous visitor is sent to log in.
ROWS += [
    Row("maintain:sources_due", own=only()),
    Row("maintain:recheck", own=only(), method="POST", data={"kind": "reference", "key": "x"}),
]
