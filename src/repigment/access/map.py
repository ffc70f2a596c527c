"""A tile map of Africa drawn on the server: one square per country, roughly where it lies.

The layout is a hand-made grid (column, row from the north-west), not geography: no shapes
or coordinates are downloaded, and every country gets the same size so small states stay
visible and clickable.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from repigment.access.models import Country, Status

# fmt: off
TILES: dict[str, tuple[int, int]] = {
    "MA": (2, 0), "DZ": (3, 0), "TN": (4, 0), "LY": (5, 0), "EG": (6, 0),
    "CV": (0, 1), "MR": (1, 1), "ML": (2, 1), "NE": (3, 1), "TD": (4, 1), "SD": (5, 1),
    "ER": (6, 1), "DJ": (7, 1),
    "SN": (0, 2), "GM": (1, 2), "BF": (2, 2), "BJ": (3, 2), "NG": (4, 2), "CF": (5, 2),
    "SS": (6, 2), "ET": (7, 2), "SO": (8, 2),
    "GW": (0, 3), "GN": (1, 3), "GH": (2, 3), "TG": (3, 3), "CM": (4, 3), "CD": (5, 3),
    "UG": (6, 3), "KE": (7, 3),
    "SL": (0, 4), "LR": (1, 4), "CI": (2, 4), "ST": (3, 4), "GQ": (4, 4), "CG": (5, 4),
    "RW": (6, 4), "TZ": (7, 4), "SC": (9, 4),
    "GA": (4, 5), "AO": (5, 5), "BI": (6, 5), "MW": (7, 5), "KM": (8, 5),
    "NA": (5, 6), "ZM": (6, 6), "MZ": (7, 6), "MG": (8, 6), "MU": (9, 6),
    "BW": (5, 7), "ZW": (6, 7), "SZ": (7, 7),
    "ZA": (5, 8), "LS": (6, 8),
}
# fmt: on

TILE = 40  # side of a square, in SVG units
GAP = 4
PITCH = TILE + GAP
WIDTH = PITCH * (max(col for col, _ in TILES.values()) + 1) - GAP
HEIGHT = PITCH * (max(row for _, row in TILES.values()) + 1) - GAP


@dataclass(frozen=True)
class Tile:
    country: Country
    x: int
    y: int
    state: str  # "route" (confirmed), "tbc" (route to be confirmed), "none" or "unresearched"
    matched: bool

    @property
    def text_x(self) -> int:
        return self.x + TILE // 2

    @property
    def text_y(self) -> int:
        return self.y + TILE // 2 + 5


def tile_state(country: Country) -> str:
    """Uses the annotations of ``services.countries_with_routes()``."""
    if country.status == Status.NOT_RESEARCHED:
        return "unresearched"
    if country.status == Status.NO_ROUTE_FOUND:
        return "none"
    return "route" if any(route.confirmed for route in country.routes.all()) else "tbc"


def tiles(countries: Iterable[Country], matched: set[str]) -> list[Tile]:
    """A tile for each country on the grid; ``matched`` codes are drawn at full strength."""
    placed = []
    for country in countries:
        if country.code not in TILES:  # a country added in the admin has no square yet
            continue
        col, row = TILES[country.code]
        placed.append(
            Tile(country, col * PITCH, row * PITCH, tile_state(country), country.code in matched)
        )
    return placed
